"""Production mode passes Django's deployment checklist (`manage.py check --deploy`) with nothing to warn about.

Each case runs manage.py in a fresh process with a production environment, because settings are read once at
import; ENV_FILE points at nothing so a developer's own .env cannot leak in.
"""

import json
import os
import secrets
import subprocess
import sys

from django.conf import settings

PROJECT = settings.BASE_DIR
# Everything the settings read that a developer's shell might hold; each case starts without them.
PRODUCTION_VARIABLES = (
    "DEBUG",
    "SECRET_KEY",
    "SECRET_KEY_FILE",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "SITE_URL",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_COOKIES",
    "SESSION_COOKIE_AGE",
    "TRUST_X_FORWARDED_PROTO",
    "TRUST_X_FORWARDED_FOR",
    "TASKS_BACKEND",
    "STATIC_ROOT",
    "ENV_FILE",
    # Set by tests/browser/conftest.py for this test run; `check --deploy` rightly refuses it (async.E001).
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def manage(tmp_path, *arguments, python=sys.executable, **variables):
    environment = {name: value for name, value in os.environ.items() if name not in PRODUCTION_VARIABLES}
    environment.update(
        ENV_FILE=os.devnull,
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="tracker.example.org",
        SITE_URL="https://tracker.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        TRUST_X_FORWARDED_PROTO="1",
        TRUST_X_FORWARDED_FOR="1",
    )
    environment.update(variables)
    return subprocess.run(
        [str(python), "manage.py", *arguments],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def deploy_check(tmp_path, **variables):
    return manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **variables)


def test_production_settings_pass_the_deployment_checklist(tmp_path):
    result = deploy_check(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_each_weakening_fails_the_deployment_checklist_naming_it(tmp_path):
    # One process for all of them: each settings module import costs seconds.
    weakenings = {
        "SECURE_HSTS_SECONDS": ("0", "security.W004"),
        "SECURE_SSL_REDIRECT": ("0", "security.W008"),
        "SECURE_COOKIES": ("0", "security.W012"),
        "ALLOWED_HOSTS": ("", "security.W020"),
    }
    result = deploy_check(tmp_path, **{name: value for name, (value, _) in weakenings.items()})
    assert result.returncode != 0
    for name, (_, warning) in weakenings.items():
        assert warning in result.stderr, name


def test_without_a_secret_key_manage_py_refuses_to_start_naming_it(tmp_path):
    result = manage(tmp_path, "check", SECRET_KEY="")
    assert result.returncode == 1
    assert result.stderr.startswith("Refusing to start: SECRET_KEY is not set.")
    assert "Traceback" not in result.stderr


def test_collectstatic_gives_whitenoise_hashed_and_compressed_files(tmp_path):
    static_root = tmp_path / "static"
    result = manage(tmp_path, "collectstatic", "--no-input", "-v0", STATIC_ROOT=str(static_root))
    assert result.returncode == 0, result.stderr
    # CompressedManifestStaticFilesStorage: a manifest mapping names to hashed names, each with a gzip copy.
    manifest = json.loads((static_root / "staticfiles.json").read_text(encoding="utf-8"))
    hashed = static_root / manifest["paths"]["css/site.css"]
    assert hashed.name != "site.css" and hashed.exists()
    assert hashed.with_name(hashed.name + ".gz").exists()
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE


def test_gunicorn_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("BIND", "unix:/run/cooperation-tracker/gunicorn.sock")
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    loaded = {}
    source = (PROJECT / "config" / "gunicorn.conf.py").read_text(encoding="utf-8")
    exec(
        compile(source, "gunicorn.conf.py", "exec"), {"__file__": str(PROJECT / "config" / "gunicorn.conf.py")}, loaded
    )
    assert loaded["bind"] == ["unix:/run/cooperation-tracker/gunicorn.sock"]
    assert loaded["workers"] == 3
    assert loaded["accesslog"] == "-"
    assert loaded["control_socket_disable"] is True

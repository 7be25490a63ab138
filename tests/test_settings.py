"""Settings come from the environment and fail loudly, naming the variable, when it holds something unusable.

Each case starts a fresh Python process with a crafted environment, because settings are read once at import.
"""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

PROJECT = settings.BASE_DIR
# Prints the settings the tests look at, as JSON on the last line, after Django has set itself up.
PROBE = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'DEBUG': s.DEBUG, 'SECRET_KEY': s.SECRET_KEY, 'TIME_ZONE': s.TIME_ZONE, "
    "'CONN_MAX_AGE': s.DATABASES['default']['CONN_MAX_AGE'], 'ENGINE': s.DATABASES['default']['ENGINE'], "
    "'OPTIONS': {k: v for k, v in s.DATABASES['default'].get('OPTIONS', {}).items() if k != 'init_command'}}))"
)
# The variables the settings read; every case starts without them so the machine's own values cannot leak in.
READ_BY_SETTINGS = (
    "DEBUG",
    "SECRET_KEY",
    "SECRET_KEY_FILE",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "DATABASE_URL_FILE",
    "DB_CONN_MAX_AGE",
    "DB_PREPARED_STATEMENTS",
    "TIME_ZONE",
    "ENV_FILE",
)


def start_django(**variables):
    environment = {name: value for name, value in os.environ.items() if name not in READ_BY_SETTINGS}
    # A developer's own .env must not leak into these cases: point ENV_FILE at nothing unless a case sets it.
    environment.update(DJANGO_SETTINGS_MODULE="config.settings", PYTHONPATH=str(PROJECT), ENV_FILE=os.devnull)
    environment.update(variables)
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=PROJECT, env=environment, capture_output=True, text=True, timeout=60
    )


def settings_of(**variables):
    result = start_django(**variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def refusal(**variables):
    """The ImproperlyConfigured line Django died with."""
    result = start_django(**variables)
    assert result.returncode != 0, result.stdout
    lines = [line for line in result.stderr.splitlines() if "ImproperlyConfigured" in line]
    assert lines, result.stderr
    return lines[-1]


def test_a_debug_value_that_is_not_a_boolean_is_refused_naming_debug():
    message = refusal(DEBUG="maybe")
    assert "DEBUG='maybe' is not a boolean" in message
    assert "1/0, true/false" in message


def test_production_without_a_secret_key_is_refused_naming_secret_key():
    message = refusal(DEBUG="0")
    assert "SECRET_KEY is not set" in message
    assert "SECRET_KEY_FILE" in message


def test_the_secret_key_can_come_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-mounted-secret-file\n", encoding="utf-8")

    loaded = settings_of(DEBUG="0", SECRET_KEY_FILE=str(secret))

    assert loaded["SECRET_KEY"] == "from-a-mounted-secret-file"
    assert loaded["DEBUG"] is False


def test_an_unreadable_secret_key_file_is_refused_naming_it(tmp_path):
    message = refusal(DEBUG="0", SECRET_KEY_FILE=str(tmp_path / "missing"))
    assert "SECRET_KEY_FILE=" in message and "cannot be read" in message


def test_an_unknown_time_zone_is_refused_naming_time_zone():
    message = refusal(DEBUG="1", TIME_ZONE="Mars/Base")
    assert "TIME_ZONE='Mars/Base' is not an IANA time zone" in message


def test_the_time_zone_defaults_to_minsk():
    assert settings_of(DEBUG="1")["TIME_ZONE"] == "Europe/Minsk"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("bogus://somewhere/db", "is not a database URL"),
        ("mysql://user@host/db", "only SQLite and PostgreSQL are supported"),
    ],
)
def test_a_bad_database_url_is_refused_naming_database_url(url, expected):
    message = refusal(DEBUG="1", DATABASE_URL=url)
    assert f"DATABASE_URL='{url}'" in message
    assert expected in message


def test_postgresql_is_chosen_by_the_database_url():
    loaded = settings_of(DEBUG="1", DATABASE_URL="postgres://tracker@db.example.org:5432/tracker")
    assert loaded["ENGINE"] == "django.db.backends.postgresql"


def test_postgresql_prepares_repeated_statements_unless_told_not_to():
    url = "postgres://tracker@db.example.org:5432/tracker"
    options = settings_of(DEBUG="1", DATABASE_URL=url)["OPTIONS"]
    assert options["server_side_binding"] is True and options["prepare_threshold"] == 5
    options = settings_of(DEBUG="1", DATABASE_URL=url, DB_PREPARED_STATEMENTS="0")["OPTIONS"]
    assert "server_side_binding" not in options and "prepare_threshold" not in options


@pytest.mark.django_db
def test_a_query_run_five_times_is_prepared_on_the_server():
    from django.db import connection

    from tracker.models import Initiative

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    prepared = "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s"
    for _ in range(6):
        list(Initiative.objects.filter(code="nothing-here"))
    with connection.cursor() as cursor:
        cursor.execute(prepared, ['%"tracker_initiative"."code" = $1%'])
        assert cursor.fetchone()[0] == 1


def test_with_debug_off_connections_are_kept_open():
    loaded = settings_of(DEBUG="0", SECRET_KEY="x" * 50)
    assert loaded["CONN_MAX_AGE"] > 0


def test_with_debug_on_each_request_opens_its_own_connection():
    assert settings_of(DEBUG="1")["CONN_MAX_AGE"] == 0


def test_a_local_env_file_gives_defaults_that_the_real_environment_overrides(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("# local\nDEBUG=1\nTIME_ZONE=Europe/Moscow\n", encoding="utf-8")
    loaded = settings_of(ENV_FILE=str(env_file))
    assert loaded["DEBUG"] is True and loaded["TIME_ZONE"] == "Europe/Moscow"
    assert settings_of(ENV_FILE=str(env_file), TIME_ZONE="Europe/Minsk")["TIME_ZONE"] == "Europe/Minsk"


def test_a_malformed_env_file_line_is_refused_naming_file_and_line(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DEBUG=1\nthis is not a setting\n", encoding="utf-8")
    message = refusal(ENV_FILE=str(env_file))
    assert f"{env_file}, line 2" in message

"""What we ship installs: the runtime lock alone, in an empty venv, gives a working application.

The development lock holds every package that tests need, so a runtime dependency missing from the runtime lock
(urllib3 once was) would go unnoticed by every other test: this one installs requirements.txt alone, with its
hashes, into a fresh venv, imports every module of config/ and tracker/ there and runs the deployment checklist
in production mode. It needs the package index (or pip's cache) like any install.
"""

import re
import subprocess
import sys

import pytest
from django.conf import settings

from tests.test_deploy import deploy_check

PROJECT = settings.BASE_DIR
IMPORT_EVERYTHING = """
import importlib, pkgutil, django
django.setup()
names = [m.name for package in ("config", "tracker") for m in pkgutil.walk_packages([package], package + ".")]
for name in names:
    importlib.import_module(name)
print(len(names))
"""


def _pins(lock):
    return dict(re.findall(r"^([a-z0-9._-]+)==([^ ;\\\\]+)", (PROJECT / lock).read_text(), re.MULTILINE))


@pytest.fixture(scope="module")
def runtime_python(tmp_path_factory):
    venv = tmp_path_factory.mktemp("runtime") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--require-hashes", "-r", "requirements.txt"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=600,
        env={"PIP_DISABLE_PIP_VERSION_CHECK": "1", "PATH": "/usr/bin:/bin"},
    )
    assert install.returncode == 0, install.stderr
    return python


def test_every_module_imports_with_the_runtime_lock_alone(runtime_python, tmp_path):
    result = subprocess.run(
        [str(runtime_python), "-c", IMPORT_EVERYTHING],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=300,
        env={
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "1",
            "ENV_FILE": "/dev/null",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "PATH": "/usr/bin:/bin",
        },
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 100  # every module, not a few


def test_production_mode_passes_the_deployment_checklist_with_the_runtime_lock_alone(runtime_python, tmp_path):
    result = deploy_check(tmp_path, python=runtime_python)

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_development_lock_pins_the_runtime_packages_at_the_same_versions():
    runtime, development = _pins("requirements.txt"), _pins("requirements-dev.txt")

    assert {name: development.get(name) for name in runtime} == runtime
    assert len(development) > len(runtime)


@pytest.mark.parametrize("lock", ["requirements.txt", "requirements-dev.txt"])
def test_every_pin_carries_hashes(lock):
    # An entry is a line naming a package (name==version) and its indented continuation lines.
    entries = re.split(r"\n(?=\S)", re.sub(r"(?m)^#.*\n", "", (PROJECT / lock).read_text()).strip())
    assert entries and all(re.match(r"[a-z0-9._-]+==", entry) for entry in entries)
    assert [entry.split()[0] for entry in entries if "--hash=sha256:" not in entry] == []

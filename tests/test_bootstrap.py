"""bin/venv, which `make run` and `make test` call to make .venv hold a lock: every way it fails ends in one sentence
saying what to install or run, and a broken .venv is rebuilt rather than left to fail the next run too.

Each case runs the script in a fresh process against a .venv in a temporary folder; the lock is one small
package taken from the runtime lock (pip's cache or the package index serves it).
"""

import os
import re
import subprocess
import sys

import pytest
from django.conf import settings

PROJECT = settings.BASE_DIR
SCRIPT = PROJECT / "bin" / "venv"


@pytest.fixture
def lock(tmp_path):
    """A lock of one package (with its hashes), cut from requirements.txt."""
    entry = re.search(r"^sqlparse==.*?(?=^\S)", (PROJECT / "requirements.txt").read_text(), re.MULTILINE | re.DOTALL)
    path = tmp_path / "lock.txt"
    path.write_text(entry.group(0))
    return path


def venv(tmp_path, lock, python=sys.executable):
    environment = {**os.environ, "PYTHON": str(python), "VENV": str(tmp_path / ".venv")}
    return subprocess.run(
        [str(SCRIPT), str(lock)], cwd=PROJECT, env=environment, capture_output=True, text=True, timeout=300
    )


def fake_python(tmp_path, script):
    """An interpreter stand-in: a shell script that answers as `script` says."""
    path = tmp_path / "python-fake"
    path.write_text(f"#!/bin/sh\n{script}\n")
    path.chmod(0o755)
    return path


def last_line(result):
    return result.stderr.strip().splitlines()[-1]


def test_a_fresh_venv_gets_the_lock_and_a_second_run_installs_nothing(tmp_path, lock):
    first = venv(tmp_path, lock)
    assert first.returncode == 0, first.stderr
    assert (tmp_path / ".venv" / "bin" / "python").exists()
    assert (tmp_path / ".venv" / ".installed-lock").exists()

    second = venv(tmp_path, lock)
    assert second.returncode == 0 and second.stdout == second.stderr == ""


def test_a_broken_venv_is_rebuilt(tmp_path, lock):
    (tmp_path / ".venv" / "bin").mkdir(parents=True)  # as an interrupted `python -m venv` leaves it: no pip

    result = venv(tmp_path, lock)

    assert result.returncode == 0, result.stderr
    assert "cannot run pip" in result.stdout and "rebuilding it" in result.stdout
    assert (tmp_path / ".venv" / "bin" / "pip").exists()


def test_python_older_than_3_11_stops_at_once_naming_what_to_install(tmp_path, lock):
    old = fake_python(tmp_path, 'case "$*" in -V) echo "Python 3.10.12";; *) exit 1;; esac')

    result = venv(tmp_path, lock, python=old)

    assert result.returncode == 1
    assert last_line(result).startswith("cooperation-tracker needs Python 3.11 or newer, and")
    assert "Python 3.10.12" in last_line(result) and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / ".venv").exists()


def test_no_python_at_all_is_named(tmp_path, lock):
    result = venv(tmp_path, lock, python="python3.99")

    assert result.returncode == 1 and last_line(result).startswith("No python3.99 here: install Python 3.11")


def test_a_python_without_the_venv_module_names_the_package(tmp_path, lock):
    # Passes the version check, fails `import ensurepip, venv` as Debian's python3 without python3-venv does.
    without_venv = fake_python(tmp_path, f'case "$*" in *ensurepip*) exit 1;; *) exec {sys.executable} "$@";; esac')

    result = venv(tmp_path, lock, python=without_venv)

    assert result.returncode == 1
    assert (
        last_line(result)
        == f"{without_venv} has no venv module: install it (Debian: apt-get install python3-venv) and run again."
    )
    assert not (tmp_path / ".venv").exists()


def test_a_damaged_lock_stops_with_the_fix_and_is_installed_again_next_time(tmp_path, lock):
    good = lock.read_text()
    lock.write_text(re.sub(r"sha256:[0-9a-f]{8}", "sha256:00000000", good))

    result = venv(tmp_path, lock)

    assert result.returncode == 1
    assert last_line(result).startswith(f"Installing {lock} into {tmp_path / '.venv'} failed (pip says why above)")
    assert "git checkout" in last_line(result)
    assert not (tmp_path / ".venv" / ".installed-lock").exists()
    lock.write_text(good)
    assert venv(tmp_path, lock).returncode == 0
    assert (tmp_path / ".venv" / ".installed-lock").exists()

"""Commands run from cron or a pipe fail with one line and a non-zero exit, never a traceback.

Each case runs manage.py in a fresh process, without a terminal (standard input from /dev/null), as cron does.
"""

import os
import socket
import subprocess
import sys

import pytest
from django.conf import settings

PROJECT = settings.BASE_DIR


def manage(*arguments, python=(sys.executable,), **variables):
    environment = {**os.environ, "ENV_FILE": os.devnull, "DEBUG": "1", **variables}
    return subprocess.run(
        [*python, "manage.py", *arguments],
        cwd=PROJECT,
        env=environment,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )


def one_line_error(result):
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def closed_port():
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("command", [["migrate", "--no-input"], ["dispatch_events"], ["send_digest"]])
def test_a_database_that_cannot_be_reached_is_named_in_one_line(closed_port, command):
    result = manage(
        *command, DATABASE_URL=f"postgres://postgres@127.0.0.1:{closed_port}/tracker", DB_CONNECT_TIMEOUT="2"
    )

    line = one_line_error(result)
    assert line.startswith("Cannot reach the PostgreSQL database 'tracker'")
    assert f"127.0.0.1:{closed_port}" in line and "PostgreSQL runs there" in line


def test_restore_without_a_terminal_asks_for_yes_and_restores_nothing(tmp_path):
    backup = tmp_path / "tracker-20260101-000000.sqlite3"
    backup.write_bytes(b"SQLite format 3\x00")
    database = tmp_path / "db.sqlite3"

    result = manage("restore", str(backup), DATABASE_URL=f"sqlite:///{database}")

    line = one_line_error(result)
    assert "no terminal" in line and "--yes" in line and "CONFIRM=yes" in line
    assert not database.exists()


def test_manage_py_outside_the_virtual_environment_says_so_in_one_line():
    # -S: the same interpreter without its site-packages, as the system Python is without the project's .venv.
    result = manage("check", python=(sys.executable, "-S"))

    line = one_line_error(result)
    assert line.startswith("Couldn't import Django") and ".venv/bin/python" in line

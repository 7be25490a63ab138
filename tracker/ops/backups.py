"""Backing up the whole database and restoring a backup (`manage.py backup` / `restore`, `make backup` /
`make restore`).

- PostgreSQL: `pg_dump --format=custom` into `tracker-YYYYmmdd-HHMMSS.dump`; restored with `pg_restore --clean
  --if-exists --no-owner` in one transaction (a failed restore changes nothing). Both need the PostgreSQL client
  programs on PATH, of the server's major version or newer.
- SQLite: SQLite's online backup API (Python's `sqlite3.Connection.backup`) into `tracker-….sqlite3`, and the
  other way to restore. Unlike a file copy it is consistent while the server writes (WAL mode keeps recent
  writes outside the main file).

The database is the one Django is configured with (DATABASE_URL), connection details included, so there is
one place to configure it. Restoring replaces every table, history and events included.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections
from django.utils import timezone

__all__ = ["BackupError", "backup", "describe", "restore"]

_SUFFIXES = {"postgresql": ".dump", "sqlite": ".sqlite3"}
_MAGIC = {"postgresql": b"PGDMP", "sqlite": b"SQLite format 3\x00"}  # the first bytes of each kind of file
_KINDS = {"postgresql": "a PostgreSQL dump (.dump)", "sqlite": "an SQLite backup (.sqlite3)"}


class BackupError(Exception):
    """A backup or restore that could not be made; the message says why and what to do."""


def describe(using="default"):
    """The database a backup is taken from or restored into, for messages and the confirmation question."""
    connection = connections[using]
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        return f"PostgreSQL database {settings['NAME']!r} on {settings.get('HOST') or 'localhost'}"
    return f"SQLite database {settings['NAME']}"


def backup(directory, using="default"):
    """Write a backup of the whole database into `directory` (created if missing); return its path."""
    connection = connections[using]
    directory = Path(directory)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = _new_name(directory, _SUFFIXES[_vendor(connection)])
    partial = target.with_name(target.name + ".partial")  # renamed only once complete
    try:
        if connection.vendor == "postgresql":
            _run("pg_dump", ["--format=custom", "--no-password", f"--file={partial}"], connection)
        else:
            _sqlite_backup(connection, partial)
        partial.chmod(0o600)  # password hashes and API key digests are in there
        partial.rename(target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def restore(path, using="default"):
    """Replace the whole database with the backup at `path`."""
    connection = connections[using]
    path = Path(path)
    vendor = _vendor(connection)
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
    except OSError as error:
        raise BackupError(f"{path} cannot be read: {error.strerror}.") from None
    if not head.startswith(_MAGIC[vendor]):
        raise BackupError(f"{path} is not {_KINDS[vendor]}, which is what {describe(using)} restores from.")
    if vendor == "postgresql":
        # Our own idle connections would hold no locks, but a half-used one could; pg_restore drops every table.
        connections.close_all()
        database = f"--dbname={connection.settings_dict['NAME']}"
        options = ["--clean", "--if-exists", "--no-owner", "--single-transaction", "--no-password", database]
        _run("pg_restore", [*options, str(path)], connection)
    else:
        _sqlite_restore(connection, path)


def _vendor(connection):
    if connection.vendor not in _SUFFIXES:
        raise BackupError(f"Backups of {connection.vendor} databases are not supported.")
    return connection.vendor


def _new_name(directory, suffix):
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    target, number = directory / f"tracker-{stamp}{suffix}", 1
    while target.exists():  # two backups within a second
        number += 1
        target = directory / f"tracker-{stamp}-{number}{suffix}"
    return target


def _run(program, arguments, connection):
    """Run a PostgreSQL client program against the configured database; the password goes through the
    environment (PGPASSWORD), never the command line, which other users of the machine can see."""
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(
            f"{program} is not on PATH: install the PostgreSQL client programs (Debian: postgresql-client) "
            "of the server's major version or newer."
        )
    result = subprocess.run(
        [executable, *arguments], env=_pg_environment(connection.settings_dict), capture_output=True, text=True
    )
    if result.returncode != 0:
        raise BackupError(f"{program} failed (exit status {result.returncode}):\n{result.stderr.strip()}")


def _pg_environment(settings):
    environment = dict(os.environ)
    for variable, value in (
        ("PGHOST", settings.get("HOST")),
        ("PGPORT", settings.get("PORT")),
        ("PGUSER", settings.get("USER")),
        ("PGPASSWORD", settings.get("PASSWORD")),
        ("PGDATABASE", settings.get("NAME")),
        ("PGSSLMODE", settings.get("OPTIONS", {}).get("sslmode")),
        ("PGCONNECT_TIMEOUT", settings.get("OPTIONS", {}).get("connect_timeout")),
    ):
        if value:
            environment[variable] = str(value)
    return environment


def _sqlite_backup(connection, target):
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
        # One self-contained file, whatever the journal mode of the live database (WAL keeps side files).
        destination.execute("PRAGMA journal_mode=DELETE")
    finally:
        destination.close()


def _sqlite_restore(connection, path):
    source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        connection.ensure_connection()
        # Into Django's own connection: for a file it is the same as opening it anew, and the in-memory
        # database of the tests exists only as long as that connection does.
        source.backup(connection.connection)
    finally:
        source.close()

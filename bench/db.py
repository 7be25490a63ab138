"""The benchmark's own PostgreSQL database: make sure the server runs, create and drop the database."""

import subprocess
import time
from pathlib import Path

import psycopg

__all__ = [
    "clone",
    "connect",
    "create_database",
    "drop_database",
    "ensure_postgres",
    "exists",
    "save_as_template",
    "server_version",
    "template_key",
]

HOST, PORT, USER = "127.0.0.1", 5432, "postgres"


def url(name):
    return f"postgres://{USER}@{HOST}:{PORT}/{name}"


def connect(name, **kwargs):
    # Django's sessions run in UTC; so do these, so the same SQL sees the same values.
    return psycopg.connect(url(name), options="-c timezone=UTC", **kwargs)


def ensure_postgres():
    """Connect to the maintenance database; if the local cluster is down, start it (Debian's pg_ctlcluster)."""
    try:
        connect("postgres", connect_timeout=3).close()
        return
    except psycopg.OperationalError:
        pass
    versions = sorted(p.name for p in Path("/etc/postgresql").glob("*")) if Path("/etc/postgresql").exists() else []
    if not versions:
        raise RuntimeError(f"PostgreSQL is not reachable at {HOST}:{PORT} and no local cluster was found to start.")
    print(f"PostgreSQL is down; starting cluster {versions[-1]}/main", flush=True)
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "start"], check=True)
    for _ in range(50):
        try:
            connect("postgres", connect_timeout=3).close()
            return
        except psycopg.OperationalError:
            time.sleep(0.2)
    raise RuntimeError(f"PostgreSQL {versions[-1]}/main was started but does not accept connections.")


def drop_database(name):
    with connect("postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def create_database(name):
    drop_database(name)
    with connect("postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')


def template_key(template):
    """The key a template database was saved with (its comment), or None if there is none."""
    with connect("postgres") as admin:
        row = admin.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [template]
        ).fetchone()
    return row[0] if row else None


def clone(name, template):
    drop_database(name)
    with connect("postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')


def save_as_template(name, template, key):
    """Copy database `name` (no one may be connected to it) to `template`, labelled with `key`."""
    drop_database(template)
    with connect("postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{template}" TEMPLATE "{name}"')
        admin.execute(f"COMMENT ON DATABASE \"{template}\" IS '{key}'")


def exists(name):
    with connect("postgres") as admin:
        return admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def server_version(name):
    with connect(name) as connection:
        return connection.execute("SHOW server_version").fetchone()[0].split(" ")[0]

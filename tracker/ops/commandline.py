"""What manage.py adds around Django's command line: commands run from cron or a pipe end in one line and a
non-zero exit when the database cannot be reached, never in a traceback that buries the reason."""

import sys

from django.core.management import execute_from_command_line
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections

__all__ = ["run"]


def run(argv):
    try:
        execute_from_command_line(argv)
    except (OperationalError, InterfaceError) as error:
        connection = connections[DEFAULT_DB_ALIAS]
        if connection.connection is not None:  # connected, then failed: a real error, with its traceback
            raise
        sys.exit(unreachable(connection, error))


def unreachable(connection, error):
    """One sentence naming the database that could not be opened, where it is, and the driver's reason."""
    settings = connection.settings_dict
    # psycopg says "connection failed: connection to server at …, port … failed: Connection refused" first.
    first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    reason = first.rpartition("failed: ")[2] or first
    if connection.vendor == "postgresql":
        where = f"{settings.get('HOST') or 'localhost'}:{settings.get('PORT') or 5432}"
        return (
            f"Cannot reach the PostgreSQL database {settings['NAME']!r} at {where} ({reason}): check that "
            "PostgreSQL runs there and that DATABASE_URL names the right server and database."
        )
    return f"Cannot open the database {settings['NAME']} ({reason}): check DATABASE_URL and the file's folder."

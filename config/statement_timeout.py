"""A time limit on each SQL statement of a web request, on PostgreSQL (settings.DB_STATEMENT_TIMEOUT_MS).

Set on each new database connection of a web process: config/wsgi.py and config/asgi.py (which gunicorn and
`runserver` load) call `install()`. Management commands (migrate, the imports, the demo data) and the task
workers never load those modules, so their long statements are not cut off. That is the simplest correct split:
no command has to remember to lift the limit, and no request can forget to set it. It costs one SET per new
connection (they are kept for DB_CONN_MAX_AGE), none per request.

A statement stopped by it raises OperationalError (SQLSTATE 57014): the API answers 503 problem+json
(tracker.api.errors), the pages their 503 page (tracker.middleware.database). The observations export lifts it
for its one long COPY (tracker.data.exports).
"""

from django.conf import settings
from django.db.backends.signals import connection_created

__all__ = ["install", "limit_statement_time"]


def install():
    connection_created.connect(limit_statement_time, dispatch_uid="tracker-statement-timeout")


def limit_statement_time(sender=None, connection=None, **kwargs):
    timeout = int(settings.DB_STATEMENT_TIMEOUT_MS)
    if connection.vendor == "postgresql" and timeout > 0:
        with connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = {timeout}")  # an int from the settings: nothing to quote

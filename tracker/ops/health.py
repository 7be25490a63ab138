"""Probes for load balancers and orchestrators: `/healthz` (liveness) and `/readyz` (readiness).

Both are cheap and need no login, session, CSRF token or language; the access log writes them at DEBUG.

- `/healthz`: the process answers. 200 {"status": "ok"}; never touches the database, so a database outage
  does not get healthy processes restarted.
- `/readyz`: this process can serve: the database answers within a short timeout and every migration is
  applied. 200 {"status": "ready"}, else 503 {"status": "unavailable", "checks": {name: reason}}.
"""

import contextlib
import logging

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

__all__ = ["healthz", "readyz"]

logger = logging.getLogger(__name__)

STATEMENT_TIMEOUT_MS = 2000  # the connect timeout is DB_CONNECT_TIMEOUT, in the database OPTIONS
# Once every migration has been applied it stays so until the next deploy, which restarts the process:
# the migration graph (read from disk) is then not loaded again for every probe.
_migrations_applied = False


def probe(view):
    return login_not_required(csrf_exempt(never_cache(require_safe(view))))


@probe
def healthz(request):
    return JsonResponse({"status": "ok"})


@probe
def readyz(request):
    checks = {}
    try:
        with _short_statements() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        logger.warning("not ready: the database cannot be reached: %s", error)
        checks["database"] = f"unreachable ({type(error).__name__})"
    else:
        try:
            unapplied = unapplied_migrations()
        except DatabaseError as error:
            logger.warning("not ready: the applied migrations cannot be read: %s", error)
            checks["migrations"] = f"cannot be read ({type(error).__name__})"
        else:
            if unapplied:
                logger.warning("not ready: %d migrations are not applied, first %s", len(unapplied), unapplied[0])
                checks["migrations"] = f"{len(unapplied)} not applied, first {unapplied[0]}; run manage.py migrate"
    if not checks:
        return JsonResponse({"status": "ready"})
    response = JsonResponse({"status": "unavailable", "checks": checks}, status=503)
    # Logged at WARNING above; a probe polls every few seconds, and Django would log each 503 as an ERROR
    # (and email ADMINS).
    response._has_been_logged = True
    return response


def unapplied_migrations():
    """["app.migration", …] not yet applied to the database, in the order `migrate` would apply them."""
    global _migrations_applied
    if _migrations_applied:
        return []
    with _short_statements():
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    unapplied = [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]
    _migrations_applied = not unapplied
    return unapplied


@contextlib.contextmanager
def _short_statements():
    """A cursor whose statements give up after STATEMENT_TIMEOUT_MS on PostgreSQL. (SQLite is a local file;
    no transaction there, which would take the write lock and queue behind writers.)"""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('statement_timeout', %s, true)", [str(STATEMENT_TIMEOUT_MS)])
        yield cursor

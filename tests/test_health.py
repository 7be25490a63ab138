"""The probes, and the answers while the database cannot be reached.

/healthz answers without the database; /readyz checks it and the migrations. The outage cases need a real
PostgreSQL server whose connections can be killed; they are skipped on SQLite.
"""

import logging
import re
import socket

import psycopg
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client, RequestFactory

from tests import committed_data, factories
from tests.api import PROBLEM, assert_problem
from tracker.models import ApiKey
from tracker.ops import health

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs a database server to lose (kills its connections, points at a closed port); SQLite is a local file",
)


@pytest.fixture
def fresh_readiness(monkeypatch):
    """Check the migrations for real rather than trust a result remembered from an earlier test."""
    monkeypatch.setattr(health, "_migrations_applied", False)


def test_healthz_answers_without_the_database(client):
    # Not marked django_db: any query would fail this test.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_is_ready_when_the_database_answers_and_every_migration_is_applied(client, fresh_readiness):
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ready"}


@pytest.mark.django_db
def test_readyz_is_unavailable_while_a_migration_is_not_applied(client, fresh_readiness, monkeypatch):
    applied_plan = MigrationExecutor.migration_plan

    def plan_with_one_to_apply(self, targets, clean_start=False):
        # Only the plan is simulated: pretend the latest tracker migration has not been applied yet.
        latest = self.loader.graph.nodes[max(key for key in self.loader.graph.leaf_nodes() if key[0] == "tracker")]
        return [*applied_plan(self, targets, clean_start), (latest, False)]

    monkeypatch.setattr(MigrationExecutor, "migration_plan", plan_with_one_to_apply)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert list(body["checks"]) == ["migrations"]
    assert re.match(r"1 not applied, first tracker\.\d{4}_\w+; run manage.py migrate", body["checks"]["migrations"])

    monkeypatch.setattr(MigrationExecutor, "migration_plan", applied_plan)  # `migrate` has run
    assert client.get("/readyz").status_code == 200


@pytest.mark.django_db
def test_readyz_reads_the_migrations_only_until_they_are_all_applied(client, fresh_readiness, monkeypatch):
    assert client.get("/readyz").status_code == 200

    def no_second_look(*args, **kwargs):
        raise AssertionError("the migration graph was loaded again")

    monkeypatch.setattr(health, "MigrationExecutor", no_second_look)
    assert client.get("/readyz").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_need_no_login_session_or_csrf_token_and_stay_out_of_the_access_log(path, fresh_readiness, caplog):
    client = Client(enforce_csrf_checks=True)
    with caplog.at_level(logging.INFO, logger="tracker.request"):
        response = client.get(path)
    assert response.status_code == 200
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies
    assert response["X-Request-ID"]
    assert not [record for record in caplog.records if record.name == "tracker.request"]
    assert client.post(path).status_code == 405  # probes read; nothing to post


# --- while the database cannot be reached (PostgreSQL) -----------------------------------------------------------


def serve(path, **headers):
    """One request through Django's WSGI handler, as gunicorn makes it: unlike the test client, it opens and
    closes the request with the signals that check, keep or drop the database connection."""
    environ = RequestFactory().get(path, headers=headers).environ
    started = []
    response = WSGIHandler()(environ, lambda status, response_headers, *args: started.append(status))
    response.content_bytes = b"".join(response)
    response.close()  # request_finished: Django drops a connection that failed
    return response


def kill_connection():
    """Terminate the server process behind Django's connection, from a second connection, as a database
    restart or a network failure would."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        assert other.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone() == (True,)


@pytest.fixture
def production_connections():
    """production_connections(health_checks=…): persistent connections from the next request on, as with DEBUG
    off (DB_CONN_MAX_AGE 60); returns the connection's settings."""
    settings = connection.settings_dict
    saved = {name: settings[name] for name in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS", "PORT")}

    def use(health_checks):
        settings.update(CONN_MAX_AGE=60, CONN_HEALTH_CHECKS=health_checks)
        connection.close()  # both are read when a connection opens
        return settings

    yield use
    connection.close()
    settings.update(saved)


@pytest.fixture
def partner_token(db):
    return ApiKey.issue("partner")[1]


@pytest.fixture
def session_cookie(db):
    client = Client()
    client.force_login(factories.viewer())
    return f"sessionid={client.cookies['sessionid'].value}"


@postgresql_only
@committed_data()
def test_a_killed_connection_is_replaced_before_use_with_health_checks(
    production_connections, partner_token, session_cookie
):
    production_connections(health_checks=True)
    api = {"authorization": f"Bearer {partner_token}"}
    assert serve("/api/v1/areas/", **api).status_code == 200
    kill_connection()
    assert serve("/api/v1/areas/", **api).status_code == 200
    kill_connection()
    assert serve("/", cookie=session_cookie).status_code == 200


@postgresql_only
@committed_data()
def test_without_health_checks_a_killed_connection_costs_one_503_then_the_app_reconnects(
    production_connections, partner_token, session_cookie, caplog
):
    production_connections(health_checks=False)
    api = {"authorization": f"Bearer {partner_token}"}
    assert serve("/api/v1/areas/", **api).status_code == 200

    kill_connection()
    with caplog.at_level(logging.WARNING):
        failed = serve("/api/v1/areas/", **api)  # the key lookup, before the view, is what fails
    assert failed.status_code == 503
    assert failed["Content-Type"] == PROBLEM and failed["Retry-After"]
    assert b'"type":"/api/problems/unavailable"' in failed.content_bytes.replace(b" ", b"")
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert serve("/api/v1/areas/", **api).status_code == 200

    kill_connection()
    page = serve("/", cookie=session_cookie, accept_language="ru")
    assert page.status_code == 503 and page["Retry-After"]
    assert page["Content-Type"].startswith("text/html")
    assert "Временно недоступно" in page.content_bytes.decode()
    assert serve("/", cookie=session_cookie).status_code == 200

    kill_connection()
    readiness = serve("/readyz")
    assert readiness.status_code == 503
    assert b"database" in readiness.content_bytes
    assert serve("/readyz").status_code == 200


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@postgresql_only
@committed_data()
def test_while_the_database_is_down_the_api_pages_and_readiness_answer_503_and_liveness_200(
    production_connections, partner_token, session_cookie, client, fresh_readiness
):
    settings = production_connections(health_checks=True)
    port = settings["PORT"]
    settings["PORT"] = closed_port()  # nothing listens there: every connection attempt fails
    assert_problem(client.get("/api/v1/areas/", headers={"authorization": f"Bearer {partner_token}"}), 503)
    page = serve("/", cookie=session_cookie)
    assert page.status_code == 503 and page["Retry-After"] and page["X-Request-ID"]
    readiness = serve("/readyz")
    assert readiness.status_code == 503
    assert readiness.content_bytes.startswith(b'{"status": "unavailable", "checks": {"database": "unreachable')
    assert serve("/healthz").status_code == 200

    settings["PORT"] = port  # the database is back: no restart needed
    assert serve("/readyz").status_code == 200
    assert serve("/", cookie=session_cookie).status_code == 200

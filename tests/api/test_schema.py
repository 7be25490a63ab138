"""The OpenAPI document at /api/schema/ describes the API as it behaves: a property-based run (schemathesis)
sends generated requests to every operation, with a read key and a write key, and runs every check but one on
each answer (see test_every_operation_answers_as_documented)."""

import re

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.contrib.staticfiles import finders
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tracker.api.throttling import refill_budgets
from tracker.data.seeds import load_seeds
from tracker.models import ApiKey

pytestmark = pytest.mark.django_db

ERROR_CODES = {"401", "403", "404", "409", "412", "428", "429"}


def test_the_schema_is_served_to_anyone_as_openapi_3(api_client):
    response = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert document["components"]["securitySchemes"]["ApiKey"] == {
        "type": "http",
        "scheme": "bearer",
        "description": document["components"]["securitySchemes"]["ApiKey"]["description"],
    }
    documented = {
        code for path in document["paths"].values() for operation in path.values() for code in operation["responses"]
    }
    assert documented >= ERROR_CODES


def test_every_write_documents_its_refusals_as_problems(api_client):
    document = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    patch = document["paths"]["/api/v1/initiatives/{code}/"]["patch"]["responses"]

    assert {"400", "401", "403", "404", "409", "412", "428", "429"} <= set(patch)
    assert list(patch["412"]["content"]) == ["application/problem+json"]


def test_versioned_resources_document_their_conditional_headers(api_client):
    paths = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]

    for path in ("/api/v1/initiatives/{code}/", "/api/v1/milestones/{id}/"):
        for method in ("put", "patch", "delete"):
            headers = {p["name"]: p for p in paths[path][method]["parameters"] if p["in"] == "header"}
            assert headers["If-Match"]["required"] is True, (method, path)
        read = paths[path]["get"]
        assert "If-None-Match" in [p["name"] for p in read["parameters"] if p["in"] == "header"]
        assert "ETag" in read["responses"]["200"]["headers"]
        assert "ETag" in read["responses"]["304"]["headers"]
    # Reference data carries no version header, so it promises no 304.
    assert "304" not in paths["/api/v1/regions/{code}/"]["get"]["responses"]


def test_the_docs_page_serves_swagger_ui_from_this_server_not_a_cdn(api_client, settings):
    settings.WHITENOISE_USE_FINDERS = True  # as with DEBUG on; in production `collectstatic` gathers the files

    response = api_client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower() and "unpkg.com" not in html
    assets = set(re.findall(r"/static/(drf_spectacular_sidecar/[^\"']+)", html))
    assert {asset.rsplit("/", 1)[1] for asset in assets} >= {"swagger-ui.css", "swagger-ui-bundle.js"}
    for asset in assets:
        assert finders.find(asset), f"{asset} is not among the static files"
        served = api_client.get(f"/static/{asset}")
        assert served.status_code == 200, asset
        # Read to the end, so the test client closes the file as a server would. (Calling close() directly sent
        # request_finished with close_old_connections attached, which closed the connection, and with it the
        # transaction that the property-based run below holds open for the module.)
        assert b"".join(served.streaming_content)


# --- the property-based run -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema_token(django_db_setup, django_db_blocker):
    """The data the generated requests meet, the seeds, and a write key to send them with: loaded once for the
    module in a transaction rolled back after it (like Django's setUpTestData); each test's own changes are
    rolled back in a savepoint inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_seeds(django_settings.BASE_DIR / "seeds")
        yield {"write": ApiKey.issue("schemathesis", can_write=True)[1], "read": ApiKey.issue("schemathesis-read")[1]}
        transaction.set_rollback(True)


@pytest.fixture
def shared_connection():
    """Django's WSGI handler closes the database connection when a request ends, and with it the test's
    transaction; its test client keeps it open. The property-based run calls the WSGI handler, so do the same."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# Loaded once, when the tests are collected: generating the document reads no data. (`from_fixture` would
# load it per test, but schemathesis 4.32's lazy loader does not run under pytest 9.)
# An address over MAX_URL_LENGTH is refused with 414 before a view reads it: that too rejects bad data.
REJECTIONS = ["400", "401", "403", "404", "405", "406", "409", "414", "415", "422", "428", "429", "5xx"]
CONFIG = SchemathesisConfig.from_dict({"checks": {"negative_data_rejection": {"expected-statuses": REJECTIONS}}})
schema = schemathesis.openapi.from_wsgi("/api/schema/", WSGIHandler(), config=CONFIG)


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)
@pytest.mark.parametrize("key", ["read", "write"])
def test_every_operation_answers_as_documented(case, schema_token, shared_connection, key):
    """Every check schemathesis has, with a read key and a write key, but one: ST202 (positive_data_acceptance,
    "a schema-valid request is accepted"). The schema cannot say which codes and ids exist, nor can it generate a
    valid cursor (an opaque token only the server mints), so a schema-valid request naming a code that does not
    exist, or a made-up cursor, is rightly refused with 400 or 404."""
    refill_budgets()  # generated requests are many; the throttle is not under test here
    headers = {"Authorization": f"Bearer {schema_token[key]}"}
    response = case.call(headers=headers)

    case.validate_response(response, headers=headers, excluded_checks=[positive_data_acceptance])


def test_the_schema_generates_without_a_warning_and_validates(tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3")


@pytest.mark.parametrize("key", ["read", "write"])
def test_chained_operations_answer_as_documented(schema_token, shared_connection, key):
    """The stateful phase: schemathesis chains operations by the links it infers from the schema (a list's codes
    into a read, a change, a delete; a create's id into the part's address) and runs the same checks on every
    answer of each chain, with a read key and a write key."""
    headers = {"Authorization": f"Bearer {schema_token[key]}"}
    answered = []

    class Chains(schema.as_state_machine()):
        def get_call_kwargs(self, case):
            refill_budgets()
            return {"headers": headers}

        def validate_response(self, response, case, additional_checks=(), **kwargs):
            answered.append(response.status_code)
            case.validate_response(response, headers=headers, excluded_checks=[positive_data_acceptance])

    Chains.run(
        settings=settings(
            max_examples=15, deadline=None, stateful_step_count=6, suppress_health_check=list(HealthCheck)
        )
    )
    assert len(answered) > 15 and any(status < 300 for status in answered)

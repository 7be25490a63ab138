"""Every error under /api/ is an RFC 9457 problem (application/problem+json), whatever the client accepts."""

import pytest
from django.conf import settings
from django.db import IntegrityError, connection, transaction

from tests import factories
from tests.api import assert_problem, key_client
from tracker.api.errors import problem_exception_handler
from tracker.models import Participation, Region

pytestmark = pytest.mark.django_db

HTML = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"


@pytest.fixture
def error_cast(shared_initiative, make_key):
    """A shared initiative and keys: read-only and read-write."""
    return {
        "read": key_client(make_key("reader")[1]),
        "write": key_client(make_key("writer", write=True)[1]),
        "milestone": factories.MilestoneFactory(initiative=shared_initiative),
    }


SHARED = "/api/v1/initiatives/shared-one/"
# (name, who, method, url, body, extra request arguments, expected status)
ERRORS = [
    ("not signed in", "anonymous", "get", "/api/v1/initiatives/", None, {}, 401),
    ("unknown key", "anonymous", "get", "/api/v1/initiatives/", None, {"HTTP_AUTHORIZATION": "Bearer nope"}, 401),
    ("read key writes", "read", "patch", SHARED, {"title": "x"}, {}, 403),
    ("unknown initiative", "read", "get", "/api/v1/initiatives/no-such-thing/", None, {}, 404),
    ("unknown address under v1", "read", "get", "/api/v1/no-such-resource/", None, {}, 404),
    ("unknown address under api", "anonymous", "get", "/api/nothing/here", None, {}, 404),
    ("method not allowed", "write", "delete", "/api/v1/regions/", None, {}, 405),
    ("not acceptable", "read", "get", "/api/v1/regions/", None, {"HTTP_ACCEPT": "image/png"}, 406),
    ("invalid body", "write", "post", "/api/v1/milestones/", {"initiative": "shared-one"}, {}, 400),
    ("bad query parameter", "read", "get", "/api/v1/initiatives/?status=flying", None, {}, 400),
    ("bad page size", "read", "get", "/api/v1/regions/?page_size=0", None, {}, 400),
    ("stale If-Match", "write", "patch", SHARED, {"title": "x"}, {"HTTP_IF_MATCH": '"9"'}, 412),
    ("missing If-Match", "write", "patch", SHARED, {"title": "x"}, {}, 428),
    ("transition not allowed", "write", "post", f"{SHARED}transitions/", {"to": "completed"}, {}, 409),
]


@pytest.mark.parametrize("accept", [HTML, "application/json", None], ids=["html", "json", "no-accept"])
@pytest.mark.parametrize(
    ("who", "method", "url", "body", "extra", "status"),
    [case[1:] for case in ERRORS],
    ids=[case[0] for case in ERRORS],
)
def test_every_error_is_a_problem_document_whatever_the_accept_header(
    error_cast, api_client, accept, who, method, url, body, extra, status
):
    client = api_client if who == "anonymous" else error_cast[who]
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    headers.update(extra)

    response = (
        getattr(client, method)(url, body, format="json", **headers)
        if body
        else getattr(client, method)(url, **headers)
    )

    body = assert_problem(response, status)
    assert body["type"].startswith("/api/problems/")
    assert b"<html" not in response.content.lower()


def test_validation_errors_are_keyed_by_field(error_cast):
    response = error_cast["write"].post(
        "/api/v1/milestones/", {"initiative": "shared-one", "due_date": "someday"}, format="json"
    )

    body = assert_problem(response, 400)
    assert set(body["errors"]) == {"title", "due_date"}
    assert all(isinstance(messages, list) and messages for messages in body["errors"].values())
    # `detail` names the first field at fault, for clients that show one line.
    assert body["detail"].split(":")[0] in body["errors"]


def test_a_model_check_comes_back_like_a_serializer_error(error_cast):
    """A constraint spanning fields (a done milestone needs its date) is keyed `non_field_errors`, as DRF keys
    errors about the whole body, with the same problem type and title."""
    url = f"/api/v1/milestones/{error_cast['milestone'].pk}/"
    serializer_error = error_cast["write"].post("/api/v1/milestones/", {}, format="json")

    response = error_cast["write"].patch(url, {"state": "done"}, format="json", HTTP_IF_MATCH='"1"')

    body = assert_problem(response, 400)
    assert list(body["errors"]) == ["non_field_errors"]
    assert body["detail"] == body["errors"]["non_field_errors"][0]
    assert (body["type"], body["title"]) == (serializer_error.json()["type"], serializer_error.json()["title"])


def test_malformed_json_body_is_a_400_problem(error_cast):
    response = error_cast["write"].generic(
        "POST", "/api/v1/milestones/", b'{"initiative": "shared-one", ', content_type="application/json"
    )

    body = assert_problem(response, 400)
    assert "JSON" in body["detail"]


def test_unknown_key_and_wrong_secret_get_identical_401_answers(make_key, api_client):
    _key, token = make_key("partner")
    prefix = token.split("_")[1]
    unknown = api_client.get("/api/v1/regions/", HTTP_AUTHORIZATION="Bearer ctk_ffffffffffff_" + "x" * 43)
    wrong = api_client.get("/api/v1/regions/", HTTP_AUTHORIZATION=f"Bearer ctk_{prefix}_" + "x" * 43)

    assert_problem(unknown, 401)
    assert unknown.content == wrong.content
    assert unknown["WWW-Authenticate"] == wrong["WWW-Authenticate"] == 'Bearer realm="api"'


def test_unknown_transition_target_is_a_400_naming_to(error_cast):
    response = error_cast["write"].post("/api/v1/initiatives/shared-one/transitions/", {"to": "flying"}, format="json")

    body = assert_problem(response, 400)
    assert list(body["errors"]) == ["to"]
    assert body["detail"].startswith("to:")


def test_disallowed_transition_is_a_409_listing_the_allowed_targets(error_cast, shared_initiative):
    response = error_cast["write"].post(
        "/api/v1/initiatives/shared-one/transitions/", {"to": "completed"}, format="json"
    )

    body = assert_problem(response, 409)
    assert body["type"].endswith("/transition-not-allowed")
    assert body["allowed"] == ["under_study", "on_hold", "cancelled"]
    shared_initiative.refresh_from_db()
    assert shared_initiative.status == "proposed"


def test_too_many_requests_get_429_with_retry_after(make_key):
    """The budget is per key: once it is spent the next request waits, and says for how long."""
    rate = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["principal"]
    allowed = int(rate.split("/")[0])
    spender = key_client(make_key("spender")[1])
    bystander = key_client(make_key("bystander")[1])
    for _ in range(allowed):
        assert spender.options("/api/v1/areas/").status_code == 200

    response = spender.get("/api/v1/areas/", HTTP_ACCEPT=HTML)

    body = assert_problem(response, 429)
    assert int(response["Retry-After"]) > 0
    assert body["type"].endswith("/throttled")
    assert bystander.get("/api/v1/areas/").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/initiatives/",
        "/api/v1/milestones/",
        "/api/v1/areas/",
        "/api/v1/indicators/",
        "/api/v1/indicators/by-lip/observations/",
    ],
)
def test_updated_since_takes_any_offset_and_refuses_a_time_without_a_utc_equivalent(error_cast, url):
    factories.ObservationFactory(indicator=factories.TradeIndicatorFactory(code="by-lip"), period="2022")
    reader = error_cast["read"]

    far_offset = reader.get(url, {"updated_since": "2020-01-01T00:00:00-19:38"})
    off_the_calendar = reader.get(url, {"updated_since": "0001-01-01T00:00:00+05:00"})

    assert far_offset.status_code == 200, far_offset.content
    assert far_offset.json()["results"]
    assert list(assert_problem(off_the_calendar, 400)["errors"]) == ["updated_since"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the broken rule's name comes from PostgreSQL's error")
@pytest.mark.parametrize("case", ["unique", "check"])
def test_a_rule_broken_in_the_database_is_a_409_naming_its_fields_never_the_constraint(case):
    """Before, a write that lost a race to a unique or check constraint got 409 "conflicts with stored data",
    naming nothing a client could fix."""
    if case == "unique":
        initiative, organisation = factories.InitiativeFactory(), factories.OrganisationFactory()
        row = {"initiative": initiative, "organisation": organisation, "role": 4, "side": "home"}
        Participation.objects.create(**row)
        rows, constraint = [Participation(**row)], "participation_unique_role"
        fields, message = ["initiative", "organisation", "role"], "already has this role"
    else:
        rows, constraint = [Region(code="not iso", name="X")], "region_code_iso"
        fields, message = ["code"], "break a rule of the record: code"
    with pytest.raises(IntegrityError) as raised, transaction.atomic():
        type(rows[0]).objects.bulk_create(rows)  # past the model's validation, as a racing write gets there

    response = problem_exception_handler(raised.value, {"view": None})

    assert response.status_code == 409
    assert sorted(response.data["errors"]) == fields and message in response.data["detail"]
    assert constraint not in str(response.data)

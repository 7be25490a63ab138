"""Bad input through every way in: each write endpoint of the API, each form of the pages, the login, the admin's
forms and its CSV/XLSX import, and the query parameters of the lists.

Every bad value must be refused with a 4xx that names the field at fault, nothing may be stored, and nothing may
answer 500 — on SQLite and on PostgreSQL alike (PostgreSQL refuses NUL characters in text at the database, so the
app must refuse them before it gets there). Text that is legitimate however odd it looks (markup, SQL, template
syntax) is stored as sent and shown escaped.

Each table reads: (where, field, what is sent) -> what must happen.
"""

import io
import json

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests import factories
from tests.api import PROBLEM, key_client, user_client
from tests.clients import ApiClient
from tracker.domain.choices import Frequency, RegionKind, Visibility
from tracker.models import (
    ApiKey,
    Event,
    Initiative,
    InitiativeIndicator,
    Milestone,
    Observation,
    Participation,
    StatusUpdate,
    WebhookSubscription,
)

pytestmark = pytest.mark.django_db

# --- the corpus -------------------------------------------------------------------------------------------------

NUL = "nul\x00byte"
LONG = "x" * 100_000
SQL = "'; DROP TABLE tracker_initiative; --"
SCRIPT = "<script>alert(1)</script>"
TEMPLATE = "{{7*7}}"
HUGE = "@1e400@"  # sent as the bare JSON number 1e400 (Python reads it as infinity); see encode()
NEGATIVE_HUGE = "@-1e400@"
SCRIPT_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"

# Bad values by the kind of field they are sent to: (label, value).
TEXT = [("nul", NUL), ("100k-chars", LONG), ("list", ["a"]), ("object", {"a": 1}), ("boolean", True)]
UNBOUNDED_TEXT = [("nul", NUL), ("list", ["a"]), ("object", {"a": 1}), ("boolean", True)]
CODE = [("nul", "a\x00b"), ("sql", SQL), ("html", SCRIPT), ("100k-chars", LONG), ("list", ["a"]), ("number", 1.5)]
CHOICE = [
    ("unknown", "flying"),
    ("nul", NUL),
    ("list", ["a"]),
    ("object", {"a": 1}),
    ("boolean", True),
    ("10**30", 10**30),
    ("1e400", HUGE),
]
KEY = [
    ("unknown", "no-such-thing"),
    ("nul", NUL),
    ("list", ["a"]),
    ("object", {"code": "a"}),  # the form a GET returns, naming no row
    ("object without its code", {"name": "a"}),
    ("boolean", True),
    ("10**30", 10**30),
    ("1e400", HUGE),
]
ID = [
    ("words", "abc"),
    ("nul", NUL),
    ("10**30", 10**30),
    ("-1", -1),
    ("1e400", HUGE),
    ("list", [1]),
    ("object without its id", {"name": "x"}),  # {"id": 1}, what a GET returns, is accepted
    ("boolean", True),
]
DATE = [
    ("30-february", "2023-02-30"),
    ("year-99999", "99999-01-01"),
    ("nul", "2023-01-01\x00"),
    ("10**30", 10**30),
    ("1e400", HUGE),
    ("list", ["2023-01-01"]),
    ("boolean", True),
]
DECIMAL = [
    ("words", "a lot"),
    ("nan", "NaN"),
    ("infinity", "Infinity"),
    ("1e400", HUGE),
    ("-1e400", NEGATIVE_HUGE),
    ("'1e400'", "1e400"),
    ("10**30", 10**30),
    ("nul", "1\x00"),
    ("list", [1]),
    ("boolean", True),
]
INTEGER = [
    ("words", "five"),
    ("10**30", 10**30),
    ("-1", -1),
    ("1e400", HUGE),
    ("1.5", 1.5),
    ("boolean", True),
    ("nul", "5\x00"),
]
BOOLEAN = [("maybe", "maybe"), ("nul", NUL), ("list", [True]), ("10**30", 10**30)]
PERIOD = [("nul", "2022\x00"), ("quarter-5", "2022-Q5"), ("year-0", "0000"), ("sql", SQL), ("list", ["2022"])]
EVENTS = [
    ("string", "*"),
    ("empty", []),
    ("nul", [NUL]),
    ("nested", [["*"]]),
    ("object", {"*": 1}),
    ("unknown", ["nothing.happened"]),
    ("100k-chars", [LONG]),
]
URL = [
    ("nul", "http://127.0.0.1/\x00"),
    ("sql", SQL),
    ("javascript", "javascript:alert(1)"),
    ("100k-chars", "http://127.0.0.1/" + LONG),
    ("list", ["http://127.0.0.1/"]),
]

# --- the API ----------------------------------------------------------------------------------------------------

# name: (who, method, url, valid body, sends If-Match). Urls are formatted with the every_endpoint's ids.
ENDPOINTS = {
    "initiative-create": (
        "admin",
        "post",
        "/api/v1/initiatives/",
        {"code": "brand-new", "title": "New", "area": "trade", "partner_region": "RU-LIP"},
        False,
    ),
    "initiative-put": (
        "admin",
        "put",
        "/api/v1/initiatives/shared-one/",
        {"code": "shared-one", "title": "Renamed", "area": "trade", "partner_region": "RU-LIP"},
        True,
    ),
    "initiative-patch": ("admin", "patch", "/api/v1/initiatives/shared-one/", {"title": "Renamed"}, True),
    "transition": ("admin", "post", "/api/v1/initiatives/shared-one/transitions/", {"to": "under_study"}, False),
    "milestone-create": ("admin", "post", "/api/v1/milestones/", {"initiative": "shared-one", "title": "Sign"}, False),
    "milestone-put": (
        "admin",
        "put",
        "/api/v1/milestones/{milestone}/",
        {"initiative": "shared-one", "title": "Sign"},
        True,
    ),
    "milestone-patch": ("admin", "patch", "/api/v1/milestones/{milestone}/", {"title": "Sign"}, True),
    "participation-create": (
        "admin",
        "post",
        "/api/v1/participations/",
        {"initiative": "shared-one", "organisation": "{organisation}", "role": 1, "side": "home"},
        False,
    ),
    "participation-patch": ("admin", "patch", "/api/v1/participations/{participation}/", {"role": 1}, True),
    "indicator-link-create": (
        "admin",
        "post",
        "/api/v1/indicator-links/",
        {"initiative": "shared-one", "indicator": "unlinked", "target_value": "5", "target_period": "2025"},
        False,
    ),
    "indicator-link-patch": ("admin", "patch", "/api/v1/indicator-links/{link}/", {"rationale": "why"}, True),
    "observations": (
        "admin",
        "put",
        "/api/v1/indicators/yearly/observations/",
        [{"period": "2022", "value": "1"}],
        False,
    ),
    "webhook-create": (
        "key",
        "post",
        "/api/v1/webhooks/",
        {"url": "http://127.0.0.1:9/hook", "events": ["*"]},
        False,
    ),
    "webhook-patch": ("key", "patch", "/api/v1/webhooks/{webhook}/", {"name": "mirror"}, False),
}

# (endpoint, field, bad values): every value must be refused with a 400 naming the field.
REFUSED_FIELDS = [
    ("initiative-create", "code", CODE),
    ("initiative-create", "title", TEXT),
    ("initiative-create", "summary", UNBOUNDED_TEXT),
    ("initiative-create", "area", KEY),
    ("initiative-create", "partner_region", KEY),
    ("initiative-create", "owner", KEY),
    ("initiative-create", "origin", ID),
    ("initiative-create", "source", KEY),
    ("initiative-create", "priority", CHOICE),
    ("initiative-create", "visibility", CHOICE),
    ("initiative-create", "planned_start", DATE),
    ("initiative-put", "title", TEXT),
    ("initiative-put", "planned_end", DATE),
    ("initiative-patch", "title", TEXT),
    ("initiative-patch", "source_detail", TEXT),
    ("initiative-patch", "priority", CHOICE),
    ("initiative-patch", "actual_start", DATE),
    ("transition", "to", CHOICE),
    ("transition", "health", CHOICE),
    ("transition", "note", TEXT),
    ("transition", "health_reason", TEXT),
    ("milestone-create", "initiative", KEY),
    ("milestone-create", "title", TEXT),
    ("milestone-create", "kind", CHOICE),
    ("milestone-create", "state", CHOICE),
    ("milestone-create", "responsible_organisation", ID),
    ("milestone-create", "responsible_person", TEXT),
    ("milestone-create", "meeting", ID),
    ("milestone-create", "due_date", DATE),
    ("milestone-put", "title", TEXT),
    ("milestone-put", "due_date", DATE),
    ("milestone-patch", "title", TEXT),
    ("milestone-patch", "done_on", DATE),
    ("participation-create", "organisation", ID),
    ("participation-create", "role", CHOICE),
    ("participation-create", "side", CHOICE),
    ("participation-patch", "side", CHOICE),
    ("indicator-link-create", "indicator", KEY),
    ("indicator-link-create", "rationale", UNBOUNDED_TEXT),
    ("indicator-link-create", "target_value", DECIMAL),
    ("indicator-link-create", "target_period", PERIOD),
    ("indicator-link-patch", "rationale", UNBOUNDED_TEXT),
    ("indicator-link-patch", "target_value", DECIMAL),
    ("observations", "period", PERIOD),
    ("observations", "value", DECIMAL),
    ("observations", "qualifier", CHOICE),
    ("observations", "source", KEY),
    ("observations", "note", UNBOUNDED_TEXT),  # a longer note is cut to 300 characters (the API's old behaviour)
    ("webhook-create", "name", TEXT),
    ("webhook-create", "url", URL),
    ("webhook-create", "events", EVENTS),
    ("webhook-create", "region", KEY),
    ("webhook-create", "max_failures", INTEGER),
    ("webhook-create", "enabled", BOOLEAN),
    ("webhook-patch", "name", TEXT),
    ("webhook-patch", "url", URL),
    ("webhook-patch", "events", EVENTS),
    ("webhook-patch", "max_failures", INTEGER),
]

REFUSED = [
    pytest.param(endpoint, field, value, id=f"{endpoint}-{field}-{label}")
    for endpoint, field, values in REFUSED_FIELDS
    for label, value in values
]

# (endpoint, field, value) accepted as legitimate text: stored exactly as sent.
ACCEPTED = [
    ("initiative-create", "title", SCRIPT),
    ("initiative-create", "summary", LONG),
    ("initiative-patch", "summary", TEMPLATE),
    ("initiative-patch", "title", SQL),
    ("transition", "note", SCRIPT),
    ("milestone-create", "title", SCRIPT),
    ("milestone-patch", "responsible_person", TEMPLATE),
    ("indicator-link-patch", "rationale", SCRIPT),
    ("observations", "note", SCRIPT),
    ("webhook-create", "name", SCRIPT),
]


@pytest.fixture
def every_endpoint(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True  # the webhook URLs name loopback, which needs no DNS
    admin = factories.superuser()
    owner = factories.coordinator("owner")
    region = factories.RegionFactory(code="RU-LIP", name="Lipetsk Oblast", kind=RegionKind.SUBDIVISION)
    home = factories.RegionFactory(code="BY", name="Belarus", kind=RegionKind.COUNTRY)
    factories.AreaFactory(code="trade", name="Trade")
    initiative = factories.InitiativeFactory(
        code="shared-one", title="Shared", owner=owner, partner_region=region, visibility=Visibility.SHARED
    )
    yearly = factories.TradeIndicatorFactory(code="yearly", reporter=home, partner=region, frequency=Frequency.YEAR)
    factories.TradeIndicatorFactory(code="unlinked", reporter=home, partner=region)
    key, token = ApiKey.issue("writer", can_write=True)
    ids = {
        "milestone": factories.MilestoneFactory(initiative=initiative, title="Existing").pk,
        "organisation": factories.OrganisationFactory(region=region).pk,
        "participation": factories.ParticipationFactory(initiative=initiative).pk,
        "link": factories.InitiativeIndicatorFactory(initiative=initiative, indicator=yearly).pk,
        "webhook": WebhookSubscription.objects.create(api_key=key, url="http://127.0.0.1:9/hook", events=["*"]).pk,
    }
    factories.MeetingFactory(partner_region=region)
    factories.SourceFactory(key="belta")
    factories.ObservationFactory(indicator=yearly, period="2021")
    return {"admin": user_client(admin), "key": key_client(token), "ids": ids, "owner": owner, "user": admin}


def encode(body):
    """JSON text of `body`, with HUGE markers written as bare numbers no Python float can hold."""
    text = json.dumps(body)
    return text.replace(json.dumps(HUGE), "1e400").replace(json.dumps(NEGATIVE_HUGE), "-1e400")


def send(every_endpoint, endpoint, body=None, *, raw=None):
    who, method, url, valid, versioned = ENDPOINTS[endpoint]
    url = url.format(**every_endpoint["ids"])
    headers = {"HTTP_IF_MATCH": _etag(every_endpoint, url)} if versioned else {}
    data = raw if raw is not None else encode(_ids(every_endpoint, valid) if body is None else body)
    return every_endpoint[who].generic(method.upper(), url, data, content_type="application/json", **headers)


def _etag(every_endpoint, url):
    return every_endpoint["admin"].get(url)["ETag"]


def _ids(every_endpoint, body):
    """The valid body with "{organisation}"-style placeholders replaced by the every_endpoint's ids."""
    if isinstance(body, list):
        return [_ids(every_endpoint, row) for row in body]
    return {
        name: every_endpoint["ids"][value[1:-1]] if isinstance(value, str) and value.startswith("{") else value
        for name, value in body.items()
    }


def with_value(every_endpoint, endpoint, field, value):
    valid = _ids(every_endpoint, ENDPOINTS[endpoint][3])
    if isinstance(valid, list):
        return [{**valid[0], field: value}]
    return {**valid, field: value}


def snapshot():
    """Everything a refused request must leave as it was."""
    tracked = (Initiative, Milestone, Participation, InitiativeIndicator, Observation)
    rows = {model.__name__: sorted(model.objects.values_list("pk", "version")) for model in tracked}
    rows["journal"] = StatusUpdate.objects.count()
    rows["events"] = Event.objects.count()
    rows["webhooks"] = sorted(
        WebhookSubscription.objects.values_list("pk", "name", "url", "events", "enabled", "max_failures")
    )
    return rows


def error_keys(errors):
    """Every key of a problem's `errors`, however deeply nested (bulk rows nest them by row number)."""
    if isinstance(errors, dict):
        return set(errors) | {key for value in errors.values() for key in error_keys(value)}
    if isinstance(errors, list):
        return {key for value in errors for key in error_keys(value)}
    return set()


def assert_refused(response, field=None, status=400):
    assert response.status_code == status, response.content[:2000]
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    if field is not None:
        assert field in error_keys(body.get("errors")), body
    return body


def test_the_valid_bodies_are_accepted(every_endpoint):
    """The corpus below changes one field of these: they must be good to begin with."""
    for endpoint in ENDPOINTS:
        response = send(every_endpoint, endpoint)
        assert response.status_code in (200, 201), (endpoint, response.content)


@pytest.mark.parametrize(("endpoint", "field", "value"), REFUSED)
def test_a_bad_value_is_refused_naming_its_field_and_nothing_is_stored(every_endpoint, endpoint, field, value):
    before = snapshot()

    response = send(every_endpoint, endpoint, with_value(every_endpoint, endpoint, field, value))

    assert_refused(response, field)
    assert snapshot() == before


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_an_unknown_field_is_refused_by_name(every_endpoint, endpoint):
    before = snapshot()

    response = send(every_endpoint, endpoint, with_value(every_endpoint, endpoint, "colour", "red"))

    body = assert_refused(response, "colour")
    assert "colour" in body["detail"]
    assert snapshot() == before


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(
    "raw",
    [
        pytest.param('{"title": ', id="truncated"),
        pytest.param("{'title': 'single quotes'}", id="not-json"),
        pytest.param('{"title": NaN}', id="nan"),
        pytest.param("\x00", id="nul-byte"),
        pytest.param('"just a string"', id="string"),
        pytest.param("12", id="number"),
        pytest.param("null", id="null"),
        pytest.param("[" * 100_000 + "]" * 100_000, id="deeply-nested"),
    ],
)
def test_a_body_that_is_not_the_expected_json_is_a_400(every_endpoint, endpoint, raw):
    before = snapshot()

    response = send(every_endpoint, endpoint, raw=raw)

    assert_refused(response)
    assert snapshot() == before


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_list_for_an_object_or_an_object_for_a_list_is_a_400(every_endpoint, endpoint):
    valid = _ids(every_endpoint, ENDPOINTS[endpoint][3])
    wrong = {"rows": valid} if isinstance(valid, list) else [valid]
    before = snapshot()

    response = send(every_endpoint, endpoint, wrong)

    assert_refused(response, "non_field_errors")
    assert snapshot() == before


@pytest.mark.parametrize(
    "key",
    [pytest.param("period\x00", id="nul"), pytest.param(LONG, id="100k-chars"), pytest.param(SCRIPT, id="html")],
)
def test_a_bulk_row_with_an_odd_key_is_refused_by_row_and_key(every_endpoint, key):
    before = snapshot()

    response = send(every_endpoint, "observations", [{"period": "2022", "value": "1", key: "x"}])

    body = assert_refused(response)
    assert list(body["errors"]["rows"]["0"]) == [key]
    assert snapshot() == before


@pytest.mark.parametrize(("endpoint", "field", "value"), ACCEPTED, ids=[f"{e}-{f}" for e, f, _ in ACCEPTED])
def test_odd_but_legitimate_text_is_stored_as_sent(every_endpoint, endpoint, field, value):
    response = send(every_endpoint, endpoint, with_value(every_endpoint, endpoint, field, value))

    assert response.status_code in (200, 201), response.content[:2000]
    assert value in _stored_texts(endpoint, field)


def _stored_texts(endpoint, field):
    model = {
        "initiative": Initiative,
        "transition": StatusUpdate,
        "milestone": Milestone,
        "indicator": InitiativeIndicator,
        "observations": Observation,
        "webhook": WebhookSubscription,
    }[endpoint.split("-")[0]]
    return set(model.objects.values_list(field, flat=True))


def test_markup_stored_through_the_api_is_shown_escaped_on_the_pages(every_endpoint, client):
    send(every_endpoint, "initiative-patch", {"title": SCRIPT, "summary": TEMPLATE})
    send(every_endpoint, "milestone-patch", {"title": SCRIPT, "responsible_person": SCRIPT})
    send(every_endpoint, "transition", {"to": "under_study", "note": SCRIPT})
    send(every_endpoint, "indicator-link-patch", {"rationale": SCRIPT})
    client.force_login(every_endpoint["user"])

    pages = [
        reverse("initiative-detail", args=["shared-one"]),
        reverse("initiative-list"),
        reverse("dashboard"),
        reverse("briefing") + "?region=RU-LIP&since=2000-01-01",
        reverse("admin:tracker_initiative_changelist"),
        reverse("admin:tracker_milestone_changelist"),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert SCRIPT_ESCAPED in html, url
        assert "<script>alert" not in html, url
    assert TEMPLATE in client.get(pages[0]).content.decode()  # shown as typed, never evaluated


def test_an_initiative_csv_export_neutralises_a_formula(every_endpoint, client):
    send(every_endpoint, "initiative-patch", {"title": "=HYPERLINK(1)"})
    client.force_login(every_endpoint["user"])

    response = client.get(reverse("initiative-list") + "?export=csv")

    assert "'=HYPERLINK(1)" in b"".join(response.streaming_content).decode()


# --- query parameters of the API --------------------------------------------------------------------------------

# (url, the parameter the 400 must name)
API_QUERIES = [
    ("/api/v1/initiatives/?q=%00", "q"),
    ("/api/v1/initiatives/?q=" + "x" * 201, "q"),
    ("/api/v1/initiatives/?status=flying", "status"),
    ("/api/v1/initiatives/?area=%00", "area"),
    ("/api/v1/initiatives/?owner=%00", "owner"),
    ("/api/v1/initiatives/?organisation=1e400", "organisation"),
    ("/api/v1/initiatives/?organisation=" + "9" * 5000, "organisation"),
    ("/api/v1/initiatives/?updated_since=99999-01-01", "updated_since"),
    ("/api/v1/initiatives/?updated_since=0001-01-01T00:00:00%2B01:00", "updated_since"),
    ("/api/v1/initiatives/?updated_since=%00", "updated_since"),
    ("/api/v1/initiatives/?ordering=%00", "ordering"),
    ("/api/v1/initiatives/?ordering=title;DROP", "ordering"),
    ("/api/v1/initiatives/?page_size=%C2%B2", "page_size"),  # "²" is a digit to str.isdigit(), not to int()
    ("/api/v1/initiatives/?page_size=" + "9" * 5000, "page_size"),
    ("/api/v1/initiatives/?page_size=501", "page_size"),
    ("/api/v1/initiatives/?cursor=%00", "cursor"),
    ("/api/v1/initiatives/?cursor=WyJcdTAwMDAiXQ", "cursor"),  # ["\u0000"]
    ("/api/v1/initiatives/?ordering=code&cursor=WyJcdTAwMDAiXQ", "cursor"),
    ("/api/v1/initiatives/?cursor=" + "A" * 5000, "cursor"),
    ("/api/v1/milestones/?initiative=%00", "initiative"),
    ("/api/v1/milestones/?state=%00", "state"),
    ("/api/v1/indicators/?partner=%00", "partner"),
    ("/api/v1/indicators/yearly/observations/?period_from=99999-01-01", "period_from"),
    ("/api/v1/observations.csv?partner=%00", "partner"),
    ("/api/v1/observations.csv?partner=RU-LIP&flow=%00", "flow"),
    ("/api/v1/regions/RU-LIP/trade/?year=%C2%B2", "year"),
    ("/api/v1/regions/RU-LIP/trade/?year=" + "9" * 5000, "year"),
    ("/api/v1/changes/?after=-1", "after"),
    ("/api/v1/changes/?limit=%C2%B2", "limit"),
    ("/api/v1/changes/?after=" + "9" * 5000, "after"),
]


@pytest.mark.parametrize(("url", "parameter"), API_QUERIES, ids=[f"{u[8:60]}" for u, _ in API_QUERIES])
def test_a_bad_query_parameter_is_a_400_naming_it(every_endpoint, url, parameter):
    response = every_endpoint["admin"].get(url)

    assert_refused(response, parameter)


@pytest.mark.parametrize(
    "header",
    [
        pytest.param('"\u00b2"', id="superscript-two"),
        pytest.param('"' + "9" * 5000 + '"', id="5000-digits"),
        pytest.param('"' + "9" * 30 + '"', id="10**30"),
        pytest.param('"1\x00"', id="nul"),
    ],
)
def test_a_bad_if_match_is_refused_not_a_500(every_endpoint, header):
    before = snapshot()

    response = every_endpoint["admin"].patch(
        "/api/v1/initiatives/shared-one/", {"title": "x"}, format="json", HTTP_IF_MATCH=header
    )

    # 412 for an entity tag that names no current version; 400 for a value that is no entity tag at all (NUL).
    assert response.status_code in (400, 412), response.content
    assert snapshot() == before


@pytest.mark.parametrize(
    "token",
    [
        pytest.param("ctk_ab\x00cd_secret", id="nul"),
        pytest.param("x" * 100_000, id="100k-chars"),
        pytest.param(SQL, id="sql"),
    ],
)
def test_a_bad_api_key_is_a_401(every_endpoint, api_client, token):
    response = api_client.get("/api/v1/initiatives/", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert_refused(response, status=401)


@pytest.fixture
def api_client():
    return ApiClient()


# --- the pages' forms -------------------------------------------------------------------------------------------


@pytest.fixture
def owner_client(every_endpoint, client):
    client.force_login(every_endpoint["owner"])
    return client


def _version(code="shared-one"):
    return Initiative.objects.get(code=code).version


def _status_form(**changes):
    return {"to": "", "health": "not_assessed", "health_reason": "", "note": "", "version": _version(), **changes}


def _milestone_form(**changes):
    return {"kind": "milestone", "title": "Sign", "responsible_organisation": "", "responsible_person": "", **changes}


# (form, field, label, value)
FORM_CASES = [
    ("status", "to", "unknown", "flying"),
    ("status", "to", "nul", "agreed\x00"),
    ("status", "health", "unknown", "fine"),
    ("status", "health_reason", "nul", NUL),
    ("status", "health_reason", "too-long", LONG),
    ("status", "note", "nul", NUL),
    ("status", "note", "too-long", LONG),
    ("status", "version", "superscript-two", "\u00b2"),
    ("status", "version", "5000-digits", "9" * 5000),
    ("status", "version", "negative", "-1"),
    ("status", "version", "words", "one"),
    ("milestone", "kind", "unknown", "deadline"),
    ("milestone", "title", "nul", NUL),
    ("milestone", "title", "too-long", LONG),
    ("milestone", "title", "blank", ""),
    ("milestone", "responsible_organisation", "words", "abc"),
    ("milestone", "responsible_organisation", "1e400", "1e400"),
    ("milestone", "responsible_organisation", "10**30", str(10**30)),
    ("milestone", "responsible_organisation", "-1", "-1"),
    ("milestone", "responsible_person", "nul", NUL),
    ("milestone", "responsible_person", "too-long", LONG),
    ("milestone", "due_date", "30-february", "2023-02-30"),
    ("milestone", "due_date", "year-99999", "99999-01-01"),
    ("milestone", "due_date", "nul", "2030-01-01\x00"),
]


@pytest.mark.parametrize(
    ("form", "field", "value"), [pytest.param(f, n, v, id=f"{f}-{n}-{label}") for f, n, label, v in FORM_CASES]
)
def test_a_bad_form_value_is_refused_naming_its_field(every_endpoint, owner_client, form, field, value):
    url, data = {
        "status": (reverse("initiative-status", args=["shared-one"]), _status_form),
        "milestone": (reverse("milestone-add", args=["shared-one"]), _milestone_form),
    }[form]
    before = snapshot()

    response = owner_client.post(url, data(**{field: value}))

    assert response.status_code == 400, response.content[:2000]
    if "\x00" in str(value):  # refused before any view reads it
        assert field in response.content.decode()
    else:
        bound = response.context["status_form" if form == "status" else "milestone_form"]
        assert field in bound.errors, bound.errors
    assert snapshot() == before


def test_a_stale_version_of_absurd_size_is_a_stale_copy(every_endpoint, owner_client):
    before = snapshot()

    response = owner_client.post(reverse("initiative-status", args=["shared-one"]), _status_form(version=10**30))

    assert response.status_code == 409
    assert snapshot() == before


@pytest.mark.parametrize("value", [SCRIPT, SQL, TEMPLATE])
def test_a_milestone_title_with_markup_is_saved_and_shown_escaped(every_endpoint, owner_client, value):
    response = owner_client.post(reverse("milestone-add", args=["shared-one"]), _milestone_form(title=value))

    assert response.status_code == 302
    assert Milestone.objects.filter(title=value).exists()
    html = owner_client.get(reverse("initiative-detail", args=["shared-one"])).content.decode()
    assert "<script>alert" not in html
    if value == SCRIPT:
        assert SCRIPT_ESCAPED in html


@pytest.mark.parametrize(
    "version",
    [
        pytest.param("\u00b2", id="superscript-two"),
        pytest.param("9" * 5000, id="5000-digits"),
        pytest.param("-1", id="negative"),
        pytest.param("one", id="words"),
        pytest.param("1\x00", id="nul"),
        pytest.param(str(10**30), id="10**30"),
    ],
)
def test_ticking_a_milestone_with_a_bad_version_changes_nothing(every_endpoint, owner_client, version):
    url = reverse("milestone-done", args=["shared-one", every_endpoint["ids"]["milestone"]])
    before = snapshot()

    response = owner_client.post(url, {"version": version})

    assert response.status_code in (302, 400, 404)  # a stale copy is a message on the page it returns to
    assert snapshot() == before


@pytest.mark.parametrize("value", [NUL, LONG, SQL, "", "2"])
def test_watching_with_an_odd_value_is_no_500(every_endpoint, owner_client, value):
    response = owner_client.post(reverse("initiative-watch", args=["shared-one"]), {"watch": value})

    assert response.status_code == (400 if "\x00" in value else 302)


@pytest.mark.parametrize(
    ("username", "password"),
    [
        pytest.param(NUL, "x", id="nul-username"),
        pytest.param("owner", NUL, id="nul-password"),
        pytest.param(LONG, "x", id="long-username"),
        pytest.param("owner", LONG, id="long-password"),
        pytest.param(SQL, SQL, id="sql"),
        pytest.param(SCRIPT, "x", id="html"),
    ],
)
@pytest.mark.parametrize("login", ["login", "admin:login"])
def test_a_bad_login_is_refused_and_shown_escaped(every_endpoint, client, login, username, password):
    response = client.post(reverse(login), {"username": username, "password": password})

    assert response.status_code in (200, 400), response.status_code
    assert "_auth_user_id" not in client.session
    assert "<script>alert" not in response.content.decode()


# --- query parameters of the pages ------------------------------------------------------------------------------

PAGE_QUERIES = [
    ("initiative-list", "q=%00", 400),
    ("initiative-list", "q=" + "%25_" * 300, 200),  # % and _ are searched for as such, and cut to 200 characters
    ("initiative-list", "q=" + "+".join(["word"] * 500), 200),
    ("initiative-list", "status=flying", 200),
    ("initiative-list", "area=%00", 400),
    ("initiative-list", "organisation=1e400", 200),
    ("initiative-list", "organisation=" + "9" * 5000, 200),
    ("initiative-list", "updated_since=99999-01-01", 200),
    ("initiative-list", "updated_since=0001-01-01T00:00:00%2B01:00", 200),
    ("initiative-list", "sort=%3B+DROP", 200),
    ("initiative-list", "page=%C2%B2", 200),
    ("initiative-list", "page=" + "9" * 5000, 200),
    ("initiative-list", "export=pdf", 200),
    ("dashboard", "region=%00", 400),
    ("dashboard", "region=" + SQL, 404),
    ("briefing", "region=%00", 400),
    ("briefing", "region=nowhere&since=99999-01-01", 200),
    ("briefing", "region=RU-LIP&since=0001-01-01", 200),
    ("indicator-detail", "export=%00", 400),
    ("admin:tracker_initiative_changelist", "q=%00", 400),
    ("admin:tracker_initiative_changelist", "status__exact=%00", 400),
    ("admin:tracker_observation_changelist", "q=" + "%25" * 500, 200),
]


@pytest.mark.parametrize(("name", "query", "status"), PAGE_QUERIES, ids=[f"{n}-{q[:30]}" for n, q, _ in PAGE_QUERIES])
def test_a_bad_page_parameter_is_refused_or_ignored_never_a_500(every_endpoint, client, name, query, status):
    client.force_login(every_endpoint["user"])
    url = reverse(name, args=["yearly"]) if name == "indicator-detail" else reverse(name)

    response = client.get(f"{url}?{query}")

    assert response.status_code == status, response.content[:2000]


def test_a_nul_in_a_parameter_name_is_refused_too(every_endpoint, client):
    client.force_login(every_endpoint["user"])

    response = client.get(reverse("initiative-list") + "?q%00=x")

    assert response.status_code == 400


# --- the admin --------------------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(every_endpoint, client):
    client.force_login(every_endpoint["user"])
    return client


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("title_ru", NUL, id="title-ru-nul"),
        pytest.param("title_en", LONG, id="title-en-too-long"),
        pytest.param("title_ru", LONG, id="title-ru-too-long"),
        pytest.param("code", SQL, id="code-sql"),
        pytest.param("code", "lipetsk-tractor-трактор", id="code-mixed-scripts"),
        pytest.param("planned_start", "99999-01-01", id="date-year-99999"),
        pytest.param("priority", str(10**30), id="priority-10**30"),
    ],
)
def test_the_admin_form_refuses_a_bad_value_naming_its_field(every_endpoint, admin_client, field, value):
    data = {
        "code": "from-admin",
        "title_en": "From the admin",
        "area": factories.AreaFactory(code="trade").pk,
        "partner_region": factories.RegionFactory(code="RU-LIP").pk,
        "priority": "2",
        "visibility": "internal",
        field: value,
    }
    before = snapshot()

    response = admin_client.post(reverse("admin:tracker_initiative_add"), data)

    if "\x00" in value:  # refused before the admin's form reads it
        assert response.status_code == 400 and field in response.content.decode()
    else:
        assert response.status_code == 200, response.status_code
        assert field in response.context["adminform"].form.errors
    assert snapshot() == before


def _xlsx(rows):
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


OBSERVATION_HEADER = "indicator,period,value,qualifier,note\n"
INITIATIVE_HEADER = "code,title,area,partner_region\n"

# (model, file name, format: 0 CSV / 1 XLSX, content)
IMPORTS = [
    ("observation", "bad-utf8.csv", "0", OBSERVATION_HEADER.encode() + b"yearly,2022,1,exact,\xff\xfe\n"),
    ("observation", "nul.csv", "0", (OBSERVATION_HEADER + "yearly,2022,1,exact,a\x00b\n").encode()),
    ("observation", "nul-period.csv", "0", (OBSERVATION_HEADER + "yearly,2022\x00,1,exact,\n").encode()),
    ("observation", "nul-indicator.csv", "0", (OBSERVATION_HEADER + "year\x00ly,2022,1,exact,\n").encode()),
    ("observation", "huge.csv", "0", (OBSERVATION_HEADER + "yearly,2022,1e400,exact,\n").encode()),
    ("observation", "nan.csv", "0", (OBSERVATION_HEADER + "yearly,2022,NaN,exact,\n").encode()),
    ("observation", "no-columns.csv", "0", b"nothing,here\n1,2\n"),
    ("observation", "empty.csv", "0", b""),
    ("observation", "binary.csv", "0", bytes(range(256)) * 4),
    ("observation", "not-a-zip.xlsx", "1", b"PK\x03\x04 this is no spreadsheet"),
    ("observation", "text.xlsx", "1", OBSERVATION_HEADER.encode()),
    ("observation", "huge.xlsx", "1", _xlsx([["indicator", "period", "value"], ["yearly", "2022", "1e400"]])),
    ("initiative", "nul.csv", "0", (INITIATIVE_HEADER + "new-one,T\x00,trade,RU-LIP\n").encode()),
    ("initiative", "nul-code.csv", "0", (INITIATIVE_HEADER + "new\x00one,T,trade,RU-LIP\n").encode()),
    ("initiative", "nul-area.csv", "0", (INITIATIVE_HEADER + "new-one,T,tra\x00de,RU-LIP\n").encode()),
    ("initiative", "sql-code.csv", "0", (INITIATIVE_HEADER + f'"{SQL}",T,trade,RU-LIP\n').encode()),
    ("initiative", "long-title.csv", "0", (INITIATIVE_HEADER + f"new-one,{LONG},trade,RU-LIP\n").encode()),
    ("initiative", "bad-utf8.csv", "0", INITIATIVE_HEADER.encode() + b"new-one,\xff,trade,RU-LIP\n"),
    ("initiative", "not-a-zip.xlsx", "1", b"PK\x03\x04 this is no spreadsheet"),
]


@pytest.mark.parametrize(("model", "name", "file_format", "content"), IMPORTS, ids=[f"{m}-{n}" for m, n, *_ in IMPORTS])
def test_a_malformed_import_file_is_refused_and_writes_nothing(
    every_endpoint, admin_client, model, name, file_format, content
):
    before = snapshot()

    response = admin_client.post(
        reverse(f"admin:tracker_{model}_import"),
        {"resource": "0", "format": file_format, "import_file": SimpleUploadedFile(name, content)},
    )

    assert response.status_code == 200, response.status_code
    assert "confirm_form" not in response.context
    assert snapshot() == before

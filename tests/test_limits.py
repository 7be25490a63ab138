"""Resource limits: request bodies, exports, bulk rows and statement time. Each limit comes from the settings,
is refused with the status that says so (413 too large, 503 too long) and a message naming the limit."""

import importlib
import socket
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.db.backends.signals import connection_created
from django.urls import reverse

from tests import factories
from tests.api import assert_problem, user_client
from tracker.domain import trade
from tracker.domain.choices import RegionKind
from tracker.domain.safe_urls import validate_webhook_url
from tracker.models import Milestone, Observation

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="a statement timeout is PostgreSQL's")


@pytest.fixture
def small_bodies(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


@pytest.fixture
def owned(owner):
    return factories.InitiativeFactory(code="owned", owner=owner)


# --- request bodies ---------------------------------------------------------------------------------------------


def test_an_api_body_over_the_limit_is_a_413_naming_the_limit_and_is_not_read(small_bodies, admin_user, owned):
    body = '{"initiative": "owned", "title": "' + "x" * 4000 + '"}'

    response = user_client(admin_user).generic("POST", "/api/v1/milestones/", body, content_type="application/json")

    problem = assert_problem(response, 413)
    assert problem["type"] == "/api/problems/content-too-large"
    assert problem["limit"] == small_bodies
    assert f"{len(body)} bytes" in problem["detail"] and str(small_bodies) in problem["detail"]
    assert not Milestone.objects.filter(initiative=owned).exists()


def test_an_absurd_content_length_is_a_413_too(admin_user):
    response = user_client(admin_user).generic(
        "POST", "/api/v1/milestones/", "{}", content_type="application/json", CONTENT_LENGTH="9" * 30
    )

    problem = assert_problem(response, 413)
    assert "more than 10485760 bytes" in problem["detail"]


def test_an_api_body_under_the_limit_is_read(small_bodies, admin_user, owned):
    response = user_client(admin_user).post("/api/v1/milestones/", {"initiative": "owned", "title": "x"}, format="json")

    assert response.status_code == 201


def test_a_form_over_the_limit_is_a_413_page_in_the_users_language(small_bodies, client, owner, owned):
    client.force_login(owner)
    url = reverse("milestone-add", args=["owned"])
    body = f"kind=milestone&title={'x' * 4000}"

    english = client.generic("POST", url, body, content_type="application/x-www-form-urlencoded")
    russian = client.generic(
        "POST", url, body, content_type="application/x-www-form-urlencoded", HTTP_ACCEPT_LANGUAGE="ru"
    )

    assert english.status_code == russian.status_code == 413
    assert "at most 2048 are accepted" in english.content.decode()
    assert "не более 2048" in russian.content.decode()
    assert not Milestone.objects.filter(initiative=owned).exists()


def test_multipart_fields_over_the_limit_are_a_413_too(small_bodies, client, owner, owned):
    """Django counts a multipart body's fields while it parses them, and raises what its 400 handler would answer."""
    client.force_login(owner)

    response = client.post(reverse("milestone-add", args=["owned"]), {"kind": "milestone", "title": "x" * 4000})

    assert response.status_code == 413
    assert "2048" in response.content.decode()


def test_an_uploaded_file_does_not_count_towards_the_body_limit(small_bodies, client, admin_user):
    """The admin's import takes files larger than the limit: their content goes to a file, not to memory."""
    factories.TradeIndicatorFactory(code="yearly")
    rows = "".join(f"yearly,{year},{year}\n" for year in range(1900, 2201))
    content = ("indicator,period,value\n" + rows).encode()
    assert len(content) > small_bodies
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:tracker_observation_import"),
        {"resource": "0", "format": "0", "import_file": SimpleUploadedFile("big.csv", content)},
    )

    assert response.status_code == 200
    assert "confirm_form" in response.context


# --- exports ----------------------------------------------------------------------------------------------------


@pytest.fixture
def three_initiatives(admin_user):
    for number in range(3):
        factories.InitiativeFactory(code=f"item-{number}", owner=admin_user)


@pytest.mark.parametrize(("fmt", "setting"), [("csv", "EXPORT_MAX_ROWS"), ("xlsx", "EXPORT_MAX_XLSX_ROWS")])
def test_an_export_over_its_limit_is_refused_on_the_list_with_the_count_and_the_limit(
    three_initiatives, client, admin_user, settings, fmt, setting
):
    setattr(settings, setting, 2)
    client.force_login(admin_user)

    refused = client.get(reverse("initiative-list") + f"?export={fmt}")
    narrowed = client.get(reverse("initiative-list") + f"?export={fmt}&q=item-1")

    assert refused.status_code == 413
    html = refused.content.decode()
    assert f"would have 3 rows; at most 2 can be exported as {fmt.upper()}" in html
    assert "Narrow the filters" in html
    assert "export=csv" in html and "export=xlsx&amp;export" not in html  # the links do not repeat the export
    assert narrowed.status_code == 200 and narrowed["Content-Disposition"].startswith("attachment")


def test_the_xlsx_limit_does_not_limit_csv(three_initiatives, client, admin_user, settings):
    settings.EXPORT_MAX_XLSX_ROWS = 2
    client.force_login(admin_user)

    response = client.get(reverse("initiative-list") + "?export=csv")

    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert sorted(line.split(",")[0] for line in lines[1:]) == ["item-0", "item-1", "item-2"]


@pytest.fixture
def lipetsk_figures(db):
    home = factories.RegionFactory(code="BY", name="Belarus", kind=RegionKind.COUNTRY)
    lipetsk = factories.RegionFactory(code="RU-LIP", name="Lipetsk Oblast")
    indicator = factories.TradeIndicatorFactory(code="turnover", reporter=home, partner=lipetsk)
    for year in (2021, 2022, 2023):
        factories.ObservationFactory(indicator=indicator, period=str(year))


def test_the_observations_export_over_its_limit_is_a_413_with_the_count_and_the_limit(
    lipetsk_figures, admin_user, settings
):
    settings.EXPORT_MAX_ROWS = 2
    client = user_client(admin_user)

    refused = client.get("/api/v1/observations.csv?partner=RU-LIP")
    narrowed = client.get("/api/v1/observations.csv?partner=RU-LIP&period_from=2022-01-01")

    problem = assert_problem(refused, 413)
    assert (problem["type"], problem["count"], problem["limit"]) == ("/api/problems/export-too-large", 3, 2)
    assert "Narrow the filters" in problem["detail"]
    assert narrowed.status_code == 200
    assert b"".join(narrowed.streaming_content).decode().count("\n") == 3  # the header and two rows
    assert Observation.objects.count() == 3


# --- statement time ---------------------------------------------------------------------------------------------


@postgresql_only
def test_a_web_connection_gets_the_statement_timeout(settings):
    from config.statement_timeout import limit_statement_time

    settings.DB_STATEMENT_TIMEOUT_MS = 1234
    with transaction.atomic():
        limit_statement_time(connection=connection)
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            shown = cursor.fetchone()[0]
            cursor.execute("SET statement_timeout = 0")  # as the test database had it

    assert shown == "1234ms"


@pytest.mark.parametrize("entry_point", ["config.wsgi", "config.asgi"])
def test_only_the_web_entry_points_limit_statement_time(entry_point):
    """Commands and task workers never load config.wsgi or config.asgi: their statements are not limited."""

    def installed():
        return any(key[0] == "tracker-statement-timeout" for key, *_rest in connection_created.receivers)

    assert not installed()  # this process, like a command's, has not loaded a web entry point
    importlib.reload(importlib.import_module(entry_point))
    try:
        assert installed()
    finally:
        connection_created.disconnect(dispatch_uid="tracker-statement-timeout")


@postgresql_only
def test_a_statement_stopped_by_the_timeout_is_a_503_problem_not_a_500(admin_user, monkeypatch):
    factories.RegionFactory(code="RU-LIP")

    def slow_summary(*args, **kwargs):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 1")
            cursor.execute("SELECT pg_sleep(1)")

    monkeypatch.setattr(trade, "commodity_summary", slow_summary)

    response = user_client(admin_user).get("/api/v1/regions/RU-LIP/trade/")

    problem = assert_problem(response, 503)
    assert problem["type"] == "/api/problems/timeout"
    assert "took longer than the database allows (30.0 s)" in problem["detail"]


# --- webhook addresses ------------------------------------------------------------------------------------------


def test_a_host_whose_dns_never_answers_is_refused_within_the_webhook_timeout(settings, monkeypatch):
    settings.WEBHOOK_TIMEOUT = 0.2
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: time.sleep(2))
    started = time.monotonic()

    with pytest.raises(ValidationError, match=r"no answer within 0\.2 seconds"):
        validate_webhook_url("https://never-answers.example.org/hook")

    assert time.monotonic() - started < 1.5

"""HTTP at the edges of the API: OPTIONS answers on every address for every principal; every refusal under /api/
is application/problem+json, a missing CSRF token and an address too long included; request bodies are JSON."""

import pytest
from django.test import Client

from tests import factories
from tests.api import assert_problem
from tests.api.battery import PRINCIPALS, World

pytestmark = pytest.mark.django_db


def addresses(world):
    return [
        "/api/v1/initiatives/",
        "/api/v1/initiatives/shared-one/",
        "/api/v1/initiatives/shared-one/transitions/",
        "/api/v1/initiatives/shared-one/journal/",
        "/api/v1/milestones/",
        f"/api/v1/milestones/{world.milestone.pk}/",
        "/api/v1/participations/",
        "/api/v1/indicator-links/",
        "/api/v1/organisations/",
        "/api/v1/regions/",
        "/api/v1/regions/RU-LIP/",
        "/api/v1/areas/",
        "/api/v1/meetings/",
        "/api/v1/indicators/",
        "/api/v1/indicators/by-lip-turnover/",
        "/api/v1/indicators/by-lip-turnover/observations/",
        "/api/v1/observations.csv",
        "/api/v1/changes/",
        "/api/v1/webhooks/",
    ]


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_options_answers_everywhere(principal):
    """Before, OPTIONS on an indicator's observations with a write key answered 500."""
    world = World()
    client = world.client(principal)
    for url in addresses(world):
        response = client.options(url)
        if principal == "anonymous":
            assert_problem(response, 401)
            continue
        if response.status_code != 200:  # refused (a webhook is a write key's), or hidden from this key: 404
            assert response.status_code in (403, 404) and assert_problem(response, response.status_code), url
            continue
        assert "OPTIONS" in response["Allow"] and response.json()["parses"] == ["application/json"], url


def test_a_session_without_its_csrf_token_gets_a_problem_not_a_page(admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    World()

    for url in ("/api/v1/initiatives/shared-one/transitions/", "/api/v1/no-such-thing/", "/api/nowhere"):
        response = client.post(url, "{}", content_type="application/json")
        assert response["Content-Type"] == "application/problem+json", (url, response.content[:200])
        assert response.status_code in (403, 404), url
        if response.status_code == 403:
            assert "X-CSRFToken" in response.json()["detail"]


def test_an_address_too_long_is_a_414_problem(superuser_client, settings):
    settings.MAX_URL_LENGTH = 300
    response = superuser_client.get("/api/v1/initiatives/", {"search": "x" * 400})

    body = assert_problem(response, 414)
    assert "300" in body["detail"]


def test_a_form_body_is_refused_with_415(superuser_client, shared_initiative):
    response = superuser_client.patch(
        "/api/v1/initiatives/shared-one/",
        "title=Renamed",
        content_type="application/x-www-form-urlencoded",
        HTTP_IF_MATCH='"1"',
    )

    assert_problem(response, 415)
    shared_initiative.refresh_from_db()
    assert shared_initiative.version == 1


def test_an_empty_time_filter_is_refused_in_the_api_and_means_any_on_the_pages(superuser_client, admin_user, client):
    """Before, `?updated_since=` filtered nothing, and a mirror asking for what changed believed it had it all."""
    World()
    for url in ("/api/v1/initiatives/?updated_since=", "/api/v1/milestones/?initiative=shared-one&updated_since="):
        body = assert_problem(superuser_client.get(url), 400)
        assert list(body["errors"]) == ["updated_since"], url

    client.force_login(admin_user)
    page = client.get("/initiatives/?updated_since=")
    assert page.status_code == 200 and b"shared-one" in page.content


def test_what_a_read_returned_can_be_sent_back_as_it_is(superuser_client):
    """Before, related fields were read as objects and refused as objects: a client could not send back its copy."""
    world = World()
    world.shared.origin = factories.MeetingFactory(partner_region=world.lipetsk)
    world.shared.save()
    read = superuser_client.get("/api/v1/initiatives/shared-one/").json()
    sent = {name: read[name] for name in ("area", "partner_region", "owner", "origin")}

    response = superuser_client.patch("/api/v1/initiatives/shared-one/", sent, format="json", HTTP_IF_MATCH='"2"')

    assert response.status_code == 200, response.content
    assert {name: response.json()[name] for name in sent} == sent


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("milestones/?kind=", "kind"),
        ("milestones/?overdue=null", "overdue"),
        ("milestones/?overdue=true&overdue=false", "overdue"),
        ("milestones/?ordering=", "ordering"),
        ("milestones/?cursor=", "cursor"),
    ],
)
def test_loose_query_values_are_refused_naming_the_parameter(superuser_client, query, parameter):
    """Found by schemathesis: each was taken as "no filter" (or the default order, or the first page)."""
    World()
    body = assert_problem(superuser_client.get(f"/api/v1/{query}"), 400)
    assert list(body["errors"]) == [parameter]

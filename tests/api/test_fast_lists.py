"""The initiatives list is rendered from values() rows (tracker.api.fast), not by the serializer. Each row must
be exactly what the serializer gives for the same initiative, in every language and time zone, with and without
optional relations; the browsable API still uses the serializer."""

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from tests import factories
from tests.api import key_client
from tracker.domain.choices import Status, Visibility

pytestmark = pytest.mark.django_db


@pytest.fixture
def varied(owner, partner_region):
    """Initiatives that between them fill and leave empty every optional field."""
    area = factories.AreaFactory(code="industry", name="Industry", name_ru="Промышленность")
    plain_area = factories.AreaFactory(code="plain", name="Plain", name_ru="")
    partner_region.name_ru = "Липецкая область"
    partner_region.save()
    meeting = factories.MeetingFactory(title="Talks", place="Lipetsk", partner_region=partner_region)
    source = factories.SourceFactory(key="belta")
    nameless = factories.UserFactory(username="nameless", first_name="", last_name="")
    owner.first_name, owner.last_name = "Anna", "Ivanova"
    owner.save()
    made = [
        factories.InitiativeFactory(
            code="full",
            area=area,
            partner_region=partner_region,
            owner=owner,
            origin=meeting,
            source=source,
            source_detail="para. 3",
            summary="Trams <b>&</b> substations",
            planned_start=datetime.date(2023, 6, 1),
            planned_end=datetime.date(2025, 12, 31),
            visibility=Visibility.SHARED,
        ),
        factories.InitiativeFactory(
            code="bare", area=plain_area, partner_region=partner_region, owner=None, visibility=Visibility.PUBLIC
        ),
        factories.InitiativeFactory(
            code="nameless-owner",
            area=area,
            partner_region=partner_region,
            owner=nameless,
            visibility=Visibility.SHARED,
        ),
    ]
    return made


def _serialized(client, code, language):
    response = client.get(f"/api/v1/initiatives/{code}/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("zone", ["Europe/Minsk", "UTC", "Europe/London"])
def test_every_row_equals_the_serializer(varied, make_key, language, zone):
    client = key_client(make_key("reader")[1])
    with override_settings(TIME_ZONE=zone), timezone.override(zone):
        listed = client.get("/api/v1/initiatives/?ordering=code", HTTP_ACCEPT_LANGUAGE=language)
        assert listed.status_code == 200
        assert listed["Content-Type"] == "application/json"
        rows = listed.json()["results"]
        assert [row["code"] for row in rows] == ["bare", "full", "nameless-owner"]
        for row in rows:
            assert row == _serialized(client, row["code"], language)


def test_names_follow_the_language(varied, make_key):
    client = key_client(make_key("reader")[1])
    russian = client.get("/api/v1/initiatives/?ordering=code", HTTP_ACCEPT_LANGUAGE="ru").json()["results"]
    assert russian[1]["area"] == {"code": "industry", "name": "Промышленность"}
    assert russian[0]["area"] == {"code": "plain", "name": "Plain"}  # no Russian name: the English one
    # A partner reads people by display name, never by username (permissions.person_for_partners).
    assert russian[1]["owner"] == {"username": None, "name": "Anna Ivanova"}
    assert russian[2]["owner"] == {"username": None, "name": "координатор"}


def test_filters_ordering_and_cursor_still_apply(varied, make_key, owner):
    batch = factories.AreaFactory(code="batch")
    factories.InitiativeFactory.create_batch(5, owner=owner, visibility=Visibility.SHARED, area=batch)
    client = key_client(make_key("reader")[1])
    seen, url = [], f"/api/v1/initiatives/?area=batch&status={Status.PROPOSED}&ordering=-code&page_size=2"
    while url:
        page = client.get(url).json()
        seen += [row["code"] for row in page["results"]]
        url = page["next"]
    assert len(seen) == 5 and seen == sorted(seen, reverse=True)


def test_browsable_api_still_renders(varied, admin_client):
    response = admin_client.get("/api/v1/initiatives/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert b"full" in response.content

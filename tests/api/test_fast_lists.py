"""The initiatives list and detail are rendered from values() rows (tracker.api.fast), not by the serializer.
Each must be exactly what the serializer gives for the same initiative, in every language and time zone, with
and without optional relations; the browsable API still uses the serializer."""

import datetime
import json
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone, translation
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from tests import factories
from tests.api import key_client, walk
from tracker.api.serializers import InitiativeSerializer, MilestoneSerializer, ObservationSerializer
from tracker.domain.choices import Qualifier, Status, Visibility
from tracker.models import Initiative, Milestone, Observation

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


def _serialized(key, code, language):
    """What InitiativeSerializer gives for `key`, as the API's views call it (times in UTC) and render it."""
    request = Request(APIRequestFactory().get(f"/api/v1/initiatives/{code}/"))
    request.user = key
    instance = Initiative.objects.select_related("area", "partner_region", "owner", "origin", "source").get(code=code)
    with translation.override(language), timezone.override(datetime.UTC):
        data = InitiativeSerializer(instance, context={"request": request}).data
    return json.loads(JSONRenderer().render(data))


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("zone", ["Europe/Minsk", "UTC", "Europe/London"])
def test_every_row_and_detail_equals_the_serializer(varied, make_key, language, zone):
    key, token = make_key("reader")
    client = key_client(token)
    with override_settings(TIME_ZONE=zone), timezone.override(zone):
        listed = client.get("/api/v1/initiatives/?ordering=code", HTTP_ACCEPT_LANGUAGE=language)
        assert listed.status_code == 200
        assert listed["Content-Type"] == "application/json"
        rows = listed.json()["results"]
        assert [row["code"] for row in rows] == ["bare", "full", "nameless-owner"]
        for row in rows:
            expected = _serialized(key, row["code"], language)
            assert row == expected
            detail = client.get(f"/api/v1/initiatives/{row['code']}/", HTTP_ACCEPT_LANGUAGE=language)
            assert detail.status_code == 200
            assert detail["Content-Type"] == "application/json"
            assert detail["ETag"] == f'"{expected["version"]}"'
            assert detail.json() == expected


def test_detail_answers_not_modified_and_not_found_as_before(varied, make_key, internal_initiative):
    client = key_client(make_key("reader")[1])
    first = client.get("/api/v1/initiatives/full/")
    again = client.get("/api/v1/initiatives/full/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again["ETag"] == first["ETag"] and not again.content
    assert client.get("/api/v1/initiatives/full/", HTTP_IF_NONE_MATCH='"999"').status_code == 200
    for code in ("internal-one", "no-such-code"):  # hidden from a partner's key, or absent: the same 404
        hidden = client.get(f"/api/v1/initiatives/{code}/")
        assert hidden.status_code == 404
        assert hidden["Content-Type"] == "application/problem+json"


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
    rows, _counts = walk(client, f"/api/v1/initiatives/?area=batch&status={Status.PROPOSED}&ordering=-code&page_size=2")
    seen = [row["code"] for row in rows]
    assert len(seen) == 5 and seen == sorted(seen, reverse=True)


def test_browsable_api_still_renders(varied, admin_client):
    for url in ("/api/v1/initiatives/", "/api/v1/initiatives/full/"):
        response = admin_client.get(url, HTTP_ACCEPT="text/html")
        assert response.status_code == 200
        assert b"full" in response.content


@pytest.fixture
def milestones(varied, partner_region):
    """Milestones that between them fill and leave empty every optional field, in both languages."""
    full, bare = varied[0], varied[1]
    named = factories.OrganisationFactory(name="Ministry of Industry", name_ru="Минпром", short_name="Minprom")
    short_en_only = factories.OrganisationFactory(name="Lipetsk Tractor Plant", name_ru="", short_name="")
    meeting = factories.MeetingFactory(partner_region=partner_region)
    made = [
        factories.MilestoneFactory(
            initiative=full,
            title="Sign the agreement",
            title_ru="Подписать соглашение",
            responsible_organisation=named,
            responsible_person="A. Petrov",
            meeting=meeting,
            due_date=datetime.date(2020, 1, 1),  # open and long past: overdue
        ),
        factories.MilestoneFactory(initiative=full, title="", title_ru="Только по-русски", due_date=None),
        factories.MilestoneFactory(
            initiative=bare,
            title="Delivered",
            responsible_organisation=short_en_only,
            state="done",
            done_on=datetime.date(2024, 5, 1),
            due_date=datetime.date(2024, 6, 1),
        ),
        factories.MilestoneFactory(initiative=bare, title="Dropped", state="dropped", kind="instruction"),
    ]
    return made


def _milestone_serialized(key, milestone_id, language):
    request = Request(APIRequestFactory().get("/api/v1/milestones/"))
    request.user = key
    instance = Milestone.objects.select_related("initiative", "responsible_organisation").get(pk=milestone_id)
    with translation.override(language), timezone.override(datetime.UTC):
        data = MilestoneSerializer(instance, context={"request": request}).data
    return json.loads(JSONRenderer().render(data))


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("zone", ["Europe/Minsk", "UTC"])
def test_every_milestone_row_equals_the_serializer(milestones, make_key, language, zone):
    key, token = make_key("reader")
    with override_settings(TIME_ZONE=zone), timezone.override(zone):
        listed = key_client(token).get("/api/v1/milestones/?ordering=due_date", HTTP_ACCEPT_LANGUAGE=language)
        assert listed.status_code == 200
        assert listed["Content-Type"] == "application/json"
        rows = listed.json()["results"]
        assert [row["id"] for row in rows] == [
            m.pk for m in (milestones[0], milestones[2], milestones[3], milestones[1])
        ]
        for row in rows:
            assert row == _milestone_serialized(key, row["id"], language)
    assert rows[0]["overdue"] is True and rows[0]["responsible_organisation"]["name"]


def test_milestone_filters_ordering_and_cursor_still_apply(milestones, make_key, internal_initiative):
    factories.MilestoneFactory(initiative=internal_initiative, title="Hidden")  # never shown to a partner's key
    client = key_client(make_key("reader")[1])
    rows, _counts = walk(client, "/api/v1/milestones/?ordering=-updated&page_size=1")
    assert [row["id"] for row in rows] == [m.pk for m in reversed(milestones)]
    assert [row["id"] for row in client.get("/api/v1/milestones/?overdue=true").json()["results"]] == [milestones[0].pk]
    assert [row["id"] for row in client.get("/api/v1/milestones/?state=done").json()["results"]] == [milestones[2].pk]


@pytest.fixture
def figures(partner_region):
    """Figures of one series that between them use every qualifier, sign and size, with and without a source."""
    indicator = factories.TradeIndicatorFactory(code="by-lip-turnover", partner=partner_region)
    source = factories.SourceFactory(key="belstat")
    values = ["1234.5", "-0.01", "0", "999999999999.99", "1000000", "7.10", "-250000000.00"]
    made = []
    for number, value in enumerate(values):
        made.append(
            factories.ObservationFactory(
                indicator=indicator,
                period=str(2015 + number),
                value=Decimal(value),
                qualifier=list(Qualifier)[number % len(Qualifier)],
                source=source if number % 2 else None,
                note="per the 2023 report" if number == 3 else "",
            )
        )
    return indicator, made


def _observation_serialized(observation):
    with timezone.override(datetime.UTC):
        data = ObservationSerializer(Observation.objects.select_related("source").get(pk=observation.pk)).data
    return json.loads(JSONRenderer().render(data))


@pytest.mark.parametrize("zone", ["Europe/Minsk", "UTC"])
def test_every_observation_row_equals_the_serializer(figures, make_key, zone):
    indicator, made = figures
    client = key_client(make_key("reader")[1])
    with override_settings(TIME_ZONE=zone), timezone.override(zone):
        listed = client.get(f"/api/v1/indicators/{indicator.code}/observations/")
    assert listed.status_code == 200
    assert listed["Content-Type"] == "application/json"
    rows = listed.json()["results"]
    assert rows == [_observation_serialized(observation) for observation in made]
    assert [row["value"] for row in rows][:3] == ["1234.50", "-0.01", "0.00"]


def test_observation_filters_ordering_cursor_and_refusals_still_apply(figures, make_key, other_region):
    indicator, made = figures
    client = key_client(make_key("reader")[1])
    rows, _counts = walk(client, f"/api/v1/indicators/{indicator.code}/observations/?ordering=-period&page_size=3")
    assert [row["period"] for row in rows] == [observation.period for observation in reversed(made)]
    ranged = client.get(
        f"/api/v1/indicators/{indicator.code}/observations/?period_from=2017-01-01&period_to=2018-12-31"
    )
    assert [row["period"] for row in ranged.json()["results"]] == ["2017", "2018"]
    assert client.get(f"/api/v1/indicators/{indicator.code}/observations/?page_size=0").status_code == 400
    assert client.get("/api/v1/indicators/no-such-series/observations/").status_code == 404
    elsewhere = factories.TradeIndicatorFactory(code="by-elsewhere", partner=other_region)
    factories.ObservationFactory(indicator=elsewhere, period="2020")
    regional = key_client(make_key("lipetsk", region=indicator.partner)[1])
    assert regional.get(f"/api/v1/indicators/{elsewhere.code}/observations/").status_code == 404  # hidden: as absent
    assert regional.get(f"/api/v1/indicators/{indicator.code}/observations/").status_code == 200


def test_the_detail_compiled_once_per_restriction_keeps_each_key_to_its_own(varied, make_key, other_region):
    """The detail's SQL is compiled once per restriction (tracker.api.fast.CompiledOnce): keys of two regions and
    an unrestricted one, taking turns, each see what they may, and a filter given to a detail still applies."""
    elsewhere = factories.InitiativeFactory(code="elsewhere", partner_region=other_region, visibility=Visibility.SHARED)
    lipetsk = key_client(make_key("lipetsk", region=varied[0].partner_region)[1])
    other = key_client(make_key("other", region=other_region)[1])
    everyone = key_client(make_key("everyone")[1])
    for _ in range(2):
        assert lipetsk.get("/api/v1/initiatives/full/").status_code == 200
        assert lipetsk.get("/api/v1/initiatives/elsewhere/").status_code == 404
        assert other.get("/api/v1/initiatives/full/").status_code == 404
        assert other.get("/api/v1/initiatives/elsewhere/").json()["code"] == elsewhere.code
        assert everyone.get("/api/v1/initiatives/elsewhere/").status_code == 200
        assert everyone.get("/api/v1/initiatives/full/?lang=ru").json()["code"] == "full"
    assert everyone.get(f"/api/v1/initiatives/full/?status={Status.PROPOSED}").status_code == 200
    assert everyone.get(f"/api/v1/initiatives/full/?status={Status.COMPLETED}").status_code == 404

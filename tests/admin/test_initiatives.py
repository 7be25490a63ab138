"""The initiative list: coloured badges, the overdue filter, search, and autocomplete for its foreign keys."""

import datetime
import json

import pytest
from django.urls import reverse

from tests import factories
from tests.admin.helpers import admin_url
from tracker.domain.choices import Health, MilestoneState, Status
from tracker.models import Initiative

pytestmark = pytest.mark.django_db


def _codes(page):
    return {initiative.code for initiative in page.context["cl"].result_list}


def test_changelist_shows_status_and_health_badges_in_their_colours(initiative, viewer, login):
    page = login(viewer).get(admin_url(Initiative, "changelist")).content.decode()

    assert f"background:{Status.PROPOSED.colour}" in page
    assert f"background:{Health.NOT_ASSESSED.colour}" in page


def test_overdue_filter_lists_initiatives_with_an_open_milestone_past_due(owner, viewer, login):
    late, on_time, done = (factories.InitiativeFactory(owner=owner) for _ in range(3))
    past = datetime.date(2020, 1, 1)
    factories.MilestoneFactory(initiative=late, due_date=past)
    factories.MilestoneFactory(initiative=on_time, due_date=datetime.date(2100, 1, 1))
    factories.MilestoneFactory(initiative=done, due_date=past, state=MilestoneState.DONE, done_on=past)
    client = login(viewer)

    assert _codes(client.get(admin_url(Initiative, "changelist") + "?overdue=yes")) == {late.code}
    assert _codes(client.get(admin_url(Initiative, "changelist") + "?overdue=no")) == {on_time.code, done.code}


def test_search_finds_code_title_and_summary(owner, viewer, login):
    factories.InitiativeFactory(code="ev-charging", title="EV charging", summary="Two full-cycle manufacturers")
    factories.InitiativeFactory(code="trams", title="Trams", summary="Tram-line reconstruction")
    client = login(viewer)

    for term in ("ev-charging", "charging", "full-cycle"):
        assert _codes(client.get(admin_url(Initiative, "changelist") + f"?q={term}")) == {"ev-charging"}


@pytest.mark.parametrize(
    ("field", "term"), [("area", "Area"), ("partner_region", "RU"), ("owner", "own"), ("origin", "Minsk")]
)
def test_every_foreign_key_of_an_initiative_autocompletes(field, term, initiative, admin_user, login):
    factories.MeetingFactory(place="Minsk")
    query = {"app_label": "tracker", "model_name": "initiative", "field_name": field, "term": term}

    response = login(admin_user).get(reverse("admin:autocomplete"), query)

    assert response.status_code == 200
    assert json.loads(response.content)["results"]


def test_badges_escape_what_they_show():
    from tracker.admin.display import badge

    assert badge("<script>", "#000") == (
        '<span class="tracker-badge" style="background:#000;color:#fff;padding:1px 7px;border-radius:9px;'
        'white-space:nowrap;">'
        "&lt;script&gt;</span>"
    )

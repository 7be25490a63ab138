"""Meetings as pages (#17): the list of meetings, and one meeting with its delegations, the initiatives it raised
or reviewed and the instructions it gave, as each stands today. Before, meetings had no page."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from tracker.data.seeds import load_seeds
from tracker.domain.choices import MilestoneKind, MilestoneState
from tracker.models import Meeting

pytestmark = pytest.mark.django_db


def _world(size):
    meeting = factories.MeetingFactory(title="Talks in Minsk", participants="Prime Minister\nGovernor")
    for number in range(size):
        initiative = factories.InitiativeFactory(code=f"item-{number}", owner=factories.coordinator(f"c{number}"))
        meeting.initiatives.add(initiative)
        factories.MilestoneFactory(
            initiative=initiative,
            meeting=meeting,
            kind=MilestoneKind.INSTRUCTION,
            title=f"Instruction {number}",
            due_date=datetime.date(2024, 1, 1),
            responsible_organisation=factories.OrganisationFactory(),
        )
    return meeting


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_a_meeting_page_shows_its_delegations_initiatives_and_instructions_today(client, viewer):
    meeting = _world(2)
    done = meeting.instructions.first()
    done.state, done.done_on = MilestoneState.DONE, datetime.date(2023, 12, 1)
    done.save()
    client.force_login(viewer)

    page = client.get(reverse("meeting-detail", args=[meeting.pk])).content.decode()

    assert "Prime Minister" in page and "Governor" in page
    assert "item-0" in page and "item-1" in page
    assert page.count('class="overdue"') == 1 and "Done, 1 Dec 2023" in page


def test_the_pages_cost_the_same_for_two_rows_and_for_twenty(client, viewer):
    client.force_login(viewer)
    small = _world(2)
    counts_small = (
        _queries(client, reverse("meeting-list")),
        _queries(client, reverse("meeting-detail", args=[small.pk])),
    )
    Meeting.objects.all().delete()
    large = _world(20)

    counts_large = (
        _queries(client, reverse("meeting-list")),
        _queries(client, reverse("meeting-detail", args=[large.pk])),
    )

    # 2 for the session and user, 1 for the header's counts, then each page's own; the list also asks the user's and
    # group permissions (whether to offer planning)
    assert counts_small == counts_large == (7, 6)


def test_the_seeded_meeting_reads_in_russian_and_english(client, viewer):
    load_seeds(Path(settings.BASE_DIR) / "seeds")
    meeting = Meeting.objects.get()
    client.force_login(viewer)
    url = reverse("meeting-detail", args=[meeting.pk])

    russian = client.get(url, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Премьер-министр Беларуси" in russian and "Prime Minister" not in russian
    assert "1 июня 2023 г." in russian and "1 June 2023" in english
    assert "Сборка белорусских автомобилей" in russian and "Assembly of Belarusian vehicles" in english


def test_an_initiative_links_to_the_meeting_that_raised_it(client, viewer):
    meeting = factories.MeetingFactory()
    initiative = factories.InitiativeFactory(origin=meeting)
    client.force_login(viewer)

    page = client.get(reverse("initiative-detail", args=[initiative.code])).content.decode()

    assert reverse("meeting-detail", args=[meeting.pk]) in page


def test_an_unknown_meeting_is_404_and_the_pages_need_a_login(client, viewer):
    assert client.get(reverse("meeting-list")).status_code == 302
    client.force_login(viewer)
    assert client.get(reverse("meeting-detail", args=[999999])).status_code == 404

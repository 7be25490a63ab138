"""Planning the next meeting (#17): a coordinator plans a coming meeting with a partner and picks the initiatives
to review, which makes its agenda (and its meeting file). Journalled; stale, past, foreign and unauthorised
plans are refused with a message and nothing written."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tracker.models import Event, Meeting

pytestmark = pytest.mark.django_db


def _days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def coming(partner_region):
    return factories.MeetingFactory(partner_region=partner_region, date=_days(14), title="Autumn round")


@pytest.fixture
def candidates(owner, partner_region):
    return [
        factories.InitiativeFactory(owner=owner, partner_region=partner_region, code=f"lip-{n}", title=f"Lipetsk {n}")
        for n in range(3)
    ]


def _plan(client, **fields):
    data = {"date": _days(30).isoformat(), "place": "Lipetsk", "title": "Next round", **fields}
    return client.post(reverse("meeting-plan"), data)


def test_a_coordinator_plans_a_coming_meeting(client, owner, partner_region):
    client.force_login(owner)

    response = _plan(client, partner_region=partner_region.pk)

    meeting = Meeting.objects.get(title="Next round")
    assert response.status_code == 302 and response["Location"] == reverse("meeting-detail", args=[meeting.pk])
    assert meeting.date == _days(30) and meeting.history.count() == 1
    assert Event.objects.filter(object_type="meeting", action="created", object_key=str(meeting.pk)).exists()


@pytest.mark.parametrize(
    ("date", "message"),
    [
        (-1, "This meeting has taken place"),
        ("0001-01-01", "This meeting has taken place"),
        ("2023-02-30", "Enter a valid date"),
        ("", "This field is required"),
    ],
)
def test_a_plan_with_a_bad_date_is_refused_with_a_message_and_nothing_written(
    client, owner, partner_region, date, message
):
    client.force_login(owner)
    date = _days(date).isoformat() if isinstance(date, int) else date

    response = _plan(client, partner_region=partner_region.pk, date=date)

    assert response.status_code == 400 and message in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_viewer_sees_no_planning_and_may_not_plan(client, viewer, partner_region, coming, candidates):
    client.force_login(viewer)

    assert "Plan the next meeting" not in client.get(reverse("meeting-list")).content.decode()
    assert "Plan the agenda" not in client.get(reverse("meeting-detail", args=[coming.pk])).content.decode()
    assert _plan(client, partner_region=partner_region.pk).status_code == 403
    agenda = {"initiatives": [candidates[0].pk], "version": coming.version}
    assert client.post(reverse("meeting-agenda", args=[coming.pk]), agenda).status_code == 403
    assert not coming.initiatives.exists() and Meeting.objects.count() == 1


def test_the_agenda_is_picked_from_the_partners_initiatives_and_journalled(client, owner, coming, candidates):
    client.force_login(owner)
    page = client.get(reverse("meeting-detail", args=[coming.pk])).content.decode()
    assert "Plan the agenda" in page and "Lipetsk 2 (lip-2)" in page

    response = client.post(
        reverse("meeting-agenda", args=[coming.pk]),
        {"initiatives": [candidates[0].pk, candidates[2].pk], "version": coming.version},
    )

    assert response.status_code == 302
    coming.refresh_from_db()
    assert sorted(coming.initiatives.values_list("code", flat=True)) == ["lip-0", "lip-2"]
    assert coming.history.first().history_change_reason == "Agenda: lip-0, lip-2"
    event = Event.objects.filter(object_type="meeting", object_key=str(coming.pk)).latest("id")
    assert event.data["agenda"] == ["lip-0", "lip-2"]
    page = client.get(reverse("meeting-detail", args=[coming.pk])).content.decode()
    assert "Lipetsk 0" in page.split("Instructions given")[0]


def test_a_stale_agenda_is_refused_and_the_other_persons_choice_kept(client, owner, coming, candidates):
    client.force_login(owner)
    read_version = coming.version
    url = reverse("meeting-agenda", args=[coming.pk])
    assert client.post(url, {"initiatives": [candidates[1].pk], "version": read_version}).status_code == 302

    response = client.post(url, {"initiatives": [candidates[0].pk], "version": read_version})

    assert response.status_code == 409 and "Someone changed this meeting" in response.content.decode()
    assert list(coming.initiatives.values_list("code", flat=True)) == ["lip-1"]


def test_an_initiative_of_another_partner_cannot_be_slipped_onto_the_agenda(client, owner, coming, other_region):
    foreign = factories.InitiativeFactory(owner=owner, partner_region=other_region, code="voronezh")
    client.force_login(owner)

    response = client.post(
        reverse("meeting-agenda", args=[coming.pk]), {"initiatives": [foreign.pk], "version": coming.version}
    )

    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    assert not coming.initiatives.exists()


def test_a_past_meetings_agenda_is_a_record_and_not_replanned(client, owner, partner_region, candidates):
    past = factories.MeetingFactory(partner_region=partner_region, date=_days(-1))
    client.force_login(owner)

    assert "Plan the agenda" not in client.get(reverse("meeting-detail", args=[past.pk])).content.decode()
    response = client.post(
        reverse("meeting-agenda", args=[past.pk]), {"initiatives": [candidates[0].pk], "version": past.version}
    )

    assert response.status_code == 400 and "This meeting has taken place" in response.content.decode()
    assert not past.initiatives.exists()

"""The owner manages milestones on the initiative page (#17, "Milestones the owner can manage"): change the title,
due date or responsible organisation with a reason, reopen a done one, delete one made by mistake, each journalled
in the milestone's history. Before, a date could not be moved and a "done" not undone, except in the admin."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tracker.domain import milestones
from tracker.domain.choices import MilestoneState
from tracker.models import Milestone

pytestmark = pytest.mark.django_db

NEXT_YEAR = timezone.localdate().replace(month=1, day=15) + datetime.timedelta(days=365)


@pytest.fixture
def milestone(initiative):
    return factories.MilestoneFactory(initiative=initiative, title="Sign the contract", due_date=NEXT_YEAR)


def _post(client, milestone, action, **data):
    url = reverse(f"milestone-{action}", args=[milestone.initiative.code, milestone.pk])
    response = client.post(url, {"version": milestone.version, **data})
    return response, [str(message) for message in get_messages(response.wsgi_request)]


def _change(milestone, **fields):
    current = {
        "title": milestone.title,
        "due_date": milestone.due_date.isoformat() if milestone.due_date else "",
        "responsible_organisation": milestone.responsible_organisation_id or "",
    }
    return {**current, **fields}


def test_the_owner_moves_the_due_date_with_a_reason_kept_in_the_history(milestone, owner, client):
    client.force_login(owner)
    later = NEXT_YEAR + datetime.timedelta(days=30)

    response, said = _post(client, milestone, "change", **_change(milestone, due_date=later), reason="Supplier late")

    assert response.status_code == 302 and "the reason is in its history" in said[0]
    stored = Milestone.objects.get(pk=milestone.pk)
    assert (stored.due_date, stored.version) == (later, milestone.version + 1)
    latest = stored.history.latest("history_date")
    assert (latest.history_change_reason, latest.history_user) == ("Supplier late", owner)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"reason": ""}, "This field is required"),
        ({"reason": "Typo", "due_date": "0001-01-01"}, "Give a due date from 2000 to 2100."),
        ({"reason": "Typo", "due_date": "9999-12-31"}, "Give a due date from 2000 to 2100."),
        ({"reason": "Typo", "due_date": "2031-02-30"}, "Enter a valid date"),
        ({"reason": "Nothing"}, "Nothing would change"),
    ],
    ids=["no-reason", "year-1", "year-9999", "no-such-day", "nothing-changed"],
)
def test_a_bad_change_is_refused_with_a_message_and_nothing_written(milestone, owner, client, fields, message):
    client.force_login(owner)
    data = _change(milestone, **{k: v for k, v in fields.items() if k != "reason"})

    response, said = _post(client, milestone, "change", **data, reason=fields["reason"])

    assert response.status_code == 302 and any(message in text for text in said), said
    assert Milestone.objects.get(pk=milestone.pk).version == milestone.version


def test_a_due_date_before_the_initiative_starts_is_refused(milestone, owner, client):
    milestone.initiative.planned_start = NEXT_YEAR
    milestone.initiative.save()
    client.force_login(owner)

    _response, said = _post(
        client, milestone, "change", **_change(milestone, due_date=NEXT_YEAR - datetime.timedelta(1)), reason="x"
    )

    assert "before the initiative starts" in said[0]
    assert Milestone.objects.get(pk=milestone.pk).due_date == NEXT_YEAR


def test_a_stale_form_is_refused(milestone, owner, client):
    client.force_login(owner)
    stale_version = milestone.version
    milestones.change_milestone(milestone, {"title": "Renamed"}, by=owner, reason="x", expected_version=stale_version)
    milestone.version = stale_version

    _response, said = _post(client, milestone, "change", **_change(milestone, title="Mine"), reason="Mine")

    assert "changed by someone else" in said[0]
    assert Milestone.objects.get(pk=milestone.pk).title == "Renamed"


def test_a_done_milestone_is_reopened_with_a_reason(milestone, owner, client):
    milestones.complete_milestone(milestone, by=owner, expected_version=milestone.version)
    client.force_login(owner)

    _response, said = _post(client, milestone, "reopen", reason="Ticked by mistake")

    stored = Milestone.objects.get(pk=milestone.pk)
    assert (stored.state, stored.done_on) == (MilestoneState.OPEN, None)
    assert stored.history.latest("history_date").history_change_reason == "Ticked by mistake"
    assert "open again" in said[0]


def test_a_milestone_made_by_mistake_is_deleted_and_its_history_keeps_the_reason(milestone, owner, client):
    client.force_login(owner)

    _response, said = _post(client, milestone, "delete", reason="Entered twice")

    assert not Milestone.objects.filter(pk=milestone.pk).exists()
    deleted = Milestone.history.filter(id=milestone.pk, history_type="-").get()
    assert deleted.history_change_reason == "Entered twice" and "deleted" in said[0]


@pytest.mark.parametrize("action", ["change", "reopen", "delete"])
def test_another_coordinator_cannot_change_undo_or_delete(milestone, other_coordinator, client, action):
    client.force_login(other_coordinator)

    response, _said = _post(client, milestone, action, **_change(milestone, title="Theirs"), reason="Mine now")

    assert response.status_code == 403
    assert Milestone.objects.get(pk=milestone.pk).version == milestone.version


def test_a_viewer_sees_no_milestone_forms_and_the_owner_does(milestone, viewer, owner, client):
    url = reverse("initiative-detail", args=[milestone.initiative.code])
    change = reverse("milestone-change", args=[milestone.initiative.code, milestone.pk])
    client.force_login(viewer)
    assert change not in client.get(url).content.decode()

    client.force_login(owner)
    assert change in client.get(url).content.decode()

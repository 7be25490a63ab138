"""The event log: one event per committed change, none for a rolled-back one, ids in commit order."""

import pytest
from django.db import transaction

from tests import factories
from tracker.domain import workflow
from tracker.domain.choices import Status
from tracker.models import Event, Initiative

pytestmark = pytest.mark.django_db


def test_each_write_path_leaves_one_named_event(initiative, owner):
    Event.objects.all().delete()
    initiative.title = "Renamed"
    initiative.save()
    workflow.transition(initiative, Status.UNDER_STUDY, by=owner, note="go")
    milestone = factories.MilestoneFactory(initiative=initiative)
    milestone.delete()

    names = list(Event.objects.values_list("name", flat=True))
    assert names == [
        "initiative.updated",
        "initiative.transitioned",
        "milestone.created",
        "milestone.deleted",
    ]
    transitioned = Event.objects.get(name="initiative.transitioned")
    assert transitioned.actor_name == "owner" and transitioned.author == owner
    assert transitioned.data["to_status"] == Status.UNDER_STUDY


def test_a_rolled_back_change_leaves_no_event(initiative, owner):
    before = Event.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.transition(initiative, Status.UNDER_STUDY, by=owner)
        raise RuntimeError("abort")
    assert Event.objects.count() == before
    assert Initiative.objects.get(pk=initiative.pk).status == Status.PROPOSED


def test_withdrawing_an_initiative_from_partners_is_announced_to_them(initiative):
    initiative.visibility = "shared"
    initiative.save()
    initiative = Initiative.objects.get(pk=initiative.pk)
    initiative.visibility = "internal"
    initiative.save()
    last = Event.objects.filter(object_type="initiative").last()
    assert last.shared is True  # partners see the update, re-read it, and drop it from their mirror
    initiative.title = "internal work"
    initiative.save()
    assert Event.objects.filter(object_type="initiative").last().shared is False

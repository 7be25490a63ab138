"""Milestones and instructions: tick one done and add one (the pages' actions, written through
tracker.domain.initiatives like every change to an initiative's parts), and the daily "overdue" events."""

from django.db import transaction
from django.utils import timezone

from tracker.domain import events, initiatives
from tracker.domain.actors import SystemActor
from tracker.domain.choices import MilestoneState
from tracker.domain.context import acting_as
from tracker.models import Event, Milestone

__all__ = ["add_milestone", "complete_milestone", "record_overdue"]


def complete_milestone(milestone, *, by, expected_version, done_on=None):
    """Mark `milestone` done (today unless `done_on`); StaleVersion if it changed since `expected_version`."""
    changes = {"state": MilestoneState.DONE, "done_on": done_on or timezone.localdate()}
    return initiatives.update(milestone, changes, by=by, expected_version=expected_version)


def add_milestone(initiative, *, by, **fields):
    return initiatives.create(Milestone, {"initiative": initiative, **fields}, by=by)


OVERDUE_CHECK = SystemActor("overdue check")


def record_overdue(today=None, by=OVERDUE_CHECK):
    """Record a `milestone.overdue` event for each milestone that is overdue and not yet announced as such for
    its current due date; return how many. Safe to run any number of times (send_digest runs it daily)."""
    today = today or timezone.localdate()
    overdue = list(Milestone.objects.overdue(today).select_related("initiative"))
    announced = {
        (event.object_id, event.data.get("due_date"))
        for event in Event.objects.filter(name="milestone.overdue", object_id__in=[m.pk for m in overdue])
    }
    fresh = [m for m in overdue if (m.pk, m.due_date.isoformat()) not in announced]
    with transaction.atomic(), acting_as(by):
        for milestone in fresh:
            events.record(milestone, events.Action.OVERDUE, {"due_date": milestone.due_date.isoformat()})
    return len(fresh)

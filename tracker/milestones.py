"""Changing milestones and instructions from the pages: tick one done, add one. Permission and stale-copy
checks are here, so every interface that offers these actions gets them."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker import events, permissions
from tracker.actors import SystemActor
from tracker.choices import MilestoneState
from tracker.context import acting_as
from tracker.models import Event, Milestone

__all__ = ["add_milestone", "complete_milestone", "record_overdue"]


def complete_milestone(milestone, *, by, expected_version, done_on=None):
    """Mark `milestone` done (today unless `done_on`); StaleVersion if it changed since `expected_version`."""
    if not permissions.can_change_part(by, milestone):
        raise PermissionDenied(_("Only the owner of the initiative or an administrator can change its milestones."))
    milestone.state = MilestoneState.DONE
    milestone.done_on = done_on or timezone.localdate()
    milestone.full_clean()
    with acting_as(by):
        milestone.save_versioned(expected_version)
    return milestone


def add_milestone(initiative, *, by, **fields):
    milestone = Milestone(initiative=initiative, **fields)
    if not permissions.can_change_part(by, milestone):
        raise PermissionDenied(_("Only the owner of the initiative or an administrator can add milestones."))
    milestone.full_clean()
    with transaction.atomic(), acting_as(by):
        milestone.save()
    return milestone


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

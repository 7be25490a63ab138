"""Milestones and instructions: tick one done, add one, change its title, due date or responsible organisation,
reopen a done one and delete one made by mistake (the pages' actions, written through tracker.domain.initiatives
like every change to an initiative's parts), and the daily "overdue" events.

A change, a reopen and a delete need a reason, which goes into the milestone's history with the change."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.domain import events, initiatives
from tracker.domain.actors import SystemActor
from tracker.domain.choices import MilestoneState
from tracker.domain.context import acting_as
from tracker.models import Event, Milestone

__all__ = [
    "CHANGEABLE",
    "REASON_MAX_LENGTH",
    "add_milestone",
    "change_milestone",
    "complete_milestone",
    "delete_milestone",
    "record_overdue",
    "reopen_milestone",
]

CHANGEABLE = ("title", "due_date", "responsible_organisation")
REASON_MAX_LENGTH = 1000


def complete_milestone(milestone, *, by, expected_version, done_on=None):
    """Mark `milestone` done (today unless `done_on`); StaleVersion if it changed since `expected_version`."""
    changes = {"state": MilestoneState.DONE, "done_on": done_on or timezone.localdate()}
    return initiatives.update(milestone, changes, by=by, expected_version=expected_version)


def add_milestone(initiative, *, by, **fields):
    return initiatives.create(Milestone, {"initiative": initiative, **fields}, by=by)


def change_milestone(milestone, changes, *, by, reason, expected_version):
    """Change `milestone`'s title, due date or responsible organisation (CHANGEABLE), saying why."""
    if unknown := set(changes) - set(CHANGEABLE):
        raise ValueError(f"{sorted(unknown)} cannot be changed here; CHANGEABLE names what can.")
    # Only what differs: a title shown in another language (not yet translated) must not be written as this one's.
    changes = {name: value for name, value in changes.items() if getattr(milestone, name) != value}
    if not changes:
        raise ValidationError(_("Nothing would change: the title, due date and responsible organisation are as given."))
    return _with_reason(milestone, reason, initiatives.update, changes, expected_version=expected_version, by=by)


def reopen_milestone(milestone, *, by, reason, expected_version):
    """Open a done `milestone` again (it was ticked by mistake, or the work came back), saying why."""
    if milestone.state != MilestoneState.DONE:
        raise ValidationError({"state": _("Only a done milestone or instruction can be reopened.")})
    changes = {"state": MilestoneState.OPEN, "done_on": None}
    return _with_reason(milestone, reason, initiatives.update, changes, expected_version=expected_version, by=by)


def delete_milestone(milestone, *, by, reason, expected_version):
    """Delete `milestone`, made by mistake, saying why; its history keeps it and the reason."""
    return _with_reason(milestone, reason, initiatives.delete, expected_version=expected_version, by=by)


def _with_reason(milestone, reason, write, *args, **kwargs):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why: the reason goes into the history of the change.")})
    if len(reason) > REASON_MAX_LENGTH:
        message = _("Keep this to %(limit)s characters; it has %(length)s.")
        raise ValidationError({"reason": message % {"limit": REASON_MAX_LENGTH, "length": len(reason)}})
    milestone._change_reason = reason  # django-simple-history writes it on the history row of this change
    return write(milestone, *args, **kwargs)


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

"""Planning the next meeting: a coming meeting with a partner, and its agenda (the initiatives to review there).

Only people with the "plan meeting" permission (coordinators and administrators) plan; a meeting that has taken
place is a record, changed by administrators in the admin (tracker.domain.records). The agenda is the meeting's
"initiatives raised or reviewed"; each change to it is a new meeting version, with its history row (the codes as
the change reason) and its event, in one transaction."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.domain import permissions
from tracker.domain.context import acting_as
from tracker.models import Initiative

__all__ = ["agenda_choices", "plan", "set_agenda"]


def plan(meeting, *, by):
    """Save the new, coming `meeting` (not yet saved): a date today or later, a partner, a place and a title."""
    _may_plan(by)
    _still_to_come(meeting)
    meeting.full_clean()
    with transaction.atomic(), acting_as(by):
        meeting.save()
    return meeting


def set_agenda(meeting, initiatives, *, by, expected_version):
    """Make `initiatives` the agenda of the coming `meeting`; StaleVersion if it changed since `expected_version`."""
    _may_plan(by)
    _still_to_come(meeting)
    initiatives = list(initiatives)
    foreign = [i.code for i in initiatives if i.partner_region_id != meeting.partner_region_id]
    if foreign:
        message = _("Only initiatives with this meeting's partner region can be on its agenda: %(codes)s.")
        raise ValidationError({"initiatives": message % {"codes": ", ".join(foreign)}})
    codes = sorted(i.code for i in initiatives)
    meeting._change_reason = _("Agenda: %(codes)s") % {"codes": ", ".join(codes) or "—"}
    meeting._event_data = {"agenda": codes}
    with transaction.atomic(), acting_as(by):
        meeting.save_versioned(expected_version)
        meeting.initiatives.set(initiatives)
    return meeting


def agenda_choices(meeting):
    """The initiatives that may be put on `meeting`'s agenda: those with its partner region."""
    return Initiative.objects.filter(partner_region_id=meeting.partner_region_id).order_by("code")


def _may_plan(by):
    if not permissions.can_plan_meetings(by):
        raise PermissionDenied(_("Only coordinators and administrators plan meetings."))


def _still_to_come(meeting):
    if meeting.date is not None and meeting.date < timezone.localdate():
        raise ValidationError({"date": _("This meeting has taken place; plan a meeting still to come.")})

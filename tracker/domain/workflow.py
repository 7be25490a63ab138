"""The status workflow: which transitions are allowed, and the one place where status and health change.

    proposed → under_study → agreed → in_progress → completed
    any active state → on_hold (and back to the state it came from) or → cancelled
    completed, cancelled: final, except a reopen with a reason (permissions.can_reopen)
    ending with open milestones or off track needs a note saying why (UnfinishedWork)

Every change goes through `transition` or `change_health`. Each validates against the row locked in the
database (not the caller's possibly stale copy), writes one journal entry naming its author, bumps the
version and saves, all in one transaction. The admin, the API, the pages and the commands call these.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.domain import languages, notes, permissions
from tracker.domain.actors import key_of, name_of, user_of
from tracker.domain.choices import Health, MilestoneState, Status
from tracker.domain.context import acting_as
from tracker.domain.errors import StaleVersion, TransitionNotAllowed, UnfinishedWork
from tracker.models import Initiative, StatusUpdate

__all__ = [
    "ACTIVE",
    "ENDINGS",
    "HEALTH_REASON_MAX_LENGTH",
    "NOTE_MAX_LENGTH",
    "allowed_transitions",
    "apply_each",
    "change_health",
    "transition",
]

# The longest health reason and journal note, whichever door they come through (forms and serializers use these).
HEALTH_REASON_MAX_LENGTH = 2000
NOTE_MAX_LENGTH = 5000

ACTIVE = (Status.PROPOSED, Status.UNDER_STUDY, Status.AGREED, Status.IN_PROGRESS)
# Ending an initiative with open milestones, or not on track, needs a note saying why (UnfinishedWork).
ENDINGS = (Status.COMPLETED, Status.CANCELLED)
_NEXT = {
    Status.PROPOSED: Status.UNDER_STUDY,
    Status.UNDER_STUDY: Status.AGREED,
    Status.AGREED: Status.IN_PROGRESS,
    Status.IN_PROGRESS: Status.COMPLETED,
}


def allowed_transitions(initiative, actor=None):
    """The statuses `initiative` may move to next; a reopen is offered only to an actor who may reopen."""
    status = Status(initiative.status)
    if status in ACTIVE:
        return [_NEXT[status], Status.ON_HOLD, Status.CANCELLED]
    resume_to = Status(initiative.previous_status or Status.PROPOSED)
    if status == Status.ON_HOLD:
        return [resume_to, Status.CANCELLED]
    if actor is not None and permissions.can_reopen(actor, initiative):
        return [resume_to]
    return []


def transition(initiative, to, *, by, note="", health=None, health_reason=None, expected_version=None):
    """Move `initiative` to status `to` (and optionally set its health); return the journal entry.

    Raises TransitionNotAllowed (with the allowed list), PermissionDenied, StaleVersion when
    `expected_version` is given and no longer current, or ValidationError naming the field at fault.
    """
    return _apply(
        initiative,
        by=by,
        to=_parse(Status, to, "to"),
        health=None if health in (None, "") else _parse(Health, health, "health"),
        health_reason=health_reason,
        note=note,
        expected_version=expected_version,
    )


def apply_each(versions, *, by, to=None, health=None, health_reason="", note=""):
    """One status and/or health change applied to many initiatives ({code: the version the actor read}), each on
    its own: checked (permission, allowed transition, version) and written or refused alone, never half.
    Returns {code: None when done, else why it was refused}."""
    found = Initiative.objects.in_bulk(list(versions), field_name="code")
    results = {}
    for code, version in versions.items():
        initiative = found.get(code)
        if initiative is None:
            results[code] = _("There is no initiative with this code.")
            continue
        try:
            if to:
                transition(
                    initiative,
                    to,
                    by=by,
                    note=note,
                    health=health or None,
                    health_reason=health_reason,
                    expected_version=version,
                )
            else:
                change_health(initiative, health, by=by, reason=health_reason, note=note, expected_version=version)
        except PermissionDenied:
            results[code] = _("Only the owner of this initiative or an administrator can change it.")
        except ValidationError as error:
            results[code] = " ".join(error.messages)
        except (StaleVersion, TransitionNotAllowed, UnfinishedWork) as error:
            results[code] = str(error)
        else:
            results[code] = None
    return results


def change_health(initiative, health, *, by, reason="", note="", expected_version=None):
    """Set the health of `initiative` without moving its status; return the journal entry."""
    return _apply(
        initiative,
        by=by,
        to=None,
        health=_parse(Health, health, "health"),
        health_reason=reason,
        note=note,
        expected_version=expected_version,
    )


def _parse(choices, value, field):
    try:
        return choices(value)
    except ValueError:
        raise ValidationError(
            {field: _("“%(value)s” is not one of: %(values)s.") % {"value": value, "values": ", ".join(choices.values)}}
        ) from None


def _apply(initiative, *, by, to, health, health_reason, note, expected_version):
    system = note if isinstance(note, notes.SystemNote) else None  # read in each reader's language
    note = system.english() if system else (note or "").strip()
    _check_length("note", note, NOTE_MAX_LENGTH)
    _check_length("health_reason", (health_reason or "").strip(), HEALTH_REASON_MAX_LENGTH)
    with transaction.atomic(), acting_as(by):
        current = Initiative.objects.select_for_update().get(pk=initiative.pk)
        if expected_version is not None and current.version != int(expected_version):
            raise StaleVersion(current, expected_version, current.version)
        if not permissions.can_change_initiative(by, current):
            raise PermissionDenied(_("Only the owner of this initiative or an administrator can change it."))
        before_status, before_health = current.status, current.health
        if health is not None:
            _set_health(current, health, health_reason)
        if to is not None:
            _move(current, to, by, note)
        if current.status == before_status and current.health == before_health:
            raise ValidationError({"health": _("Nothing would change: the status and health are already as given.")})
        current._workflow_transition = True
        current._event_action = "transitioned"
        current._event_data = {
            "from_status": before_status,
            "to_status": current.status,
            "from_health": before_health,
            "to_health": current.health,
        }
        current.save()
        entry = StatusUpdate.objects.create(
            initiative=current,
            from_status=before_status,
            to_status=current.status,
            from_health=before_health,
            to_health=current.health,
            health_reason=current.health_reason,
            note=note,
            note_key=system.key if system else "",
            note_params=system.params if system else {},
            author=user_of(by),
            api_key=key_of(by),
            author_name=name_of(by),
            version=current.version,
        )
    _copy_state(current, initiative)
    return entry


def _move(current, to, by, note):
    status = Status(current.status)
    allowed = allowed_transitions(current, by)
    if to not in allowed:
        raise TransitionNotAllowed(status, to, allowed)
    if status.is_final and not note:
        raise ValidationError({"note": _("Reopening a final initiative needs a reason in the note.")})
    if to in ENDINGS and not note:
        open_items = list(current.milestones.filter(state=MilestoneState.OPEN).order_by("due_date", "id"))
        if open_items or current.health != Health.ON_TRACK:
            raise UnfinishedWork(current, to, open_items)
    if status in ACTIVE:
        current.previous_status = status  # where on_hold resumes to and a reopen returns to
    current.status = to
    today = timezone.localdate()
    if to == Status.IN_PROGRESS and current.actual_start is None:
        current.actual_start = today
    started_by_today = current.actual_start is None or current.actual_start <= today
    if to == Status.COMPLETED and current.actual_end is None and started_by_today:
        current.actual_end = today


def _check_length(field, text, limit):
    if len(text) > limit:
        raise ValidationError(
            {field: _("Keep this to %(limit)s characters; it has %(length)s.") % {"limit": limit, "length": len(text)}}
        )


def _set_health(current, health, reason):
    reason = (reason or "").strip()
    if Status(current.status).is_final and health != current.health:
        raise ValidationError({"health": _("A completed or cancelled initiative has no health to change.")})
    if health.needs_reason and not reason:
        raise ValidationError(
            {
                "health_reason": _("Say why the initiative is “%(health)s”: a reason is required.")
                % {"health": health.label}
            }
        )
    current.health = health
    languages.replace(current, "health_reason", reason)


def _copy_state(source, target):
    reasons = [languages.column("health_reason", language) for language in languages.CONTENT_LANGUAGES]
    for field in ("status", "previous_status", "health", *reasons, "actual_start", "actual_end", "version"):
        setattr(target, field, getattr(source, field))
    target.updated_at = source.updated_at
    target._stored_status = source.status
    target._stored_health = (source.health, source.health_reason)

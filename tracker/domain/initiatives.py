"""The one door for writing an initiative and its parts (milestones and instructions, participations, indicator
links): create, change, delete. The API's serializers and views, the admin's forms and the pages call these and
hold no rule of their own.

Each operation takes the actor explicitly, checks what that actor may do (tracker.domain.permissions), validates the
record (its model's rules), compares the version the caller read (`expected_version`: a changed record is refused
with StaleVersion, a deleted one with DoesNotExist), and writes the record, its history row and its events in
one transaction. Status and health are not changed here but by tracker.domain.workflow.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tracker.domain import permissions
from tracker.domain.actors import is_api_key
from tracker.domain.context import acting_as
from tracker.models import Initiative, InitiativeIndicator, Milestone, Participation

__all__ = ["RECORDS", "create", "delete", "may_create", "save_changes", "save_new", "update"]

RECORDS = (Initiative, Milestone, Participation, InitiativeIndicator)  # what is written only through here

# What a partner's key may not change on an initiative shared with it: taking it out of its own view or giving
# it away.
_NOT_FOR_KEYS = frozenset({"partner_region", "visibility", "owner"})


def create(model, fields, *, by):
    """A new initiative, or a new part of one (`model` Milestone, Participation or InitiativeIndicator)."""
    return save_new(model(**fields), by=by)


def save_new(record, *, by):
    """Save `record`, built but never saved (an admin form built it), as `create` would."""
    if isinstance(record, Initiative):
        _may_create_initiative(record, by)
    else:
        _may_change_part(record, by, adding=True)
    return _saved(record, by, expected_version=None)


def update(record, changes, *, by, expected_version):
    """Apply `changes` ({field: value}) to `record` if nobody saved it since `expected_version`."""
    for field, value in changes.items():
        setattr(record, field, value)
    return save_changes(record, by=by, expected_version=expected_version)


def save_changes(record, *, by, expected_version):
    """Save `record` as changed in memory (an admin form applied the changes) if nobody saved it since
    `expected_version`. What changed, and who may change it, is judged against the stored copy."""
    stored = type(record)._default_manager.get(pk=record.pk)
    changed = {
        field.name
        for field in record._meta.concrete_fields
        if field.value_from_object(stored) != field.value_from_object(record)
    }
    if isinstance(record, Initiative):
        _may_change_initiative(stored, changed, by)
    else:
        _may_change_part(stored, by)  # the part where it is now …
        if "initiative" in changed:
            _may_change_part(record, by)  # … and where it goes
    return _saved(record, by, expected_version=expected_version)


def delete(record, *, by, expected_version):
    """Delete `record` (and what cascades from it) if nobody saved it since `expected_version`."""
    if isinstance(record, Initiative):
        if is_api_key(by):
            raise PermissionDenied(_("Partner keys cannot delete initiatives."))
        if not permissions.can_change_initiative(by, record):
            raise PermissionDenied(_("Only the owner of this initiative or an administrator can change it."))
    else:
        _may_change_part(record, by)
    with acting_as(by):
        record.delete_versioned(expected_version)


def may_create(by):
    """Refuse (PermissionDenied) an actor who may create no initiative at all. Interfaces ask it before reading a
    body, so the refusal is the same whatever the body names: a key learns nothing of codes it cannot see."""
    if is_api_key(by):
        raise PermissionDenied(_("Partner keys update shared initiatives; they do not create them."))
    if not (permissions.can_change_any_initiative(by) or permissions.can_add_initiative(by)):
        raise PermissionDenied(_("You may not create initiatives."))


def _may_create_initiative(initiative, by):
    may_create(by)
    if permissions.can_change_any_initiative(by):
        return
    if initiative.owner_id not in (None, by.pk):
        raise PermissionDenied(_("Only an administrator can create initiatives for others."))
    initiative.owner = by  # a coordinator's initiatives are their own


def _may_change_initiative(initiative, changed, by):
    if not permissions.can_change_initiative(by, initiative):
        raise PermissionDenied(_("Only the owner of this initiative or an administrator can change it."))
    if "owner" in changed and not permissions.can_change_any_initiative(by):
        raise PermissionDenied(_("Only an administrator can give an initiative to another owner."))
    if is_api_key(by) and changed & _NOT_FOR_KEYS:
        raise PermissionDenied(_("Partner keys cannot change the region, visibility or owner."))


def _may_change_part(part, by, adding=False):
    if not permissions.can_see_initiative(by, part.initiative):
        # The same answer as for an initiative that does not exist: a key learns nothing of hidden ones.
        raise ValidationError({"initiative": _("No initiative with this code.")})
    if not permissions.can_change_part(by, part):
        if adding:
            raise PermissionDenied(_("Only the initiative's owner or an administrator can add this."))
        raise PermissionDenied(_("Only the initiative's owner or an administrator can change this."))


def _saved(record, by, *, expected_version):
    record.full_clean()
    with transaction.atomic(), acting_as(by):
        record.save_expecting(expected_version)
    return record

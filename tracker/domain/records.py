"""The one door for writing any tracked record, whichever it is. An initiative and its parts go to
tracker.domain.initiatives, a trade figure to tracker.domain.observations; the rest (sources, regions,
organisations, areas, meetings, commodities, trade indicators, key commodities) are written here with the same
steps: the actor's model permission, the model's validation, the version the caller read, and the record, its
history row and its events in one transaction.

The admin's forms, inlines, deletes and imports and the seed loader call `save` and `delete`, and hold no rule of
their own.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from tracker.domain import initiatives, observations, permissions
from tracker.domain.context import acting_as
from tracker.models import Observation

__all__ = ["check", "delete", "save"]


def save(record, *, by, expected_version=None):
    """Save `record`: new when `expected_version` is None, else changed in memory and refused with StaleVersion if
    somebody saved it since `expected_version`."""
    if isinstance(record, initiatives.RECORDS):
        if expected_version is None:
            return initiatives.save_new(record, by=by)
        return initiatives.save_changes(record, by=by, expected_version=expected_version)
    if isinstance(record, Observation):
        return observations.save_one(record, by=by, expected_version=expected_version)
    _may(by, "add" if expected_version is None else "change", record)
    record.full_clean()
    with transaction.atomic(), acting_as(by):
        record.save_expecting(expected_version)
    return record


def check(record):
    """The rules `save` would apply to `record` beyond its model's validation, without writing: forms ask it so a
    refusal shows beside the field instead of after the form was accepted."""
    if isinstance(record, Observation):
        observations.follow_formula(record)


def delete(record, *, by, expected_version):
    """Delete `record` (and what cascades from it) if nobody saved it since `expected_version`."""
    if isinstance(record, initiatives.RECORDS):
        return initiatives.delete(record, by=by, expected_version=expected_version)
    if isinstance(record, Observation):
        return observations.delete_one(record, by=by, expected_version=expected_version)
    _may(by, "delete", record)
    with acting_as(by):
        record.delete_versioned(expected_version)


def _may(by, action, record):
    if not permissions.can_write_reference(by, action, type(record)):
        raise PermissionDenied(_("You may not change this record."))

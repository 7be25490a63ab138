"""Changing milestones and instructions from the pages: tick one done, add one. Permission and stale-copy
checks are here, so every interface that offers these actions gets them."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker import permissions
from tracker.choices import MilestoneState
from tracker.context import acting_as
from tracker.models import Milestone

__all__ = ["add_milestone", "complete_milestone"]


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

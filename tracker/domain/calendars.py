"""The personal calendar feed: which deadlines and meetings a user's feed holds, and its secret address.

The address carries a random secret; the database keeps its SHA-256 only, so a leaked database gives no working
address. Making a new address replaces the digest: the old address then answers 404.
"""

import hashlib
import secrets

from django.db.models import Q

from tracker.domain.choices import MilestoneState
from tracker.models import CalendarFeed, Meeting, Milestone

__all__ = ["deadlines_of", "issue", "meetings_of", "owner_of"]


def _digest(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def issue(user):
    """A new secret address for `user`'s feed (returned once; only its digest is stored), revoking the old one."""
    secret = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(user=user, defaults={"digest": _digest(secret)})
    return secret


def owner_of(secret):
    """The active user whose feed `secret` opens, or None."""
    if not secret or len(secret) > 100:
        return None
    feed = CalendarFeed.objects.select_related("user").filter(digest=_digest(secret)).first()
    return feed.user if feed is not None and feed.user.is_active else None


def _mine(user, prefix=""):
    """Initiatives `user` owns or watches, as a filter on a model reaching them through `prefix`."""
    return Q(**{f"{prefix}owner": user}) | Q(**{f"{prefix}watches__user": user})


def deadlines_of(user):
    """The open, dated milestones and instructions of the initiatives `user` owns or watches (done ones leave)."""
    return (
        Milestone.objects.filter(_mine(user, "initiative__"), state=MilestoneState.OPEN, due_date__isnull=False)
        .select_related("initiative", "responsible_organisation")
        .distinct()
        .order_by("due_date", "id")
    )


def meetings_of(user):
    """The meetings that raised or reviewed the initiatives `user` owns or watches."""
    return Meeting.objects.filter(_mine(user, "initiatives__")).distinct().order_by("date", "id")

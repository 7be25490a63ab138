"""The personal calendar feed: its secret address, and the meetings it holds besides the user's deadlines
(my_work.deadlines_of, the same list My work shows).

The address carries a random secret; the database keeps its SHA-256 only, so a leaked database gives no working
address. Making a new address replaces the digest: the old address then answers 404.
"""

import hashlib
import secrets

from tracker.domain.my_work import followed_by
from tracker.models import CalendarFeed, Meeting

__all__ = ["issue", "meetings_of", "owner_of"]


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


def meetings_of(user):
    """The meetings that raised or reviewed the initiatives `user` owns or watches."""
    return Meeting.objects.filter(followed_by(user, "initiatives__")).distinct().order_by("date", "id")

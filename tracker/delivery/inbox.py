"""Notifications in the app: the same rows the fan-out writes for emails (tracker.delivery.notifications.fan_out),
so the app lists exactly what the user chose to hear of, kind by kind; read or unread; pruned once read and old."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from tracker.delivery.notifications import choice_label
from tracker.domain.choices import Health, Status
from tracker.models import Initiative, Notification

__all__ = ["Notice", "mark_read", "notices", "prune", "unread_count"]


@dataclass
class Notice:
    notification: Notification
    initiative: Initiative | None  # None when it was deleted since
    from_status: str
    to_status: str
    from_health: str
    to_health: str

    @property
    def unread(self):
        return self.notification.read_at is None


def notices(notifications):
    """The page's `notifications` (with their events) as Notices: their initiatives read in one query."""
    rows = list(notifications)
    initiatives = Initiative.objects.in_bulk(
        {row.event.object_id for row in rows if row.event.object_type == "initiative"}
    )
    result = []
    for row in rows:
        data = row.event.data
        result.append(
            Notice(
                notification=row,
                initiative=initiatives.get(row.event.object_id),
                from_status=choice_label(Status, data.get("from_status")),
                to_status=choice_label(Status, data.get("to_status")),
                from_health=choice_label(Health, data.get("from_health")),
                to_health=choice_label(Health, data.get("to_health")),
            )
        )
    return result


def unread_count(user):
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(user, ids=None):
    """Mark `user`'s notifications read (those of `ids`, else all); return how many changed. Another user's ids
    are ignored, not an error: nothing of theirs is touched."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


def prune(now=None):
    """Delete notifications read more than NOTIFICATION_KEEP_DAYS ago; unread ones stay, however old. Returns how
    many went. `send_digest` runs it daily."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.NOTIFICATION_KEEP_DAYS)
    deleted, _by_model = Notification.objects.filter(read_at__lt=cutoff).delete()
    return deleted

"""The event log: one row per create, update, delete and transition, written in the same transaction.

It is the feed partners mirror from (`/api/v1/changes/`) and the outbox that notifications and webhooks
are delivered from: an event exists if and only if its change committed.

Ids are handed out in commit order: on PostgreSQL the writer takes a transaction-level advisory lock before
inserting, so a reader that has seen event N can never later find a committed event below N. (SQLite
serialises writers by itself.) Keep transactions that write events short.
"""

from django.conf import settings
from django.db import connections, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker.models.base import request_id_field

_EVENT_LOCK = 72_011_001  # an arbitrary constant naming the lock


class Action(models.TextChoices):
    CREATED = "created", _("created")
    UPDATED = "updated", _("updated")
    DELETED = "deleted", _("deleted")
    TRANSITIONED = "transitioned", _("transitioned")
    OVERDUE = "overdue", _("became overdue")


class Event(models.Model):
    name = models.CharField(_("event"), max_length=60, help_text=_("e.g. initiative.transitioned"))
    object_type = models.CharField(_("object type"), max_length=40)
    object_id = models.BigIntegerField(_("object id"))
    object_key = models.CharField(_("object key"), max_length=120, help_text=_("Code or other stable key."))
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    occurred_at = models.DateTimeField(_("time"), default=timezone.now)
    actor_name = models.CharField(_("actor"), max_length=200, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    api_key = models.ForeignKey("tracker.ApiKey", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    partner_region = models.ForeignKey(
        "tracker.Region", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    shared = models.BooleanField(_("visible to partners"), default=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    request_id = request_id_field()

    class Meta:
        ordering = ["id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["object_type", "object_id"], name="event_object")]

    def __str__(self):
        return f"#{self.pk} {self.name} {self.object_key}"


def lock_event_order(using="default"):
    """Hold the event-order lock until this transaction ends (see the module docstring)."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_EVENT_LOCK])

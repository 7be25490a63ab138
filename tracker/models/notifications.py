"""Email notifications: who wants what (preferences, watches), what was sent (notifications, digests), and how
far the outbox has been read (the dispatch cursor).

Uniqueness is what makes sending safe to repeat: one notification per (user, event, kind) and one digest per
(user, day), so a dispatch or a digest run that is retried or run twice creates nothing twice.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tracker.domain.choices import NotificationKind, NotificationStatus

__all__ = ["DigestSent", "DispatchCursor", "Notification", "NotificationPreference", "Watch"]


class NotificationPreference(models.Model):
    """What one user wants to be emailed about, and in which language. No row means: everything, in the
    site's default language."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    transitions = models.BooleanField(
        _("status changes"), default=True, help_text=_("Email me when an initiative I own or watch changes status.")
    )
    health = models.BooleanField(
        _("health changes"), default=True, help_text=_("Email me when an initiative I own or watch changes health.")
    )
    digest = models.BooleanField(
        _("daily digest"),
        default=True,
        help_text=_("Email me once a day about my overdue milestones and instructions."),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language of the emails; empty for the site's default."),
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return str(self.user)

    @classmethod
    def of(cls, user):
        """The user's preferences, or the defaults (unsaved) when they never chose."""
        try:
            return user.notification_preference
        except cls.DoesNotExist:
            return cls(user=user)

    def wants(self, kind):
        return {
            NotificationKind.TRANSITION: self.transitions,
            NotificationKind.HEALTH: self.health,
            NotificationKind.DIGEST: self.digest,
        }[NotificationKind(kind)]

    @property
    def email_language(self):
        return self.language or settings.LANGUAGE_CODE


class Watch(models.Model):
    """A user following an initiative they do not own: they hear of its status and health changes too."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="watches"
    )
    initiative = models.ForeignKey(
        "tracker.Initiative", verbose_name=_("initiative"), on_delete=models.CASCADE, related_name="watches"
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        ordering = ["initiative", "user"]
        verbose_name = _("watched initiative")
        verbose_name_plural = _("watched initiatives")
        constraints = [models.UniqueConstraint(fields=["user", "initiative"], name="watch_once")]

    def __str__(self):
        return f"{self.user} → {self.initiative.code}"


class Notification(models.Model):
    """One user's notice of one event: sent as an email by a task, and listed in the app (/notifications/) until
    pruned (NOTIFICATION_KEEP_DAYS after it was read)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE)
    event = models.ForeignKey("tracker.Event", verbose_name=_("event"), on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["user", "event", "kind"], name="notification_once"),
            models.CheckConstraint(condition=models.Q(kind__in=NotificationKind.values), name="notification_kind"),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notification_due"),
            models.Index(fields=["user", "-id"], name="notification_inbox"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.user} (#{self.event_id})"


class DigestSent(models.Model):
    """The daily digest went to this user on this day; a second run that day skips them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE)
    date = models.DateField(_("day"))
    items = models.PositiveIntegerField(_("overdue items"), default=0)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "user"]
        verbose_name = _("digest sent")
        verbose_name_plural = _("digests sent")
        constraints = [models.UniqueConstraint(fields=["user", "date"], name="digest_once_a_day")]

    def __str__(self):
        return f"{self.user} {self.date:%Y-%m-%d}"


class DispatchCursor(models.Model):
    """How far the outbox has been read: every event up to `last_event_id` has its notifications and webhook
    deliveries. Advanced in the same transaction as the rows it fans out to, so it never runs ahead of them.
    One row (pk 1)."""

    SINGLETON = 1

    last_event_id = models.BigIntegerField(_("last event dispatched"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("dispatch cursor")
        verbose_name_plural = _("dispatch cursor")

    def __str__(self):
        return f"events up to #{self.last_event_id}"

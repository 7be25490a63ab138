"""The status-update journal: an append-only record of every status and health change."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tracker.domain import notes
from tracker.domain.choices import Health, Status
from tracker.models.base import ChoiceLabels, request_id_field


class AppendOnly(Exception):
    """Journal entries are never edited or deleted."""


class JournalQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("Journal entries cannot be changed.")

    def delete(self):
        raise AppendOnly("Journal entries cannot be deleted.")


class StatusUpdate(ChoiceLabels):
    """Written only by `tracker.domain.workflow`, in the same transaction as the change it records."""

    initiative = models.ForeignKey(
        "tracker.Initiative",
        verbose_name=_("initiative"),
        on_delete=models.PROTECT,  # an initiative with a history is cancelled, not deleted
        related_name="journal",
    )
    from_status = models.CharField(_("from status"), max_length=20, choices=Status.choices)
    to_status = models.CharField(_("to status"), max_length=20, choices=Status.choices)
    from_health = models.CharField(_("from health"), max_length=20, choices=Health.choices)
    to_health = models.CharField(_("to health"), max_length=20, choices=Health.choices)
    health_reason = models.TextField(_("health reason"), blank=True)
    note = models.TextField(_("note"), blank=True)
    # A note the system wrote, by message key: read in the reader's language (tracker.domain.notes); `note` then
    # holds its English text.
    note_key = models.CharField(_("system note"), max_length=60, blank=True, editable=False)
    note_params = models.JSONField(_("system note parameters"), default=dict, blank=True, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    api_key = models.ForeignKey(
        "tracker.ApiKey",
        verbose_name=_("API key"),
        on_delete=models.PROTECT,  # disable a key that has acted; the journal keeps pointing at it
        null=True,
        blank=True,
        related_name="+",
    )
    author_name = models.CharField(_("author name"), max_length=200, help_text=_("The user or API key that acted."))
    version = models.PositiveIntegerField(_("initiative version after the change"))
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    request_id = request_id_field()

    objects = JournalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        get_latest_by = "created_at"
        verbose_name = _("status update")
        verbose_name_plural = _("status updates")
        constraints = [
            models.UniqueConstraint(fields=["initiative", "version"], name="journal_one_entry_per_version"),
        ]

    def __str__(self):
        """What the admin's journal rows are titled with: the change in words, not codes."""
        change = (
            f"{self.get_from_status_display()} → {self.get_to_status_display()}"
            if self.from_status != self.to_status
            else self.get_to_status_display()
        )
        return f"{change} ({self.author_name})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("Journal entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("Journal entries cannot be deleted.")

    @property
    def note_text(self):
        """The note in the reader's language: a system note translated, a person's as written."""
        return notes.text_of(self)

    @property
    def status_changed(self):
        return self.from_status != self.to_status

    @property
    def health_changed(self):
        return self.from_health != self.to_health

"""Meetings where initiatives are raised or reviewed and instructions are given."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tracker.models.base import Cited, Tracked


class Meeting(Tracked, Cited):
    title = models.CharField(_("title"), max_length=300)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    participants = models.TextField(_("participants"), blank=True, help_text=_("Who attended, one per line."))
    partner_region = models.ForeignKey(
        "tracker.Region", verbose_name=_("partner region"), on_delete=models.PROTECT, related_name="+"
    )
    initiatives = models.ManyToManyField(
        "tracker.Initiative", verbose_name=_("initiatives raised or reviewed"), blank=True, related_name="meetings"
    )

    class Meta:
        ordering = ["-date", "id"]
        # Partners page through every list by last change (`ordering=updated`, the default) to mirror it.
        indexes = [models.Index(fields=["updated_at", "id"], name="meeting_sync_order")]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        permissions = [("plan_meeting", _("Can plan a coming meeting and its agenda"))]

    def __str__(self):
        return f"{self.date:%Y-%m-%d}, {self.place}: {self.title}"

    def event_scope(self):
        return self.partner_region_id, True

"""A user's personal calendar address (tracker.domain.calendars)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarFeed(models.Model):
    """The secret address of one user's deadlines feed. Only a digest of the secret is kept, as for API keys: the
    address is shown once, when made; making a new one revokes the old."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="calendar_feed"
    )
    digest = models.CharField(_("digest of the secret"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("made"), auto_now=True)

    class Meta:
        verbose_name = _("calendar address")
        verbose_name_plural = _("calendar addresses")

    def __str__(self):
        return str(self.user)

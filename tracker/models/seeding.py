"""What the seed loader last wrote, so a second load can tell a changed seed from a user's later edit."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SeedFingerprint(models.Model):
    """A digest of one seed record's stated values as last loaded.

    The loader applies a record only when its digest differs from this one: an edited seed file updates the
    database, while an unchanged seed never overwrites what coordinators edited since (`make run` loads the
    seeds on every start).
    """

    record = models.CharField(_("seed record"), max_length=300, unique=True)
    digest = models.CharField(_("digest"), max_length=64)
    loaded_at = models.DateTimeField(_("loaded"), auto_now=True)

    class Meta:
        verbose_name = _("seed fingerprint")
        verbose_name_plural = _("seed fingerprints")

    def __str__(self):
        return self.record

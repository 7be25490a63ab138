"""What the seed loader last wrote, so a second load can tell a changed seed from a user's later edit."""

from django.db import models


class SeedFingerprint(models.Model):
    """A digest of one seed record's stated values as last loaded.

    The loader applies a record only when its digest differs from this one: an edited seed file updates the
    database, while an unchanged seed never overwrites what coordinators edited since (`make run` loads the
    seeds on every start).
    """

    record = models.CharField(max_length=300, unique=True)
    digest = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.record

"""API keys for partner systems: stored as a digest only, shown once at creation.

A key is a principal in its own right: it authenticates API requests, appears by name in the journal and
change log, and is checked by `tracker.domain.permissions` like a user (it sees only what is shared with partners).
"""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tracker.models.history import HistoryContext, history_user

TOKEN_PREFIX = "ctk"
_LAST_USED_RESOLUTION = 60  # seconds: record use at most once a minute, not a write per request


def _digest(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiKey(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True, help_text=_("Who uses it, e.g. lipetsk-tracker."))
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    digest = models.CharField(_("digest"), max_length=64, editable=False)
    can_write = models.BooleanField(_("may write"), default=False)
    region = models.ForeignKey(
        "tracker.Region",
        verbose_name=_("restricted to partner region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords(bases=[HistoryContext], get_user=history_user, excluded_fields=["last_used_at"])

    # A key stands in for a user wherever an actor is expected.
    is_api_key = True
    is_authenticated = True
    is_anonymous = False
    is_superuser = False
    is_staff = False

    class Meta:
        ordering = ["name"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self):
        return self.name

    @classmethod
    def issue(cls, name, **fields):
        """Create a key; return it with its token, which is shown this once and never stored."""
        prefix = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        key = cls.objects.create(name=name, prefix=prefix, digest=_digest(secret), **fields)
        return key, f"{TOKEN_PREFIX}_{prefix}_{secret}"

    @staticmethod
    def token_parts(token):
        """(prefix, secret) of a token as `issue` writes it; ("", token) for anything else."""
        parts = token.split("_", 2)
        return (parts[1], parts[2]) if len(parts) == 3 and parts[0] == TOKEN_PREFIX else ("", token)

    def holds(self, secret):
        """Whether `secret` is this key's (compared in constant time)."""
        return hmac.compare_digest(self.digest, _digest(secret))

    @classmethod
    def authenticate(cls, token):
        """The active key that `token` belongs to, or None. Unknown and wrong tokens are alike to callers."""
        prefix, secret = cls.token_parts(token)
        # Every API request runs this lookup of one row by its unique prefix: raw() leaves out the ORM's query
        # compiler, which took longer than the lookup itself (bench/RESULTS.md, "Gains"). The key's region is
        # loaded if asked for (only the trade summary of a region-bound key does).
        key = next(iter(cls.objects.raw(f"SELECT * FROM {cls._meta.db_table} WHERE prefix = %s", [prefix])), None)
        expected = key.digest if key else _digest("no such key")
        if not hmac.compare_digest(expected, _digest(secret)) or key is None or not key.is_active:
            return None
        key.mark_used()
        return key

    @property
    def is_active(self):
        return self.enabled and (self.expires_at is None or self.expires_at > timezone.now())

    def mark_used(self):
        now = timezone.now()
        if self.last_used_at is None or (now - self.last_used_at).total_seconds() > _LAST_USED_RESOLUTION:
            type(self).objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now

    def get_username(self):
        return f"key:{self.name}"

    def get_full_name(self):
        return f"API key {self.name}"

    def has_perm(self, perm, obj=None):
        return False  # keys act only through the rules in tracker.domain.permissions

"""Webhooks for partner systems: subscriptions, one delivery per (subscription, event), every attempt logged.

A subscription belongs to an API key, and the key's visibility rules decide what it is sent
(tracker.domain.permissions.visible_events). Subscriptions are not `Tracked`: changing one is not an event that
partners' mirrors should hear of. Their history (without the secret) is kept like every other record's.
"""

import base64
import datetime
import secrets
import uuid

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tracker.domain.choices import DeliveryStatus
from tracker.domain.safe_urls import validate_webhook_url
from tracker.models.events import Action
from tracker.models.history import HistoryContext, history_user

__all__ = [
    "SECRET_PREFIX",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookSubscription",
    "event_names",
    "new_secret",
    "validate_event_patterns",
]

ALL_EVENTS = "*"


def event_names():
    """Every event name the tracker emits: `<model>.<action>` for each tracked model."""
    from tracker.models.base import Tracked

    names = []
    for model in apps.get_app_config("tracker").get_models():
        if issubclass(model, Tracked):
            only_for = {Action.TRANSITIONED: "initiative", Action.OVERDUE: "milestone"}
            actions = [a for a in Action.values if only_for.get(a, model._meta.model_name) == model._meta.model_name]
            names += [f"{model._meta.model_name}.{action}" for action in actions]
    return sorted(names)


def validate_event_patterns(patterns):
    """A list of event names, `<model>.*` for every event of a model, or `*` for all."""
    if not isinstance(patterns, list) or not patterns or not all(isinstance(p, str) for p in patterns):
        raise ValidationError(_('Give a non-empty list of event names, or ["*"] for all.'), code="invalid")
    known = set(event_names())
    known_types = {name.split(".", 1)[0] for name in known}
    unknown = [
        p for p in patterns if p != ALL_EVENTS and p not in known and not (p.endswith(".*") and p[:-2] in known_types)
    ]
    if unknown:
        raise ValidationError(
            _("Unknown events: %(unknown)s. Use names like initiative.transitioned, initiative.* or *.")
            % {"unknown": ", ".join(unknown)},
            code="unknown_event",
        )


SECRET_PREFIX = "whsec_"


def new_secret():
    """A signing secret as Standard Webhooks writes it: whsec_ and 32 random bytes in base64, the form the published
    libraries take as it is."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def _max_failures():
    return settings.WEBHOOK_MAX_FAILURES


def _max_attempts():
    return settings.WEBHOOK_MAX_ATTEMPTS


class WebhookSubscription(models.Model):
    name = models.CharField(_("name"), max_length=100, blank=True, help_text=_("What it feeds, for people."))
    api_key = models.ForeignKey(
        "tracker.ApiKey",
        verbose_name=_("API key"),
        on_delete=models.CASCADE,
        related_name="webhooks",
        help_text=_("Whose subscription it is: only events this key may see are sent."),
    )
    url = models.URLField(
        _("URL"), max_length=500, validators=[validate_webhook_url], help_text=_("An http(s) address on the internet.")
    )
    secret = models.CharField(_("secret"), max_length=100, default=new_secret, editable=False)
    previous_secret = models.CharField(_("previous secret"), max_length=100, blank=True, editable=False)
    previous_secret_until = models.DateTimeField(
        _("previous secret signs until"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("After a rotation, deliveries are signed with both secrets until then."),
    )
    events = models.JSONField(
        _("events"),
        default=list,
        validators=[validate_event_patterns],
        help_text=_("Event names such as initiative.transitioned, initiative.* for all of a kind, or * for all."),
    )
    region = models.ForeignKey(
        "tracker.Region",
        verbose_name=_("only about region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Send only events about this partner region."),
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    consecutive_failures = models.PositiveIntegerField(_("consecutive failures"), default=0, editable=False)
    max_failures = models.PositiveSmallIntegerField(
        _("disable after failures"),
        default=_max_failures,
        help_text=_("Consecutive failed attempts after which the subscription is disabled."),
    )
    disabled_at = models.DateTimeField(_("disabled"), null=True, blank=True, editable=False)
    disabled_reason = models.CharField(_("why disabled"), max_length=300, blank=True, editable=False)
    starts_after_event = models.BigIntegerField(
        _("from event"), default=0, editable=False, help_text=_("Events up to this one predate the subscription.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords(
        bases=[HistoryContext],
        get_user=history_user,
        excluded_fields=["secret", "previous_secret", "consecutive_failures"],
    )

    class Meta:
        ordering = ["api_key", "id"]
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        constraints = [models.CheckConstraint(condition=models.Q(max_failures__gte=1), name="webhook_max_failures")]

    def __str__(self):
        return self.name or self.url

    def save(self, *args, **kwargs):
        if self._state.adding and not self.starts_after_event:
            from tracker.models.events import Event

            # Events already written belong to before the subscription, even if not dispatched yet.
            self.starts_after_event = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        key_region = self.api_key.region_id if self.api_key_id else None
        if key_region and self.region_id not in (None, key_region):
            raise ValidationError({"region": _("This key sees only its own region; choose it or none.")})

    def event_filter(self):
        """The subscription's own filters (names, region) as a Q over Event; visibility is applied apart."""
        query = models.Q(id__gt=self.starts_after_event)
        if ALL_EVENTS not in self.events:
            names = [p for p in self.events if not p.endswith(".*")]
            types = [p[:-2] for p in self.events if p.endswith(".*")]
            query &= models.Q(name__in=names) | models.Q(object_type__in=types)
        if self.region_id:
            query &= models.Q(partner_region_id=self.region_id)
        return query

    def rotate_secret(self):
        """A new secret, returned to be shown once; the old one keeps signing for WEBHOOK_SECRET_OVERLAP_HOURS."""
        self.previous_secret = self.secret
        self.previous_secret_until = timezone.now() + datetime.timedelta(hours=settings.WEBHOOK_SECRET_OVERLAP_HOURS)
        self.secret = new_secret()
        self.save(update_fields=["secret", "previous_secret", "previous_secret_until"])
        return self.secret

    def signing_secrets(self, now):
        """The secrets a delivery at `now` is signed with: the current one, and the previous one while it overlaps."""
        overlapping = self.previous_secret and self.previous_secret_until and now < self.previous_secret_until
        return [self.secret, self.previous_secret] if overlapping else [self.secret]

    def enable(self):
        """Enable again (after it was disabled for failures); the failure count starts over."""
        self.enabled = True
        self.consecutive_failures = 0
        self.disabled_at = None
        self.disabled_reason = ""


class WebhookDelivery(models.Model):
    """One event for one subscription. Its `delivery_id` is sent with every attempt, so a receiver that gets
    it twice (a retry after a lost answer, a worker killed mid-request) can tell and drop the second."""

    subscription = models.ForeignKey(
        WebhookSubscription, verbose_name=_("subscription"), on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey("tracker.Event", verbose_name=_("event"), on_delete=models.CASCADE, related_name="+")
    delivery_id = models.UUIDField(_("delivery id"), default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    attempt_limit = models.PositiveIntegerField(
        _("attempt limit"), default=_max_attempts, help_text=_("Gives up after this many attempts.")
    )
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True, default=timezone.now)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(fields=["subscription", "event"], name="webhook_delivery_once"),
            models.CheckConstraint(
                condition=models.Q(status__in=DeliveryStatus.values), name="webhook_delivery_status"
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due")]

    def __str__(self):
        return f"{self.delivery_id} ({self.event.name})"

    @property
    def status_choice(self):
        return DeliveryStatus(self.status)


class WebhookAttempt(models.Model):
    """One POST of a delivery: when, how long, what came back (the first kilobyte of it)."""

    EXCERPT_BYTES = 1024

    delivery = models.ForeignKey(
        WebhookDelivery, verbose_name=_("delivery"), on_delete=models.CASCADE, related_name="attempt_log"
    )
    number = models.PositiveIntegerField(_("attempt"))
    started_at = models.DateTimeField(_("started"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    response_excerpt = models.TextField(_("response (first KB)"), blank=True)

    class Meta:
        ordering = ["delivery", "number"]
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")
        constraints = [models.UniqueConstraint(fields=["delivery", "number"], name="webhook_attempt_number")]

    def __str__(self):
        return f"#{self.number} {self.status_code or self.error}"

    @property
    def succeeded(self):
        return self.status_code is not None and 200 <= self.status_code < 300

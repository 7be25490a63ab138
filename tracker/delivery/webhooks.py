"""Webhook deliveries: what is sent, how it is signed, how it is sent, and what happens when it fails.

Each delivery POSTs a thin JSON body, the event and the object it is about, with a link to fetch the object
from the API:

    {"event": "initiative.transitioned", "delivery": "<uuid>", "time": "<ISO 8601>",
     "object": {"type": "initiative", "code": "ev-charging-stations", "url": "https://…/api/v1/initiatives/…/",
                "action": "transitioned"}}

signed as Standard Webhooks (standardwebhooks.com) specifies, so receivers verify with its published libraries:
`webhook-id` (the delivery's id, the same on every attempt: receivers drop repeats by it), `webhook-timestamp`
(this attempt's Unix time: receivers refuse one outside their tolerance, so a captured delivery cannot be
replayed) and `webhook-signature`: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, one per signing secret,
separated by spaces (two during the overlap after a rotation, WEBHOOK_SECRET_OVERLAP_HOURS). A secret is
`whsec_<base64 key>`; one issued before (without the prefix) keys the HMAC with its text.

Deprecated, for one release: X-Tracker-Event, X-Tracker-Delivery and X-Tracker-Signature-256:
sha256=<hex HMAC-SHA256 of the body alone, keyed with the current secret's text>.

A 2xx answer is success; anything else, a network error or a timeout is a failed attempt, retried after an
exponential backoff with full jitter (WEBHOOK_RETRY_BASE doubling to WEBHOOK_RETRY_CAP) up to
WEBHOOK_MAX_ATTEMPTS. After `max_failures` consecutive failed attempts, or at once on 410 Gone, the
subscription is disabled, its open deliveries given up, and its owner told. Redirects are not followed (they
would lead around the address check). Every attempt is stored with its status, duration and the first KB
of the answer; at most WEBHOOK_MAX_RESPONSE_BYTES of an answer are read.
"""

import base64
import datetime
import hashlib
import hmac
import json
import logging
import time
from dataclasses import dataclass

import urllib3
from django.conf import settings
from django.core.mail import mail_admins
from django.db import models, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.delivery import outbox, tasks
from tracker.domain import permissions
from tracker.domain.actors import SystemActor
from tracker.domain.choices import DeliveryStatus
from tracker.domain.context import acting_as
from tracker.domain.safe_urls import UnsafeAddress, resolve
from tracker.models import Event, WebhookAttempt, WebhookDelivery, WebhookSubscription
from tracker.models.events import Action
from tracker.models.webhooks import SECRET_PREFIX

__all__ = [
    "announce_disabled",
    "attempt",
    "attempt_many",
    "body_of",
    "fan_out",
    "payload_of",
    "redeliver",
    "requeue_overdue",
    "sign",
]

logger = logging.getLogger(__name__)

ACTOR = SystemActor("webhook delivery")
USER_AGENT = "cooperation-tracker-webhooks/1"
BATCH = 100  # a subscription's new deliveries attempted by one task, in order

# object type → (API detail route, lookup: the event's object key or id)
_API_DETAIL = {
    "initiative": ("api:initiative-detail", "code"),
    "tradeindicator": ("api:indicator-detail", "code"),
    "region": ("api:region-detail", "code"),
    "area": ("api:area-detail", "code"),
    "milestone": ("api:milestone-detail", "pk"),
    "participation": ("api:participation-detail", "pk"),
    "initiativeindicator": ("api:indicator-link-detail", "pk"),
    "organisation": ("api:organisation-detail", "pk"),
    "meeting": ("api:meeting-detail", "pk"),
}


# --- what is sent ----------------------------------------------------------------------------------------------


def object_url(event):
    """The API address of the event's object, or None when it was deleted or the API does not serve it."""
    if event.action == Action.DELETED:
        return None
    try:
        if event.object_type == "observation":
            path = reverse("api:indicator-observations", kwargs={"code": event.object_key.split("@", 1)[0]})
        elif event.object_type in _API_DETAIL:
            route, lookup = _API_DETAIL[event.object_type]
            path = reverse(route, kwargs={lookup: event.object_key if lookup == "code" else event.object_id})
        else:
            return None
    except NoReverseMatch:
        return None
    return f"{settings.SITE_URL}{path}"


def payload_of(delivery):
    event = delivery.event
    return {
        "event": event.name,
        "delivery": str(delivery.delivery_id),
        "time": event.occurred_at.isoformat().replace("+00:00", "Z"),
        "object": {
            "type": event.object_type,
            "code": event.object_key,
            "url": object_url(event),
            "action": event.action,
        },
    }


def body_of(delivery):
    """The exact bytes POSTed (and signed): the same on every attempt of a delivery."""
    return json.dumps(payload_of(delivery), ensure_ascii=False, separators=(",", ":")).encode()


def sign(secret, body):
    """The deprecated X-Tracker-Signature-256 (the body alone: a captured delivery could be replayed)."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def standard_signature(secret, message_id, timestamp, body):
    """One `v1,` signature of Standard Webhooks: HMAC-SHA256 of "id.timestamp.body" with the secret's key."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX)) if secret.startswith(SECRET_PREFIX) else secret.encode()
    mac = hmac.new(key, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def headers_of(delivery, body, now=None):
    now = now or timezone.now()
    subscription, message_id, timestamp = delivery.subscription, str(delivery.delivery_id), int(now.timestamp())
    signatures = [standard_signature(s, message_id, timestamp, body) for s in subscription.signing_secrets(now)]
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signatures),
        "X-Tracker-Event": delivery.event.name,
        "X-Tracker-Delivery": message_id,
        "X-Tracker-Signature-256": sign(subscription.secret, body),
    }


# --- fanning out -----------------------------------------------------------------------------------------------


def _active_keys():
    now = timezone.now()
    return models.Q(api_key__enabled=True) & (
        models.Q(api_key__expires_at__isnull=True) | models.Q(api_key__expires_at__gt=now)
    )


def fan_out(events):
    """Create a delivery of each of `events` (consecutive ids) for each enabled subscription that wants it and
    whose key may see it; queue their first attempts; return how many were created. Called by
    tracker.delivery.outbox.dispatch in its transaction, which holds the cursor lock: no other dispatcher is creating
    deliveries of these events meanwhile."""
    first, last = events[0].pk, events[-1].pk
    batch = Event.objects.filter(id__gte=first, id__lte=last)
    existing = set(WebhookDelivery.objects.filter(event__in=batch).values_list("subscription_id", "event_id"))
    now = timezone.now()
    new = []
    for subscription in WebhookSubscription.objects.filter(_active_keys(), enabled=True).select_related("api_key"):
        wanted = permissions.visible_events(subscription.api_key, batch.filter(subscription.event_filter()))
        new += [
            WebhookDelivery(subscription=subscription, event_id=event_id, next_attempt_at=now)
            for event_id in wanted.values_list("id", flat=True)
            if (subscription.pk, event_id) not in existing
        ]
    created = WebhookDelivery.objects.bulk_create(new, batch_size=1000)
    # One task per subscription and run of BATCH deliveries, in event order, not one per delivery: a task costs
    # its own rows and claims, and under sustained writes a task per delivery outran the workers.
    by_subscription = {}
    for delivery in created:
        by_subscription.setdefault(delivery.subscription_id, []).append(delivery.pk)
    for ids in by_subscription.values():
        for start in range(0, len(ids), BATCH):
            outbox.enqueue(tasks.deliver_webhooks, ids[start : start + BATCH])
    return len(new)


def requeue_overdue(overdue_since, now, limit=1000):
    """Queue open deliveries whose attempt is overdue (their task went missing); see tracker.delivery.outbox.sweep."""
    with transaction.atomic():
        ids = list(
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status__in=DeliveryStatus.open(), next_attempt_at__lte=overdue_since, subscription__enabled=True)
            .order_by("next_attempt_at")
            .values_list("id", flat=True)[:limit]
        )
        # Marked as just queued, so the next sweep leaves them alone for another lease.
        WebhookDelivery.objects.filter(id__in=ids).update(next_attempt_at=now)
        for delivery_id in ids:
            outbox.enqueue(tasks.deliver_webhook, delivery_id)
    return len(ids)


# --- attempting ------------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    started_at: object
    duration_ms: int = 0
    status_code: int | None = None
    error: str = ""
    body: bytes = b""

    @property
    def ok(self):
        return self.status_code is not None and 200 <= self.status_code < 300

    @property
    def summary(self):
        return f"HTTP {self.status_code}" if self.status_code is not None else self.error

    def excerpt(self):
        return self.body[: WebhookAttempt.EXCERPT_BYTES].decode("utf-8", errors="replace")


def attempt_many(delivery_ids):
    """`attempt` each of `delivery_ids` in turn (a subscription's new deliveries, in event order). No watchdog
    task of its own: the outbox's watch (`outbox.keep_watch`) queues again whatever this worker had not finished
    if it dies."""
    outbox.keep_watch()
    attempted = [attempt(delivery_id, watchdog=False) for delivery_id in delivery_ids]
    return {"attempted": sum(1 for result in attempted if result["attempted"])}


def attempt(delivery_id, watchdog=True):
    """One attempt at delivery `delivery_id` if it is due (else nothing): claim it, POST it, record the answer.
    Returns a short summary for the task result."""
    delivery = _claim(delivery_id, watchdog)
    if delivery is None:
        return {"attempted": False}
    body = body_of(delivery)
    outcome = post(delivery.subscription.url, body, headers_of(delivery, body))
    status = _record(delivery, outcome)
    return {"attempted": True, "status": status, "answer": outcome.summary}


def _lease():
    return max(settings.TASK_LEASE, 3 * settings.WEBHOOK_TIMEOUT)


def _claim(delivery_id, watchdog=True):
    """Lock the delivery, check it is due and still wanted, and hold it for a lease (with a watchdog task for
    when the lease ends, in case this worker dies, unless the outbox's watch is to be the watchdog); the delivery
    with its subscription and event, or None."""
    now = timezone.now()
    with transaction.atomic(), acting_as(ACTOR):
        delivery = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("subscription__api_key", "event")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status not in DeliveryStatus.open():
            return None
        if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
            return None  # another worker holds it, or its retry is not due yet
        if not _still_wanted(delivery):
            delivery.status, delivery.next_attempt_at = DeliveryStatus.GAVE_UP, None
            delivery.save(update_fields=["status", "next_attempt_at"])
            return None
        delivery.next_attempt_at = outbox.lease_end(now, _lease())
        delivery.save(update_fields=["next_attempt_at"])
        if watchdog:
            outbox.enqueue(tasks.deliver_webhook, delivery.pk, run_after=delivery.next_attempt_at)
    return delivery


def _still_wanted(delivery):
    subscription, key = delivery.subscription, delivery.subscription.api_key
    if not subscription.enabled or not key.is_active:
        return False
    # The key may have been restricted since the event was fanned out.
    return permissions.visible_events(key, Event.objects.filter(pk=delivery.event_id)).exists()


def post(url, body, headers):
    """POST `body` to `url`, connecting to the address checked by safe_urls.resolve; never raises."""
    started_at, start = timezone.now(), time.monotonic()
    outcome = Outcome(started_at=started_at)
    try:
        target = resolve(url)
    except UnsafeAddress as error:
        outcome.error = str(error)[:300]
        return outcome
    timeout = settings.WEBHOOK_TIMEOUT
    options = {
        "host": target.address,
        "port": target.port,
        "timeout": urllib3.Timeout(connect=timeout, read=timeout),
        "retries": False,
        "maxsize": 1,
    }
    if target.scheme == "https":
        # Connect to the checked address, but verify the certificate against (and send SNI for) the host name.
        pool = urllib3.HTTPSConnectionPool(
            **options, server_hostname=target.host, assert_hostname=target.host, cert_reqs="CERT_REQUIRED"
        )
    else:
        pool = urllib3.HTTPConnectionPool(**options)
    try:
        response = pool.urlopen(
            "POST",
            target.path,
            body=body,
            headers={**headers, "Host": target.host_header},
            redirect=False,
            assert_same_host=False,
            preload_content=False,
            release_conn=False,
        )
        outcome.status_code = response.status
        outcome.body = _read_limited(response, deadline=start + timeout)
    except (urllib3.exceptions.HTTPError, OSError) as error:
        outcome.error = _describe(error)
    finally:
        pool.close()
        outcome.duration_ms = int((time.monotonic() - start) * 1000)
    return outcome


def _read_limited(response, deadline):
    """At most WEBHOOK_MAX_RESPONSE_BYTES of the answer, and no reading past the deadline."""
    limit, chunks, size = settings.WEBHOOK_MAX_RESPONSE_BYTES, [], 0
    try:
        while size < limit and time.monotonic() < deadline:
            chunk = response.read(min(8192, limit - size), decode_content=False)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except (urllib3.exceptions.HTTPError, OSError):
        pass  # the status line decided the outcome; a body cut short is still an excerpt
    finally:
        response.close()
    return b"".join(chunks)


def _describe(error):
    reason = getattr(error, "reason", None) or error
    text = f"{type(error).__name__}: {reason}"
    return text[:300]


def _record(delivery, outcome):
    """Store the attempt and decide what follows: success, a retry, giving up, or disabling the subscription."""
    now = timezone.now()
    with transaction.atomic(), acting_as(ACTOR):
        subscription = WebhookSubscription.objects.select_for_update(no_key=True).get(pk=delivery.subscription_id)
        delivery = WebhookDelivery.objects.select_for_update(no_key=True).get(pk=delivery.pk)
        delivery.attempts += 1
        delivery.last_attempt_at = now
        WebhookAttempt.objects.create(
            delivery=delivery,
            number=delivery.attempts,
            started_at=outcome.started_at,
            duration_ms=outcome.duration_ms,
            status_code=outcome.status_code,
            error=outcome.error,
            response_excerpt=outcome.excerpt(),
        )
        if delivery.status in DeliveryStatus.open():
            _decide(subscription, delivery, outcome, now)
        delivery.save(update_fields=["attempts", "last_attempt_at", "status", "next_attempt_at"])
    return delivery.status


def _decide(subscription, delivery, outcome, now):
    subscriptions = WebhookSubscription.objects.filter(pk=subscription.pk)
    if outcome.ok:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.SUCCEEDED, None
        if subscription.consecutive_failures:
            subscriptions.update(consecutive_failures=0)
        return
    failures = subscription.consecutive_failures + 1
    subscriptions.update(consecutive_failures=failures)
    reason = None
    if outcome.status_code == 410:
        reason = _("The receiver answered 410 Gone.")
    elif failures >= subscription.max_failures:
        reason = _("%(count)s consecutive failed attempts; the last: %(answer)s.") % {
            "count": failures,
            "answer": outcome.summary,
        }
    if reason is not None:
        if subscription.enabled:
            _disable(subscription, reason, now)
        delivery.status, delivery.next_attempt_at = DeliveryStatus.GAVE_UP, None
    elif delivery.attempts >= delivery.attempt_limit:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.GAVE_UP, None
    else:
        wait = outbox.backoff(delivery.attempts, settings.WEBHOOK_RETRY_BASE, settings.WEBHOOK_RETRY_CAP)
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = now + datetime.timedelta(seconds=wait)
        outbox.enqueue(tasks.deliver_webhook, delivery.pk, run_after=delivery.next_attempt_at)


def _disable(subscription, reason, now):
    subscription.enabled = False
    subscription.disabled_at = now
    subscription.disabled_reason = reason[:300]
    subscription.save(update_fields=["enabled", "disabled_at", "disabled_reason"])
    subscription.deliveries.filter(status__in=DeliveryStatus.open()).update(
        status=DeliveryStatus.GAVE_UP, next_attempt_at=None
    )
    outbox.enqueue(tasks.announce_disabled_webhook, subscription.pk)


def announce_disabled(subscription_id):
    """Email the person who created the subscription's key (or the ADMINS) that it was disabled, and why."""
    from tracker.delivery import notifications

    subscription = (
        WebhookSubscription.objects.select_related("api_key__created_by", "region").filter(pk=subscription_id).first()
    )
    if subscription is None or subscription.enabled:
        return {"announced": False}
    change_page = reverse("admin:tracker_webhooksubscription_change", args=[subscription.pk])
    context = {"subscription": subscription, "key": subscription.api_key, "admin_url": settings.SITE_URL + change_page}
    owner = subscription.api_key.created_by
    if owner is not None and owner.is_active and owner.email:
        notifications.email_user(owner, "webhook_disabled", context)
        return {"announced": True, "to": owner.get_username()}
    subject, body = notifications.render("webhook_disabled", context, settings.LANGUAGE_CODE)
    mail_admins(subject, body)
    return {"announced": True, "to": "ADMINS"}


# --- by hand ---------------------------------------------------------------------------------------------------


def redeliver(deliveries):
    """Send the given deliveries again, with a fresh allowance of attempts and the same delivery id; those of
    disabled subscriptions are left alone. Returns (queued, skipped)."""
    queued = skipped = 0
    now = timezone.now()
    for delivery in deliveries:
        with transaction.atomic():
            locked = (
                WebhookDelivery.objects.select_for_update(of=("self",))
                .select_related("subscription")
                .get(pk=delivery.pk)
            )
            if not locked.subscription.enabled:
                skipped += 1
                continue
            locked.status = DeliveryStatus.PENDING
            locked.next_attempt_at = now
            locked.attempt_limit = locked.attempts + settings.WEBHOOK_MAX_ATTEMPTS
            locked.save(update_fields=["status", "next_attempt_at", "attempt_limit"])
            outbox.enqueue(tasks.deliver_webhook, locked.pk)
            queued += 1
    return queued, skipped

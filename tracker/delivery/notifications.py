"""Notification emails: who hears of what, in which language, and the daily digest.

- A status or health change of an initiative (an `initiative.transitioned` event) is emailed to the user who
  owned it at that moment and to its watchers, except to whoever made the change, each according to their
  preferences (tracker.models.NotificationPreference): one email per person and change, of kind "transition"
  when the status moved (else "health").
- `send_digests` emails each owner, once a day at most, the open milestones and instructions of their
  initiatives that are past their due date.
- Every email is rendered in its recipient's language from the templates in templates/tracker/email/
  (`<name>_subject.txt`, `<name>_body.txt`).
"""

import datetime
import logging
from dataclasses import asdict, dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import lazy

from tracker.delivery import outbox, tasks
from tracker.domain.choices import Health, NotificationKind, NotificationStatus, Status
from tracker.models import (
    DigestSent,
    Initiative,
    Milestone,
    Notification,
    NotificationPreference,
    StatusUpdate,
    Watch,
)
from tracker.models.events import Action

__all__ = [
    "DigestReport",
    "choice_label",
    "email_user",
    "fan_out",
    "render",
    "requeue_overdue",
    "send",
    "send_digests",
    "set_watching",
]

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
RETRY_BASE, RETRY_CAP = 60, 3600  # seconds: a mail server that is down is usually down for minutes


# --- fanning out -----------------------------------------------------------------------------------------------


def _kinds(data):
    """The notification kinds an event's change falls under, the status first."""
    kinds = []
    if data.get("from_status") != data.get("to_status"):
        kinds.append(NotificationKind.TRANSITION)
    if data.get("from_health") != data.get("to_health"):
        kinds.append(NotificationKind.HEALTH)
    return kinds


def _owners_then(events):
    """{(initiative id, version): owner id} from the change history: who owned it when the change was made."""
    versions = {event.data.get("version") for event in events}
    rows = Initiative.history.filter(id__in={e.object_id for e in events}, version__in=versions)
    return {(row["id"], row["version"]): row["owner_id"] for row in rows.values("id", "version", "owner_id")}


def fan_out(events):
    """Create the notifications `events` call for and queue their sending; return how many were created.
    Called by tracker.delivery.outbox.dispatch in its transaction, which holds the cursor lock."""
    changes = [
        e for e in events if e.object_type == "initiative" and e.action == Action.TRANSITIONED and _kinds(e.data)
    ]
    if not changes:
        return 0
    initiative_ids = {e.object_id for e in changes}
    owners_then = _owners_then(changes)
    owners_now = dict(Initiative.objects.filter(pk__in=initiative_ids).values_list("pk", "owner_id"))
    watches = {}
    for watch in Watch.objects.filter(initiative_id__in=initiative_ids).values(
        "initiative_id", "user_id", "created_at"
    ):
        watches.setdefault(watch["initiative_id"], []).append(watch)
    wanted = {}
    for event in changes:
        owner = owners_then.get((event.object_id, event.data.get("version")), owners_now.get(event.object_id))
        watchers = [w["user_id"] for w in watches.get(event.object_id, ()) if w["created_at"] <= event.occurred_at]
        recipients = ({owner} | set(watchers)) - {None, event.author_id}  # never the author of the change
        wanted[event] = recipients
    users = {
        user.pk: user
        for user in get_user_model()
        .objects.filter(pk__in=set().union(*wanted.values()), is_active=True)
        .exclude(email="")
        .select_related("notification_preference")
    }
    existing = set(Notification.objects.filter(event__in=changes).values_list("user_id", "event_id", "kind"))
    now = timezone.now()
    new = []
    for event, recipients in wanted.items():
        for user_id in sorted(recipients):
            user = users.get(user_id)
            if user is None:
                continue
            preference = NotificationPreference.of(user)
            kinds = [kind for kind in _kinds(event.data) if preference.wants(kind)]
            if kinds and (user.pk, event.pk, kinds[0]) not in existing:
                new.append(Notification(user=user, event=event, kind=kinds[0], next_attempt_at=now))
    for notification in Notification.objects.bulk_create(new):
        outbox.enqueue(tasks.send_notification, notification.pk)
    return len(new)


def requeue_overdue(overdue_since, now, limit=1000):
    """Queue pending notifications whose sending is overdue (their task went missing); see outbox.sweep."""
    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(status=NotificationStatus.PENDING, next_attempt_at__lte=overdue_since)
            .order_by("next_attempt_at")
            .values_list("id", flat=True)[:limit]
        )
        Notification.objects.filter(id__in=ids).update(next_attempt_at=now)
        for notification_id in ids:
            outbox.enqueue(tasks.send_notification, notification_id)
    return len(ids)


# --- sending ---------------------------------------------------------------------------------------------------


def send(notification_id):
    """Send notification `notification_id` if it is due: claim it for a lease, email it, record the outcome."""
    now = timezone.now()
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("user", "event")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.status != NotificationStatus.PENDING:
            return {"sent": False}
        if notification.next_attempt_at is not None and notification.next_attempt_at > now:
            return {"sent": False}
        notification.next_attempt_at = outbox.lease_end(now)
        notification.save(update_fields=["next_attempt_at"])
        outbox.enqueue(tasks.send_notification, notification.pk, run_after=notification.next_attempt_at)
    user = notification.user
    if not (user.is_active and user.email):  # since the fan-out; retrying would not help
        Notification.objects.filter(pk=notification.pk).update(
            status=NotificationStatus.FAILED, next_attempt_at=None, last_error="No email address, or inactive."
        )
        return {"sent": False}
    try:
        email_user(user, "change", _change_context(notification))
    except Exception as error:  # an SMTP error, a template error: recorded, retried, never lost silently
        logger.warning("Notification %s not sent: %s", notification.pk, error)
        return _failed(notification.pk, error)
    Notification.objects.filter(pk=notification.pk).update(
        status=NotificationStatus.SENT, sent_at=timezone.now(), next_attempt_at=None, attempts=notification.attempts + 1
    )
    return {"sent": True}


def _failed(notification_id, error):
    now = timezone.now()
    with transaction.atomic():
        notification = Notification.objects.select_for_update().get(pk=notification_id)
        notification.attempts += 1
        notification.last_error = f"{type(error).__name__}: {error}"[:1000]
        if notification.attempts >= MAX_ATTEMPTS:
            notification.status, notification.next_attempt_at = NotificationStatus.FAILED, None
        else:
            wait = outbox.backoff(notification.attempts, RETRY_BASE, RETRY_CAP)
            notification.next_attempt_at = now + datetime.timedelta(seconds=wait)
            outbox.enqueue(tasks.send_notification, notification.pk, run_after=notification.next_attempt_at)
        notification.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
    return {"sent": False, "error": notification.last_error}


def _site_url(path):
    return f"{settings.SITE_URL}{path}"


def _when_rendered(text):
    """A text read when the template renders, in the recipient's language (the title, a system note)."""
    return lazy(text, str)()


def _change_context(notification):
    event, user = notification.event, notification.user
    data = event.data
    initiative = Initiative.objects.filter(pk=event.object_id).first()
    entry = StatusUpdate.objects.filter(initiative_id=event.object_id, version=data.get("version")).first()
    return {
        "user": user,
        "code": event.object_key,
        "title": _when_rendered(lambda: initiative.title) if initiative else event.object_key,
        "is_owner": initiative is not None and initiative.owner_id == user.pk,
        "status_changed": data.get("from_status") != data.get("to_status"),
        "health_changed": data.get("from_health") != data.get("to_health"),
        "from_status": choice_label(Status, data.get("from_status")),
        "to_status": choice_label(Status, data.get("to_status")),
        "from_health": choice_label(Health, data.get("from_health")),
        "to_health": choice_label(Health, data.get("to_health")),
        "health_reason": entry.health_reason if entry else "",
        "note": _when_rendered(lambda: entry.note_text) if entry else "",
        "actor": event.actor_name,
        "time": event.occurred_at,
        "url": _site_url(reverse("initiative-detail", args=[event.object_key])),
        "preferences_url": _site_url(reverse("admin:tracker_notificationpreference_changelist")),
    }


def choice_label(choices, value):
    try:
        return choices(value).label  # lazy: translated when the template renders, in the recipient's language
    except ValueError:
        return value or ""


def render(name, context, language):
    """(subject, body) of email `name` in `language`."""
    with translation.override(language):
        subject = " ".join(render_to_string(f"tracker/email/{name}_subject.txt", context).split())
        body = render_to_string(f"tracker/email/{name}_body.txt", context)
    return subject, body


def email_user(user, name, context):
    """Render email `name` in the user's language and send it to them."""
    language = NotificationPreference.of(user).email_language
    subject, body = render(name, {**context, "user": user}, language)
    EmailMessage(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
        headers={"Auto-Submitted": "auto-generated", "Content-Language": language},
    ).send()


# --- the daily digest ------------------------------------------------------------------------------------------


@dataclass
class DigestReport:
    sent: int = 0
    already_sent: int = 0
    opted_out: int = 0
    failed: int = 0

    def as_dict(self):
        return asdict(self)


def _overdue_by_owner(today):
    overdue = (
        Milestone.objects.overdue(today)
        .filter(initiative__owner__is_active=True)
        .exclude(initiative__owner__email="")
        .select_related("initiative", "responsible_organisation")
        .order_by("initiative__code", "due_date", "id")
    )
    by_owner = {}
    for milestone in overdue:
        by_owner.setdefault(milestone.initiative.owner_id, []).append(milestone)
    return by_owner


def _digest_context(milestones, today):
    groups = {}
    for milestone in milestones:
        initiative = milestone.initiative
        group = groups.setdefault(
            initiative.pk,
            {
                "initiative": initiative,
                "url": _site_url(reverse("initiative-detail", args=[initiative.code])),
                "items": [],
            },
        )
        group["items"].append({"milestone": milestone, "days": (today - milestone.due_date).days})
    return {
        "today": today,
        "count": len(milestones),
        "groups": list(groups.values()),
        "preferences_url": _site_url(reverse("admin:tracker_notificationpreference_changelist")),
    }


def send_digests(today=None):
    """Email every owner with overdue milestones or instructions their digest for `today` (default: today),
    unless they opted out or already had it. Safe to run any number of times a day: the DigestSent row and
    the email go together, in one transaction, so nobody gets the same day's digest twice and a failed email
    is tried again by the next run."""
    today = today or timezone.localdate()
    report = DigestReport()
    by_owner = _overdue_by_owner(today)
    users = get_user_model().objects.filter(pk__in=by_owner).select_related("notification_preference")
    already = set(DigestSent.objects.filter(date=today, user__in=users).values_list("user_id", flat=True))
    for user in users.order_by("pk"):
        if not NotificationPreference.of(user).digest:
            report.opted_out += 1
            continue
        if user.pk in already:
            report.already_sent += 1
            continue
        milestones = by_owner[user.pk]
        try:
            with transaction.atomic():
                # A concurrent run waits here on the unique (user, day) row, then fails to insert it: one email.
                DigestSent.objects.create(user=user, date=today, items=len(milestones))
                email_user(user, "digest", _digest_context(milestones, today))
        except IntegrityError:
            report.already_sent += 1
            continue
        except Exception as error:  # the mail server refused: no DigestSent row, so the next run tries again
            logger.warning("Digest for %s not sent: %s", user.get_username(), error)
            report.failed += 1
            continue
        report.sent += 1
    return report


def set_watching(user, initiative, watching):
    """Follow or stop following `initiative`; owners hear of their own initiatives anyway."""
    if watching:
        Watch.objects.get_or_create(user=user, initiative=initiative)
    else:
        Watch.objects.filter(user=user, initiative=initiative).delete()

"""Webhook deliveries against a real HTTP receiver on loopback: what is sent and signed, retries, giving up,
disabling, and the address and size limits."""

import json
import uuid

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from tests import factories
from tests.notifications import run_worker
from tracker.delivery import outbox, webhooks
from tracker.domain import workflow
from tracker.domain.choices import DeliveryStatus, Status
from tracker.domain.safe_urls import validate_webhook_url
from tracker.models import WebhookAttempt, WebhookDelivery

pytestmark = pytest.mark.django_db


def _attempts(delivery):
    return list(delivery.attempt_log.order_by("number").values_list("number", "status_code"))


def test_the_signature_verifies_with_the_secret_over_the_exact_body(subscribe, receiver, shared_initiative, owner):
    subscription = subscribe(events=["initiative.transitioned"])
    workflow.transition(shared_initiative, Status.UNDER_STUDY, by=owner, note="go")
    run_worker()

    [request] = receiver.requests
    delivery = WebhookDelivery.objects.get()
    assert request.signed_with(subscription.secret)
    assert not request.signed_with("another secret")
    assert request.headers["X-Tracker-Event"] == "initiative.transitioned"
    assert request.headers["X-Tracker-Delivery"] == str(delivery.delivery_id)
    assert request.headers["Content-Type"] == "application/json"
    assert request.json == {
        "event": "initiative.transitioned",
        "delivery": str(delivery.delivery_id),
        "time": request.json["time"],
        "object": {
            "type": "initiative",
            "code": "shared-lipetsk",
            "url": "https://tracker.example.org/api/v1/initiatives/shared-lipetsk/",
            "action": "transitioned",
        },
    }
    assert request.body == webhooks.body_of(delivery)  # the bytes signed are the bytes sent
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert _attempts(delivery) == [(1, 200)]


def test_a_deleted_object_is_sent_without_a_url(subscribe, receiver, shared_initiative):
    subscribe(events=["milestone.deleted"])
    milestone = factories.MilestoneFactory(initiative=shared_initiative)
    key = f"shared-lipetsk#{milestone.pk}"
    milestone.delete()
    run_worker()

    [request] = receiver.requests
    assert request.json["object"] == {"type": "milestone", "code": key, "url": None, "action": "deleted"}


def test_a_receiver_that_fails_twice_then_succeeds_gets_one_success_after_two_retries(
    subscribe, receiver, shared_initiative, owner
):
    subscription = subscribe(events=["initiative.transitioned"])
    receiver.answers = [(500, b"oops"), (503, b"busy")]
    workflow.transition(shared_initiative, Status.UNDER_STUDY, by=owner)
    run_worker()

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempts == 3
    assert _attempts(delivery) == [(1, 500), (2, 503), (3, 200)]
    assert len(set(receiver.deliveries)) == 1 and len(receiver.requests) == 3  # one delivery id, three tries
    assert [r.body for r in receiver.requests] == [receiver.requests[0].body] * 3
    subscription.refresh_from_db()
    assert subscription.enabled and subscription.consecutive_failures == 0  # a success resets the count


def test_a_receiver_that_always_fails_gets_the_subscription_disabled_and_its_owner_told(
    subscribe, make_key, receiver, shared_initiative, owner, admin_user
):
    key = make_key(created_by=admin_user, write=True)[0]
    subscription = subscribe(key, events=["initiative.*"], max_failures=3)
    receiver.default = (500, b"down")
    workflow.transition(shared_initiative, Status.UNDER_STUDY, by=owner)
    run_worker()

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.GAVE_UP
    assert _attempts(delivery) == [(1, 500), (2, 500), (3, 500)]
    subscription.refresh_from_db()
    assert not subscription.enabled and subscription.consecutive_failures == 3
    assert "3 consecutive failed attempts" in subscription.disabled_reason
    [email] = mail.outbox
    assert email.to == [admin_user.email]
    assert "Webhook disabled" in email.subject and receiver.url in email.body

    # Disabled: later events are not even fanned out to it.
    workflow.transition(shared_initiative, Status.AGREED, by=owner)
    run_worker()
    assert WebhookDelivery.objects.count() == 1 and len(receiver.requests) == 3


def test_a_subscription_without_an_owner_is_announced_to_the_admins(
    subscribe, receiver, shared_initiative, owner, settings
):
    settings.ADMINS = [("ops", "ops@example.org")]
    subscribe(events=["*"], max_failures=1)
    receiver.default = (502, b"")
    workflow.transition(shared_initiative, Status.UNDER_STUDY, by=owner)
    run_worker()

    [email] = mail.outbox
    assert email.to == ["ops@example.org"] and "Webhook disabled" in email.subject


def test_410_gone_disables_the_subscription_at_once(subscribe, receiver, shared_initiative, owner):
    subscription = subscribe(events=["initiative.transitioned"])
    receiver.default = (410, b"gone")
    workflow.transition(shared_initiative, Status.UNDER_STUDY, by=owner)
    run_worker()

    subscription.refresh_from_db()
    assert not subscription.enabled and "410" in subscription.disabled_reason
    assert _attempts(WebhookDelivery.objects.get()) == [(1, 410)]


def test_every_open_delivery_gives_up_when_the_subscription_is_disabled(subscribe, receiver, shared_initiative, owner):
    subscribe(events=["initiative.*"], max_failures=1)
    receiver.default = (500, b"")
    shared_initiative.title = "one"
    shared_initiative.save()
    shared_initiative.title = "two"
    shared_initiative.save()
    run_worker()

    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.GAVE_UP}
    assert len(receiver.requests) == 1  # the first failure disabled it; the second was never sent


def test_a_delivery_gives_up_after_its_attempt_limit(subscribe, receiver, shared_initiative, owner, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    subscription = subscribe(events=["initiative.transitioned"], max_failures=10)
    receiver.default = (500, b"")
    workflow.transition(shared_initiative, Status.UNDER_STUDY, by=owner)
    run_worker()

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.GAVE_UP and delivery.attempts == 2
    subscription.refresh_from_db()
    assert subscription.enabled and subscription.consecutive_failures == 2


def test_network_errors_and_timeouts_are_failed_attempts(subscribe, receiver, shared_initiative, owner):
    receiver.delay = 1.5  # longer than WEBHOOK_TIMEOUT
    slow = subscribe(events=["initiative.transitioned"], max_failures=1)
    closed = subscribe(events=["initiative.transitioned"], max_failures=1, url="http://127.0.0.1:9/nothing-here")
    workflow.transition(shared_initiative, Status.UNDER_STUDY, by=owner)
    run_worker()

    slow_attempt = WebhookAttempt.objects.get(delivery__subscription=slow)
    closed_attempt = WebhookAttempt.objects.get(delivery__subscription=closed)
    assert slow_attempt.status_code is None and "timed out" in slow_attempt.error.lower()
    assert 1000 <= slow_attempt.duration_ms < 2500
    assert closed_attempt.status_code is None and closed_attempt.error


def test_redirects_are_not_followed(subscribe, receiver, shared_initiative, owner):
    subscribe(events=["initiative.transitioned"], max_failures=1)
    receiver.default = (302, b"")
    workflow.transition(shared_initiative, Status.UNDER_STUDY, by=owner)
    run_worker()

    assert len(receiver.requests) == 1
    assert _attempts(WebhookDelivery.objects.get()) == [(1, 302)]


def test_the_answer_is_read_only_up_to_the_limit_and_its_first_kilobyte_kept(
    subscribe, receiver, shared_initiative, owner
):
    receiver.default = (200, b"x" * (5 * 1024 * 1024))
    subscribe(events=["initiative.transitioned"])
    workflow.transition(shared_initiative, Status.UNDER_STUDY, by=owner)
    run_worker()

    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code == 200 and attempt.response_excerpt == "x" * 1024


def test_the_backoff_doubles_with_full_jitter_up_to_the_cap():
    for attempt, ceiling in [(1, 2), (2, 4), (3, 8), (10, 60)]:
        waits = [outbox.backoff(attempt, base=2, cap=60) for _ in range(200)]
        assert all(0 <= wait <= ceiling for wait in waits)
        assert max(waits) > ceiling / 2  # spread over the whole range, not a fixed delay


def test_redelivery_sends_again_with_the_same_delivery_id(subscribe, receiver, shared_initiative, owner):
    subscribe(events=["initiative.transitioned"])
    workflow.transition(shared_initiative, Status.UNDER_STUDY, by=owner)
    run_worker()
    delivery = WebhookDelivery.objects.get()

    assert webhooks.redeliver([delivery]) == (1, 0)
    run_worker()

    assert receiver.deliveries == [str(delivery.delivery_id)] * 2
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and _attempts(delivery) == [(1, 200), (2, 200)]


# --- addresses -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://224.0.0.1/hook",
        "http://0.0.0.0/hook",
        "http://[2002:7f00:1::1]/hook",  # 6to4 around 127.0.0.1
        "http://[2002:a01:203::1]/hook",  # 6to4 around 10.1.2.3
        "http://[fec0::1]/hook",  # site-local
    ],
)
def test_loopback_private_and_link_local_addresses_are_refused(url, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    with pytest.raises(ValidationError, match="public addresses"):
        validate_webhook_url(url)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.org/hook", "http"),
        ("file:///etc/passwd", "http"),
        ("gopher://example.org/", "http"),
        ("http:///x", "no host"),
        ("https://partner:secret@1.1.1.1/hook", "password"),
        ("https://partner@1.1.1.1/hook", "password"),
        ("https://1.1.1.1:0/hook", "Port 0"),
    ],
)
def test_only_http_and_https_urls_with_a_host_and_nothing_else_are_accepted(url, message, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    with pytest.raises(ValidationError, match=message):
        validate_webhook_url(url)


def test_a_public_address_is_accepted(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    validate_webhook_url("https://1.1.1.1/hook")  # an address needs no DNS lookup


def test_the_address_is_checked_again_at_delivery(subscribe, receiver, shared_initiative, owner, settings):
    subscribe(events=["initiative.transitioned"], max_failures=1)  # accepted while private networks were allowed
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    workflow.transition(shared_initiative, Status.UNDER_STUDY, by=owner)
    run_worker()

    assert receiver.requests == []
    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code is None and "public addresses" in attempt.error


def test_the_payload_is_json_with_the_documented_keys(subscribe, receiver, shared_initiative, owner):
    subscribe(events=["initiative.updated"])
    shared_initiative.title = "Renamed"
    shared_initiative.save()
    run_worker()

    [request] = receiver.requests
    body = json.loads(request.body)
    assert set(body) == {"event", "delivery", "time", "object"}
    assert uuid.UUID(body["delivery"]) and body["time"].endswith("Z")


# --- https -----------------------------------------------------------------------------------------------------


def test_https_checks_the_certificate_against_the_host_name_not_the_address(
    subscribe, https_receiver, shared_initiative, owner
):
    by_name = subscribe(events=["initiative.transitioned"])
    by_address = subscribe(
        events=["initiative.transitioned"], max_failures=1, url=https_receiver.url.replace("localhost", "127.0.0.1")
    )
    workflow.transition(shared_initiative, Status.UNDER_STUDY, by=owner)
    run_worker()

    assert _attempts(WebhookDelivery.objects.get(subscription=by_name)) == [(1, 200)]
    refused = WebhookAttempt.objects.get(delivery__subscription=by_address)
    assert refused.status_code is None and "doesn't match 'localhost'" in refused.error
    assert [request.headers["Host"] for request in https_receiver.requests] == [
        https_receiver.url.split("/")[2]
    ]  # the Host header names the host, though the connection went to the address it resolved to


def test_new_deliveries_go_out_in_event_order_a_task_per_hundred_without_a_watchdog_each(
    subscribe, receiver, shared_initiative
):
    # A task (and a watchdog task) per delivery outran the workers under sustained writes: 22,619 tasks queued.
    from django_tasks_db.models import DBTaskResult

    subscribe(events=["milestone.created"])
    made = [factories.MilestoneFactory(initiative=shared_initiative, title=f"step {n}") for n in range(250)]
    DBTaskResult.objects.all().delete()
    outbox.dispatch()

    batches = DBTaskResult.objects.filter(task_path="tracker.delivery.tasks.deliver_webhooks")
    assert sorted(len(result.args_kwargs["args"][0]) for result in batches) == [50, 100, 100]
    run_worker()

    keys = [request.json["object"]["code"] for request in receiver.requests]
    assert keys == [f"shared-lipetsk#{milestone.pk}" for milestone in made]
    assert not DBTaskResult.objects.filter(task_path="tracker.delivery.tasks.deliver_webhook").exists()
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SUCCEEDED}

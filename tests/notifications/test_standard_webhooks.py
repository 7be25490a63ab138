"""Deliveries are signed as Standard Webhooks specifies, checked here with its published library (standardwebhooks
on PyPI), as a partner's receiver checks them: a real delivery verifies; a captured one replayed outside the
tolerance window, or with its timestamp moved, does not; after a rotation both secrets verify for the overlap."""

import datetime

import pytest
from django.utils import timezone
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from tests.notifications import run_worker
from tracker.delivery import webhooks
from tracker.domain import workflow
from tracker.domain.choices import Status
from tracker.models import WebhookDelivery

pytestmark = pytest.mark.django_db


def _deliver(shared_initiative, owner, receiver, status=Status.UNDER_STUDY):
    receiver.requests.clear()
    workflow.transition(shared_initiative, status, by=owner, note="go")
    run_worker()
    [request] = receiver.requests
    return request


def test_a_delivery_verifies_with_the_published_library(subscribe, receiver, shared_initiative, owner):
    subscription = subscribe(events=["initiative.transitioned"])
    assert subscription.secret.startswith("whsec_")

    request = _deliver(shared_initiative, owner, receiver)

    payload = Webhook(subscription.secret).verify(request.body, request.headers)
    delivery = WebhookDelivery.objects.get()
    assert payload["delivery"] == request.headers["webhook-id"] == str(delivery.delivery_id)
    assert abs(int(request.headers["webhook-timestamp"]) - timezone.now().timestamp()) < 60
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + "A" * 43 + "=").verify(request.body, request.headers)
    assert request.signed_with(subscription.secret)  # the deprecated header, kept for one release


def test_a_replayed_or_retimed_delivery_is_refused(subscribe, receiver, shared_initiative, owner):
    subscription = subscribe(events=["initiative.transitioned"])
    _deliver(shared_initiative, owner, receiver)
    delivery = WebhookDelivery.objects.get()
    body = webhooks.body_of(delivery)
    captured = webhooks.headers_of(delivery, body, now=timezone.now() - datetime.timedelta(minutes=10))
    verifier = Webhook(subscription.secret)

    with pytest.raises(WebhookVerificationError, match="too old"):
        verifier.verify(body, captured)  # replayed ten minutes later
    retimed = {**captured, "webhook-timestamp": str(int(timezone.now().timestamp()))}
    with pytest.raises(WebhookVerificationError, match="signature"):
        verifier.verify(body, retimed)  # the timestamp is signed too


def test_after_a_rotation_both_secrets_verify_until_the_overlap_ends(subscribe, receiver, shared_initiative, owner):
    subscription = subscribe(events=["initiative.transitioned"])
    old = subscription.secret

    new = subscription.rotate_secret()
    request = _deliver(shared_initiative, owner, receiver)

    assert len(request.headers["webhook-signature"].split(" ")) == 2
    for secret in (new, old):
        Webhook(secret).verify(request.body, request.headers)
    assert subscription.previous_secret_until > timezone.now() + datetime.timedelta(hours=23)

    subscription.previous_secret_until = timezone.now() - datetime.timedelta(seconds=1)
    subscription.save()
    request = _deliver(shared_initiative, owner, receiver, Status.AGREED)
    Webhook(new).verify(request.body, request.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(request.body, request.headers)


def test_a_secret_issued_before_the_prefix_keys_the_signature_with_its_text(
    subscribe, receiver, shared_initiative, owner
):
    subscription = subscribe(events=["initiative.transitioned"], secret="an-older-secret-from-token-urlsafe")

    request = _deliver(shared_initiative, owner, receiver)

    Webhook(subscription.secret.encode()).verify(request.body, request.headers)


def test_rotating_through_the_api_keeps_the_previous_secret_signing(subscribe, make_key):
    from tests.api import key_client

    key, token = make_key(write=True)
    subscription = subscribe(key)
    old = subscription.secret

    response = key_client(token).post(f"/api/v1/webhooks/{subscription.pk}/rotate-secret/")

    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.secret == response.json()["secret"] != old
    assert subscription.signing_secrets(timezone.now()) == [subscription.secret, old]

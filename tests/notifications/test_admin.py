"""The admin: administrators manage webhooks and redeliver; everyone else sets their own notification
preferences and watches, and sees no webhook."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.notifications import run_worker
from tracker.domain import workflow
from tracker.domain.choices import DeliveryStatus, Status
from tracker.models import NotificationPreference, Watch, WebhookDelivery, WebhookSubscription

pytestmark = pytest.mark.django_db


def _messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_an_administrator_adds_a_subscription_and_sees_its_secret_once(client, admin_user, make_key, receiver):
    key = make_key("lipetsk-mirror", write=True)[0]
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:tracker_webhooksubscription_add"),
        {"name": "mirror", "api_key": key.pk, "url": receiver.url, "events": ["initiative.*"], "max_failures": 8},
        follow=True,
    )

    subscription = WebhookSubscription.objects.get()
    assert (subscription.created_by, subscription.events) == (admin_user, ["initiative.*"])
    assert any(subscription.secret in message for message in _messages(response))
    change_page = client.get(reverse("admin:tracker_webhooksubscription_change", args=[subscription.pk]))
    listing = client.get(reverse("admin:tracker_webhooksubscription_changelist"))
    assert subscription.secret not in change_page.content.decode()
    assert subscription.secret not in listing.content.decode()


def test_a_private_address_is_refused_in_the_admin_too(client, admin_user, make_key, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:tracker_webhooksubscription_add"),
        {"api_key": make_key(write=True)[0].pk, "url": "http://10.0.0.5/hook", "events": ["*"], "max_failures": 8},
    )

    assert response.status_code == 200 and "public addresses" in response.content.decode()
    assert not WebhookSubscription.objects.exists()


def test_an_administrator_sees_every_attempt_and_redelivers(
    client, admin_user, subscribe, receiver, shared_initiative, owner
):
    subscribe(events=["initiative.transitioned"])
    receiver.answers = [(500, b"first answer")]
    workflow.transition(shared_initiative, Status.UNDER_STUDY, by=owner)
    run_worker()
    delivery = WebhookDelivery.objects.get()
    client.force_login(admin_user)

    page = client.get(reverse("admin:tracker_webhookdelivery_change", args=[delivery.pk])).content.decode()
    assert "first answer" in page and "500" in page

    response = client.post(
        reverse("admin:tracker_webhookdelivery_changelist"),
        {"action": "redeliver", "_selected_action": [delivery.pk]},
        follow=True,
    )
    assert "1 delivery queued again." in _messages(response)
    run_worker()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempts == 3
    assert set(receiver.deliveries) == {str(delivery.delivery_id)}


def test_coordinators_see_no_webhooks(client, owner):
    client.force_login(owner)

    assert client.get(reverse("admin:tracker_webhooksubscription_changelist")).status_code == 403
    assert client.get(reverse("admin:tracker_webhookdelivery_changelist")).status_code == 403
    assert "webhook" not in client.get(reverse("admin:index")).content.decode().lower()


def test_a_coordinator_sets_their_own_preferences(client, owner, viewer):
    NotificationPreference.objects.create(user=viewer, digest=False)
    client.force_login(owner)

    response = client.get(reverse("admin:tracker_notificationpreference_changelist"), follow=True)
    preference = NotificationPreference.objects.get(user=owner)
    assert response.redirect_chain[-1][0] == reverse(
        "admin:tracker_notificationpreference_change", args=[preference.pk]
    )

    client.post(
        reverse("admin:tracker_notificationpreference_change", args=[preference.pk]),
        {"transitions": "on", "language": "ru"},
    )
    preference.refresh_from_db()
    assert (preference.transitions, preference.health, preference.digest, preference.language) == (
        True,
        False,
        False,
        "ru",
    )
    other = NotificationPreference.objects.get(user=viewer)
    assert client.get(reverse("admin:tracker_notificationpreference_change", args=[other.pk])).status_code == 302


def test_a_user_watches_an_initiative_for_themselves(client, viewer, shared_initiative):
    client.force_login(viewer)

    client.post(reverse("admin:tracker_watch_add"), {"initiative": shared_initiative.pk})
    again = client.post(reverse("admin:tracker_watch_add"), {"initiative": shared_initiative.pk})

    assert list(Watch.objects.values_list("user", "initiative")) == [(viewer.pk, shared_initiative.pk)]
    assert "You watch this initiative already." in again.content.decode()


@pytest.mark.parametrize(
    "model", ["webhooksubscription", "webhookdelivery", "notification", "digestsent", "notificationpreference", "watch"]
)
def test_every_list_opens_for_an_administrator(client, admin_user, model):
    client.force_login(admin_user)
    assert client.get(reverse(f"admin:tracker_{model}_changelist")).status_code == 200

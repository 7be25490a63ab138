"""`/api/v1/webhooks/`: a write key creates, lists, changes and deletes its own subscriptions; nobody else sees
them; the secret is shown once."""

import pytest

from tests import factories
from tests.api import assert_problem, key_client, user_client
from tests.clients import ApiClient
from tracker.models import ApiKey, WebhookSubscription

pytestmark = pytest.mark.django_db

URL = "/api/v1/webhooks/"


@pytest.fixture
def writer():
    key, token = ApiKey.issue("writer", can_write=True)
    return key, key_client(token)


def _create(client, receiver, **fields):
    body = {"url": receiver.url, "events": ["initiative.transitioned"], **fields}
    return client.post(URL, body, format="json")


def test_a_write_key_creates_lists_and_deletes_its_webhooks(writer, receiver):
    key, client = writer

    created = _create(client, receiver, name="mirror", events=["initiative.*", "milestone.created"])
    assert created.status_code == 201, created.content
    body = created.json()
    subscription = WebhookSubscription.objects.get()
    assert body["secret"] == subscription.secret and len(body["secret"]) >= 32
    assert (body["url"], body["events"], body["enabled"]) == (receiver.url, ["initiative.*", "milestone.created"], True)
    assert subscription.api_key == key

    listed = client.get(URL).json()["results"]
    assert [row["id"] for row in listed] == [subscription.pk]
    assert "secret" not in listed[0] and "secret" not in client.get(f"{URL}{subscription.pk}/").json()

    assert client.delete(f"{URL}{subscription.pk}/").status_code == 204
    assert not WebhookSubscription.objects.exists()


def test_a_read_key_may_not_manage_webhooks(make_key, receiver):
    _key, token = ApiKey.issue("reader")
    client = key_client(token)

    assert_problem(client.get(URL), 403)
    assert_problem(_create(client, receiver), 403)
    assert not WebhookSubscription.objects.exists()


def test_another_key_cannot_see_or_touch_them(writer, receiver):
    _key, client = writer
    subscription_id = _create(client, receiver).json()["id"]
    other = key_client(ApiKey.issue("other", can_write=True)[1])

    assert other.get(URL).json()["results"] == []
    assert_problem(other.get(f"{URL}{subscription_id}/"), 404)
    assert_problem(other.patch(f"{URL}{subscription_id}/", {"enabled": False}, format="json"), 404)
    assert_problem(other.delete(f"{URL}{subscription_id}/"), 404)
    assert WebhookSubscription.objects.get().enabled


def test_people_use_the_admin_not_this_endpoint(admin_user, receiver):
    assert_problem(user_client(admin_user).get(URL), 403)


def test_anonymous_requests_are_not_authenticated():
    assert_problem(ApiClient().get(URL), 401)


def test_a_private_address_is_refused_when_not_allowed(writer, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    _key, client = writer

    body = assert_problem(client.post(URL, {"url": "http://127.0.0.1:8000/", "events": ["*"]}, format="json"), 400)
    assert "public addresses" in str(body["errors"]["url"])


@pytest.mark.parametrize("events", [[], ["initiative.exploded"], ["nothing.*"], "initiative.created", [1]], ids=repr)
def test_unknown_or_malformed_events_are_refused(writer, receiver, events):
    _key, client = writer
    assert_problem(_create(client, receiver, events=events), 400)


def test_a_regional_key_subscribes_only_to_its_region(receiver):
    partner_region = factories.RegionFactory(code="RU-LIP")
    factories.RegionFactory(code="RU-VOR")
    client = key_client(ApiKey.issue("lipetsk", can_write=True, region=partner_region)[1])

    assert_problem(_create(client, receiver, region="RU-VOR"), 400)
    assert _create(client, receiver, region="RU-LIP").status_code == 201


def test_enabling_again_forgets_the_failures(writer, receiver):
    key, client = writer
    subscription = WebhookSubscription.objects.create(
        api_key=key, url=receiver.url, events=["*"], enabled=False, consecutive_failures=8, disabled_reason="x"
    )

    response = client.patch(f"{URL}{subscription.pk}/", {"enabled": True}, format="json")

    assert response.status_code == 200, response.content
    assert (response.json()["consecutive_failures"], response.json()["disabled_reason"]) == (0, "")


def test_the_secret_can_be_rotated_and_is_shown_once_more(writer, receiver):
    _key, client = writer
    created = _create(client, receiver).json()

    rotated = client.post(f"{URL}{created['id']}/rotate-secret/")

    assert rotated.status_code == 200
    assert rotated.json()["secret"] != created["secret"]
    assert rotated.json()["secret"] == WebhookSubscription.objects.get().secret

"""API keys in the admin: the secret is shown once and stored only as a digest; only superusers manage keys."""

import re

import pytest

from tests.clients import ApiClient
from tracker.models import ApiKey

pytestmark = pytest.mark.django_db


def test_a_superuser_creates_a_key_and_sees_its_secret_once(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/admin/tracker/apikey/add/", {"name": "lipetsk-tracker", "can_write": "on", "enabled": "on"}, follow=True
    )
    token = re.search(r"ctk_[0-9a-f]+_[A-Za-z0-9_-]+", response.content.decode()).group(0)
    key = ApiKey.objects.get(name="lipetsk-tracker")
    secret = token.split("_", 2)[2]  # the secret may hold "_" itself (URL-safe base64)
    assert key.can_write and key.created_by == admin_user and secret not in key.digest

    api = ApiClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/api/v1/regions/").status_code == 200
    again = client.get(f"/admin/tracker/apikey/{key.pk}/change/").content.decode()
    assert token not in again and key.digest not in again


def test_a_coordinator_cannot_see_keys(client, owner):
    client.force_login(owner)
    assert client.get("/admin/tracker/apikey/").status_code == 403


def test_events_are_listed_read_only(client, admin_user, initiative):
    client.force_login(admin_user)
    assert client.get("/admin/tracker/event/").status_code == 200
    assert client.get("/admin/tracker/event/add/").status_code == 403

"""API keys: stored hashed, shown once, and one answer for every kind of bad key."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests import factories
from tests.clients import ApiClient
from tracker.models import ApiKey

pytestmark = pytest.mark.django_db


def _get(token, url="/api/v1/regions/"):
    client = ApiClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client.get(url)


def test_only_a_digest_of_the_secret_is_stored():
    key, token = ApiKey.issue("partner")
    stored = ApiKey.objects.filter(pk=key.pk).values().get()
    assert all(token not in str(value) for value in stored.values())
    assert token.split("_", 2)[2] not in str(stored)  # the secret itself may hold "_"
    assert _get(token).status_code == 200


def test_unknown_key_wrong_secret_disabled_and_expired_keys_get_the_same_401():
    _key, token = ApiKey.issue("partner")
    _disabled, disabled_token = ApiKey.issue("off", enabled=False)
    _expired, expired_token = ApiKey.issue("old", expires_at=timezone.now() - datetime.timedelta(days=1))
    prefix = token.split("_")[1]
    answers = [
        _get("ctk_ffffffffffff_" + "x" * 43),
        _get(f"ctk_{prefix}_" + "x" * 43),
        _get(disabled_token),
        _get(expired_token),
        _get("garbage"),
    ]
    assert {response.status_code for response in answers} == {401}
    assert len({response.content for response in answers}) == 1


def test_use_is_recorded_at_most_once_a_minute():
    key, token = ApiKey.issue("partner")
    _get(token)
    key.refresh_from_db()
    first_use = key.last_used_at
    assert first_use is not None
    _get(token)
    key.refresh_from_db()
    assert key.last_used_at == first_use


def test_create_api_key_prints_the_key_once_and_it_works(capsys):
    factories.RegionFactory(code="RU-LIP")
    call_command("create_api_key", "--name", "lipetsk-tracker", "--write", "--region", "RU-LIP")
    token = capsys.readouterr().out.strip().splitlines()[-1]
    key = ApiKey.objects.get(name="lipetsk-tracker")
    assert key.can_write and key.region.code == "RU-LIP"
    assert _get(token).status_code == 200


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--name", "x", "--region", "XX-NOPE"], "--region"),
        (["--name", "x", "--expires-days", "0"], "--expires-days"),
        (["--name", "  "], "--name"),
    ],
)
def test_create_api_key_refuses_bad_input_naming_the_option(arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_api_key", *arguments)
    assert not ApiKey.objects.exists()


def test_a_duplicate_name_is_refused():
    ApiKey.issue("partner")
    with pytest.raises(CommandError, match="exists"):
        call_command("create_api_key", "--name", "partner")

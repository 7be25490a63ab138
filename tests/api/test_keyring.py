"""API keys kept by the process that verified them (tracker/api/keyring.py), with the rate budgets in Redis as in
production: a kept key costs no query, and a change to the key, in this process or another, is seen by the key's
next request."""

import datetime
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from tests.api import assert_problem, emptied_redis, key_client
from tracker.api import keyring, throttling
from tracker.models import ApiKey

REDIS_URL = "redis://127.0.0.1:6379/13"  # a database of its own: the tests empty it


@pytest.fixture
def redis_versions(settings):
    client = emptied_redis(REDIS_URL)
    settings.API_THROTTLE_STORAGE = REDIS_URL
    yield client
    client.flushdb()
    client.close()


@pytest.mark.django_db
def test_a_kept_key_costs_no_query(redis_versions, make_key, django_assert_num_queries):
    client = key_client(make_key("reader")[1])
    with django_assert_num_queries(2):  # the key; its last use (once a minute at most)
        assert client.get("/api/v1/").status_code == 200
    with django_assert_num_queries(0):
        assert client.get("/api/v1/").status_code == 200


@pytest.mark.django_db
def test_without_redis_nothing_is_kept(make_key, django_assert_num_queries):
    assert not keyring.keeping()  # the budgets in this process's memory
    client = key_client(make_key("reader")[1])
    client.get("/api/v1/")
    with django_assert_num_queries(1):
        assert client.get("/api/v1/").status_code == 200


@pytest.mark.django_db
def test_a_kept_key_still_needs_its_secret_and_its_expiry(redis_versions, make_key, monkeypatch):
    _key, token = make_key("expiring", expires_at=timezone.now() + datetime.timedelta(hours=1))
    assert key_client(token).get("/api/v1/").status_code == 200
    assert_problem(key_client(token[:-2] + "xx").get("/api/v1/"), 401)  # its prefix, another secret
    later = timezone.now() + datetime.timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert_problem(key_client(token).get("/api/v1/"), 401)


@pytest.mark.django_db
def test_a_change_saved_here_is_seen_at_once(redis_versions, make_key, django_capture_on_commit_callbacks):
    key, token = make_key("writer", write=True)
    client = key_client(token)
    assert client.get("/api/v1/").json()["principal"]["can_write"] is True
    with django_capture_on_commit_callbacks(execute=True):
        key.can_write = False
        key.save()
    assert redis_versions.get(keyring.version_key(key.prefix)) == b"1"
    assert client.get("/api/v1/").json()["principal"]["can_write"] is False


@pytest.mark.django_db
def test_a_change_made_elsewhere_is_seen_through_its_version(redis_versions, make_key, shared_initiative):
    """What another process's save does: the row changes and the key's version is raised in Redis. This process
    still keeps the key as it was; its next request reads the version in its rate check and asks the database."""
    key, token = make_key("writer", write=True)
    client = key_client(token)
    assert client.get("/api/v1/").status_code == 200
    ApiKey.objects.filter(pk=key.pk).update(can_write=False)  # no signal here, as in the other process
    redis_versions.incr(keyring.version_key(key.prefix))
    refused = client.patch(
        f"/api/v1/initiatives/{shared_initiative.code}/",
        {"summary": "changed"},
        format="json",
        HTTP_IF_MATCH=f'"{shared_initiative.version}"',
    )
    assert_problem(refused, 403)
    ApiKey.objects.filter(pk=key.pk).update(enabled=False)
    redis_versions.incr(keyring.version_key(key.prefix))
    assert_problem(client.get("/api/v1/"), 401)


@pytest.mark.django_db(transaction=True)
def test_a_key_disabled_by_another_process_is_refused_at_its_next_request(redis_versions, make_key):
    key, token = make_key("partner")
    client = key_client(token)
    assert client.get("/api/v1/").status_code == 200
    assert client.get("/api/v1/").status_code == 200  # kept now
    before = int(redis_versions.get(keyring.version_key(key.prefix)) or 0)
    # The admin's save, in a process of its own, on this test's database, with the budgets in the same Redis.
    database = connection.settings_dict
    disabled = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            f"from tracker.models import ApiKey; k = ApiKey.objects.get(pk={key.pk}); k.enabled = False; k.save()",
        ],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "ENV_FILE": os.devnull,
            "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
            "CACHE_URL": REDIS_URL,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert disabled.returncode == 0, disabled.stderr
    assert int(redis_versions.get(keyring.version_key(key.prefix))) == before + 1
    assert_problem(client.get("/api/v1/"), 401)


@pytest.mark.django_db
def test_after_redis_forgets_its_scripts_requests_are_still_counted(redis_versions, make_key, monkeypatch):
    """The rate check runs the budget's script by its digest, in one round trip with the key's version; a Redis
    restarted since has forgotten the script, and the check loads it again instead of failing."""
    monkeypatch.setattr(throttling.PrincipalRateThrottle, "rate", "3/minute", raising=False)
    client = key_client(make_key("partner")[1])
    assert client.get("/api/v1/").status_code == 200
    redis_versions.script_flush()
    assert [client.get("/api/v1/").status_code for _ in range(3)] == [200, 200, 429]

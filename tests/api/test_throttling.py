"""Rate budgets counted in Redis, as production keeps them: one budget per key whatever the process serving it.

(tests/api/test_errors.py spends a budget kept in this process's memory, the default without Redis.)
"""

import threading

import pytest
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from tests.api import assert_problem, emptied_redis, key_client
from tracker.api import throttling

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/14"  # a database of its own: the tests empty it


@pytest.fixture
def redis_budgets(settings, monkeypatch):
    """Budgets in Redis, five requests a minute; skipped without Redis unless in CI, where it must run."""
    client = emptied_redis(REDIS_URL)
    settings.API_THROTTLE_STORAGE = REDIS_URL
    monkeypatch.setattr(throttling.PrincipalRateThrottle, "rate", "5/minute", raising=False)
    yield client
    client.flushdb()
    client.close()


def test_a_spent_budget_is_refused_until_its_oldest_request_leaves_the_window(redis_budgets, make_key):
    spender_key, spender_token = make_key("spender")
    spender, bystander = key_client(spender_token), key_client(make_key("bystander")[1])

    answers = [spender.get("/api/v1/areas/").status_code for _ in range(6)]

    refused = spender.get("/api/v1/areas/")
    assert answers == [200] * 5 + [429]
    assert_problem(refused, 429)
    assert 0 < int(refused["Retry-After"]) <= 60
    assert bystander.get("/api/v1/areas/").status_code == 200
    # The count is in Redis, where every worker sees it, and goes away with the window.
    (stored,) = [key for key in redis_budgets.scan_iter() if f"key-{spender_key.pk}/".encode() in key]
    assert 0 < redis_budgets.ttl(stored) <= 60


def test_requests_counted_at_once_never_pass_beyond_the_budget(redis_budgets, make_key, monkeypatch):
    """Eight threads (each on its own Redis connection, as workers are) spending one key's budget of 100 at once:
    exactly 100 pass. DRF's own throttle read the history and wrote it back, so two requests at once could
    overwrite each other's count."""
    monkeypatch.setattr(throttling.PrincipalRateThrottle, "rate", "100/minute", raising=False)
    request = Request(APIRequestFactory().get("/api/v1/areas/"))
    request.user = make_key("busy")[0]
    allowed = []

    def spend():
        throttle = throttling.PrincipalRateThrottle()
        allowed.extend(throttle.allow_request(request, None) for _ in range(40))

    threads = [threading.Thread(target=spend) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(allowed) == 320
    assert allowed.count(True) == 100


def test_without_redis_requests_pass_uncounted_and_the_log_says_so(settings, make_key, caplog):
    settings.API_THROTTLE_STORAGE = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    client = key_client(make_key("during-outage")[1])

    with caplog.at_level("ERROR", logger="tracker.api.throttling"):
        answers = [client.get("/api/v1/areas/").status_code for _ in range(2)]

    assert answers == [200, 200]
    assert len([r for r in caplog.records if "rate budgets unavailable" in r.getMessage()]) == 2

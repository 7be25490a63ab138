"""Tests of the HTTP API (/api/v1/). Small helpers shared by the test modules live here; fixtures in conftest."""

import os
import threading

import pytest
import redis
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.clients import ApiClient

PROBLEM = "application/problem+json"


def key_client(token):
    """An ApiClient that sends `Authorization: Bearer <token>` with every request."""
    client = ApiClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def user_client(user):
    """An ApiClient signed in as `user` (as a session would be, without the login round trip)."""
    client = ApiClient()
    client.force_authenticate(user)
    return client


def walk(client, url):
    """Every row of a list, following `next` links; and the number of queries each page took."""
    rows, counts = [], []
    while url:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, response.content
        counts.append(len(queries))
        rows.extend(response.json()["results"])
        url = response.json()["next"]
    return rows, counts


def if_match(version):
    """Request headers naming the ETag of `version`, as a client copies it from a GET."""
    return {"HTTP_IF_MATCH": f'"{version}"'}


def assert_problem(response, status):
    """`response` is an RFC 9457 problem with `status`; return its body."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM, response["Content-Type"]
    body = response.json()
    assert {"type", "title", "status", "detail"} <= body.keys(), body
    assert body["status"] == status
    assert body["detail"]
    return body


def race(count, make_client, request):
    """Send `request(client)` from `count` threads at once, each with a client of its own from `make_client()`
    and its own database connection (PostgreSQL: real concurrent transactions); return the responses."""
    barrier = threading.Barrier(count)
    responses = []

    def run(number):
        try:
            client = make_client()
            barrier.wait()
            responses.append(request(client) if request.__code__.co_argcount == 1 else request(client, number))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


def emptied_redis(url):
    """A client of the Redis database at `url`, emptied; the test is skipped without Redis, except in CI, where it
    must run."""
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not running at {url}: .ci/run starts it")
        pytest.skip(f"Redis is not running at {url}")
    client.flushdb()
    return client

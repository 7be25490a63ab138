"""GET /api/v1/: who the request was made as, and where every resource is."""

import datetime

import pytest
from django.utils import timezone

from tests.api import assert_problem, key_client, user_client
from tests.clients import ApiClient

pytestmark = pytest.mark.django_db


def test_a_key_learns_its_name_rights_region_and_expiry(make_key, partner_region):
    expires = timezone.now() + datetime.timedelta(days=30)
    _key, token = make_key("lipetsk", write=True, region=partner_region, expires_at=expires)
    response = key_client(token).get("/api/v1/")
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == "1"
    assert body["principal"] == {
        "kind": "key",
        "name": "lipetsk",
        "can_write": True,
        "region": partner_region.code,
        "expires_at": expires.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z"),
    }


def test_every_link_answers(make_key):
    client = key_client(make_key("writer", write=True)[1])  # a read-only key may not list webhooks
    links = client.get("/api/v1/").json()["links"]
    assert {"initiatives", "milestones", "changes", "indicators", "schema", "docs"} <= links.keys()
    for name, url in links.items():
        assert url.startswith("http://testserver/"), url
        answer = client.get(url)
        assert answer.status_code == 200, (name, url, answer.status_code)


def test_a_read_only_key_and_a_user(make_key, viewer, owner):
    assert key_client(make_key("reader")[1]).get("/api/v1/").json()["principal"] == {
        "kind": "key",
        "name": "reader",
        "can_write": False,
        "region": None,
        "expires_at": None,
    }
    assert user_client(viewer).get("/api/v1/").json()["principal"]["can_write"] is False
    assert user_client(owner).get("/api/v1/").json()["principal"] == {
        "kind": "user",
        "name": owner.username,
        "can_write": True,
        "region": None,
        "expires_at": None,
    }


def test_without_a_working_key_it_is_refused(make_key):
    assert_problem(ApiClient().get("/api/v1/"), 401)
    key, token = make_key("revoked")
    key.enabled = False
    key.save()
    assert_problem(key_client(token).get("/api/v1/"), 401)
    assert_problem(key_client(token + "x").get("/api/v1/"), 401)


def test_a_region_bound_key_costs_two_queries_and_another_one(make_key, partner_region, django_assert_num_queries):
    _key, token = make_key("lipetsk", region=partner_region)
    client = key_client(token)
    client.get("/api/v1/")  # the key's last use is written once a minute at most
    with django_assert_num_queries(2):  # the key, its region
        assert client.get("/api/v1/").status_code == 200

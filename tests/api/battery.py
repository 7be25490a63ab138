"""A declarative battery of API tests, after NetBox's APIViewTestCases: an endpoint gets its tests by declaring its
data. A subclass named Test… of `ReadOnlyEndpoint` or `WritableEndpoint` states:

- `url`: the list URL; `model`; `key`: the attribute that names a row in its detail URL;
- `make(world, number)`: one row partners may see (`world`: the cast of `World`) (number 0, 1, … makes distinct rows);
- `hidden(world)`: one row a key bound to another region must not see, or None when every key sees every row;
- for writable endpoints, `body(world)` for a create and `change` for a PATCH, and `writer`, the principal whose
  writes succeed ("owner", the owner of the world's shared initiative, or "admin").

and inherits, for every principal kind: the list and the detail as a partner's key sees them, what is hidden from a
key of another region, the refusal of anonymous requests, a list whose query count does not grow with its rows; and
for writable endpoints: create, update with If-Match (stale: 412, absent: 428), delete (then 404), each with its
event, and the refusal of a read-only key that leaves nothing behind.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from tests.api import assert_problem, if_match, key_client, user_client
from tests.clients import ApiClient
from tracker.domain.choices import RegionKind, Visibility
from tracker.models import ApiKey, Event

__all__ = ["PRINCIPALS", "Endpoint", "ReadOnlyEndpoint", "World", "WritableEndpoint"]


PRINCIPALS = ["anonymous", "viewer", "owner", "other", "analyst", "read_key", "write_key", "region_key", "admin"]


class World:
    """The cast of the API's permission tests: two regions (RU-LIP, RU-VOR); a shared and an internal initiative in
    RU-LIP owned by the coordinator `owner`; a milestone of the shared one; a trade series of RU-LIP; users of each
    role; keys that read, write, and write but only for RU-VOR."""

    def __init__(self):
        self.lipetsk = factories.RegionFactory(code="RU-LIP", name="Lipetsk Oblast", kind=RegionKind.SUBDIVISION)
        self.voronezh = factories.RegionFactory(code="RU-VOR", name="Voronezh Oblast", kind=RegionKind.SUBDIVISION)
        self.users = {
            "viewer": factories.viewer(),
            "owner": factories.coordinator("owner"),
            "other": factories.coordinator("other"),
            "analyst": factories.analyst(),
            "admin": factories.superuser(),
        }
        owner = self.users["owner"]
        self.shared = factories.InitiativeFactory(
            code="shared-one", owner=owner, partner_region=self.lipetsk, visibility=Visibility.SHARED
        )
        self.internal = factories.InitiativeFactory(
            code="internal-one", owner=owner, partner_region=self.lipetsk, visibility=Visibility.INTERNAL
        )
        self.milestone = factories.MilestoneFactory(initiative=self.shared)
        self.indicator = factories.TradeIndicatorFactory(code="by-lip-turnover", partner=self.lipetsk)
        self.tokens = {
            "read_key": ApiKey.issue("read")[1],
            "write_key": ApiKey.issue("write", can_write=True)[1],
            "region_key": ApiKey.issue("voronezh", can_write=True, region=self.voronezh)[1],
        }

    def client(self, principal):
        """A client acting as `principal` (one of PRINCIPALS)."""
        if principal in self.users:
            return user_client(self.users[principal])
        if principal in self.tokens:
            return key_client(self.tokens[principal])
        return ApiClient()


class Endpoint:
    url = ""
    key = "pk"

    def make(self, world, number):
        raise NotImplementedError

    def hidden(self, world):
        return None

    @pytest.fixture(autouse=True)
    def _world(self, db):
        self.world = World()

    def detail(self, row):
        return f"{self.url}{getattr(row, self.key)}/"

    def keys_listed(self, client, url=None):
        response = client.get(url or self.url)
        assert response.status_code == 200, response.content
        return {str(item[self.key if self.key != "pk" else "id"]) for item in response.json()["results"]}

    def test_a_key_lists_and_reads_what_partners_may_see(self):
        rows = [self.make(self.world, number) for number in range(3)]
        assert {str(getattr(row, self.key)) for row in rows} <= self.keys_listed(self.world.client("read_key"))
        response = self.world.client("read_key").get(self.detail(rows[0]))
        assert response.status_code == 200, response.content
        assert "version" in response.json()

    def test_a_key_of_another_region_sees_only_what_it_may(self):
        row = self.hidden(self.world)
        if row is None:  # reference data: every key sees every row
            row = self.make(self.world, 0)
            assert str(getattr(row, self.key)) in self.keys_listed(self.world.client("region_key"))
            assert self.world.client("region_key").get(self.detail(row)).status_code == 200
            return
        assert str(getattr(row, self.key)) not in self.keys_listed(self.world.client("region_key"))
        assert_problem(self.world.client("region_key").get(self.detail(row)), 404)
        assert str(getattr(row, self.key)) in self.keys_listed(self.world.client("read_key"))

    def test_anonymous_requests_are_refused(self):
        row = self.make(self.world, 0)
        for url in (self.url, self.detail(row)):
            assert_problem(self.world.client("anonymous").get(url), 401)

    def test_the_list_costs_the_same_queries_for_one_row_as_for_twenty(self):
        self.make(self.world, 0)
        self.world.client("read_key").get(self.url)  # a key's first use is recorded once, not part of any list's cost
        one = self._queries_of_list()
        for number in range(1, 20):
            self.make(self.world, number)
        assert self._queries_of_list() == one

    def _queries_of_list(self):
        with CaptureQueriesContext(connection) as queries:
            assert self.world.client("read_key").get(self.url, {"page_size": 50}).status_code == 200
        return len(queries)


class ReadOnlyEndpoint(Endpoint):
    def test_writes_are_not_offered(self):
        row = self.make(self.world, 0)
        client = self.world.client("admin")
        assert_problem(client.post(self.url, {}, format="json"), 405)
        assert_problem(client.patch(self.detail(row), {}, format="json", **if_match(row.version)), 405)
        assert_problem(client.delete(self.detail(row), **if_match(row.version)), 405)


class WritableEndpoint(Endpoint):
    writer = "owner"
    change = {}

    def body(self, world):
        raise NotImplementedError

    def _events(self, action):
        name = f"{self.model._meta.model_name}.{action}"
        return Event.objects.filter(name=name).count()

    def test_create(self):
        response = self.world.client(self.writer).post(self.url, self.body(self.world), format="json")
        assert response.status_code == 201, response.content
        assert response.json()["version"] == 1
        assert response["ETag"] == '"1"'
        assert self._events("created") >= 1

    def test_a_read_only_key_writes_nothing(self):
        model = self.model
        row, body = self.make(self.world, 0), self.body(self.world)
        before = model.objects.count(), Event.objects.count()
        assert_problem(self.world.client("read_key").post(self.url, body, format="json"), 403)
        assert_problem(
            self.world.client("read_key").patch(self.detail(row), self.change, format="json", **if_match(1)), 403
        )
        assert_problem(self.world.client("read_key").delete(self.detail(row), **if_match(1)), 403)
        assert (model.objects.count(), Event.objects.count()) == before

    def test_update_names_the_version_it_read(self):
        row = self.make(self.world, 0)
        client = self.world.client(self.writer)
        assert_problem(client.patch(self.detail(row), self.change, format="json"), 428)
        assert_problem(client.patch(self.detail(row), self.change, format="json", **if_match(row.version + 1)), 412)
        Event.objects.all().delete()

        response = client.patch(self.detail(row), self.change, format="json", **if_match(row.version))

        assert response.status_code == 200, response.content
        assert response.json()["version"] == row.version + 1
        assert self._events("updated") == 1

    def test_delete(self):
        row = self.make(self.world, 0)
        client = self.world.client("admin")
        assert_problem(client.delete(self.detail(row), **if_match(row.version + 1)), 412)
        Event.objects.all().delete()

        assert client.delete(self.detail(row), **if_match(row.version)).status_code == 204

        assert self._events("deleted") == 1
        assert_problem(client.get(self.detail(row)), 404)
        assert_problem(client.delete(self.detail(row), **if_match(row.version)), 404)

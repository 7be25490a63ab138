"""Issue #19's findings, each as what the database or Redis is asked: the causes the bench measured, checked on
PostgreSQL and Redis themselves (the speed is measured in bench/, never here)."""

import pytest
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from tests import factories
from tests.api import emptied_redis, key_client
from tracker.domain import derived, my_work
from tracker.domain.choices import Visibility

pytestmark = pytest.mark.django_db


def _plan(sql):
    """PostgreSQL's plan of `sql` where an index can do: no sequential scan, no sort (a test's tables are too small
    for the planner to prefer an index on its own)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_sort = off")  # until the test's rollback
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def _statement(queries, table):
    return next(query["sql"] for query in queries if f'FROM "{table}"' in query["sql"])


def test_the_initiative_detail_compiles_its_sql_once(make_key, monkeypatch):
    """The detail answered no faster than a page of 50: among other things it compiled its query every time."""
    factories.InitiativeFactory(code="shared-one", visibility=Visibility.SHARED)
    client = key_client(make_key("reader")[1])
    compiled = []
    as_sql = SQLCompiler.as_sql
    monkeypatch.setattr(SQLCompiler, "as_sql", lambda self, *a, **k: compiled.append(1) or as_sql(self, *a, **k))
    assert client.get("/api/v1/initiatives/shared-one/").status_code == 200
    compiled.clear()
    for _ in range(3):
        assert client.get("/api/v1/initiatives/shared-one/").status_code == 200
    assert compiled == []


@pytest.mark.parametrize(
    ("path", "index"),
    [
        ("milestones", "milestone_sync_order"),
        ("participations", "participation_sync_order"),
        ("indicator-links", "indicator_link_sync_order"),
        ("meetings", "meeting_sync_order"),
        ("organisations", "organisation_sync_order"),
        ("indicators", "indicator_sync_order"),
    ],
)
def test_lists_in_their_default_order_read_an_index_in_that_order(make_key, path, index):
    """/milestones/ answered at 0.35x the list: PostgreSQL joined every visible milestone and sorted them, for want
    of an index in the default order (updated_at, id)."""
    with CaptureQueriesContext(connection) as queries:
        assert key_client(make_key("reader")[1]).get(f"/api/v1/{path}/?page_size=50").status_code == 200
    assert index in _plan(queries[-1]["sql"])


def test_the_derived_figures_are_read_through_their_index():
    """Every write of figures asks which derived figures depend on them: without an index, a scan of every figure."""
    observation = factories.ObservationFactory()
    with CaptureQueriesContext(connection) as queries:
        derived.recompute_derived([observation.indicator_id])
    assert "observation_derived" in _plan(_statement(queries, "tracker_observation"))


def test_the_headers_counts_read_the_owners_index(owner, initiative):
    """Every page counts the header's overdue deadlines: the join of the watches made PostgreSQL read every
    initiative to find the user's."""
    with CaptureQueriesContext(connection) as queries:
        my_work.header_counts(owner)
    assert "tracker_initiative_owner_id" in _plan(queries[-1]["sql"])


def test_a_kept_keys_request_asks_redis_once_and_postgresql_nothing(settings, make_key, django_assert_num_queries):
    """The key's lookup (PostgreSQL) and the rate check (Redis) were two round trips of every request, and the
    rate check's script was first looked for in Redis (SCRIPT EXISTS): one pipeline now, EVALSHA and the key's
    version."""
    url = "redis://127.0.0.1:6379/13"
    redis = emptied_redis(url)
    settings.API_THROTTLE_STORAGE = url
    client = key_client(make_key("reader")[1])
    client.get("/api/v1/")  # the key is verified and kept
    redis.config_resetstat()
    with django_assert_num_queries(0):
        assert client.get("/api/v1/").status_code == 200
    calls = {name.removeprefix("cmdstat_"): stats["calls"] for name, stats in redis.info("commandstats").items()}
    redis.flushdb()
    assert calls["evalsha"] == 1 and calls["get"] == 1  # (the script's own list commands are counted too)
    assert not [name for name in calls if name.startswith("script")]

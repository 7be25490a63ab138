"""Timestamps parsed by psycopg's C loader (tracker.ops.timestamp_loader) are exactly what Django's own loader gives."""

import datetime

import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import register_tzloader
from psycopg.pq import Format

pytestmark = pytest.mark.django_db

# Microseconds or none, other offsets than UTC, the ends of Python's calendar, a leap day, before 1970.
TIMES = [
    "2026-11-28 21:14:26.686146+00",
    "2026-11-28 21:14:26+00",
    "2023-06-01 00:00:00+03",
    "1969-12-31 23:59:59.5-05:30",
    "2000-02-29 12:00:00.000001+14",
    "0001-01-01 00:00:00+00",
    "9999-12-31 23:59:59.999999+00",
]
SELECT = "SELECT " + ", ".join(f"'{time}'::timestamptz" for time in TIMES)


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: the loader is psycopg's")
    connection.ensure_connection()


def _loader(context):
    return context.adapters.get_loader(context.adapters.types["timestamptz"].oid, Format.TEXT)


def test_each_connection_reads_timestamps_with_the_c_loader(postgresql):
    assert _loader(connection.connection).__name__ == "UtcTimestamptzLoader"


def test_the_c_loader_gives_what_djangos_gave(postgresql):
    with connection.cursor() as cursor:
        cursor.execute(SELECT)
        fast = cursor.fetchone()
    with connection.cursor() as cursor:
        register_tzloader(datetime.UTC, cursor.cursor)  # Django's own loader, for this cursor only
        assert _loader(cursor.cursor).__name__ == "SpecificTzLoader"
        cursor.execute(SELECT)
        djangos = cursor.fetchone()

    assert [time.isoformat() for time in fast] == [time.isoformat() for time in djangos]
    assert all(time.tzinfo is datetime.UTC for time in fast + djangos)
    assert fast[0] == datetime.datetime(2026, 11, 28, 21, 14, 26, 686146, tzinfo=datetime.UTC)

"""Timestamps read from PostgreSQL by psycopg's C parser instead of Django's pure-Python one.

Django 5.2 registers its own `timestamptz` loader on every connection: a subclass of psycopg's pure-Python loader
that then replaces the tzinfo with the connection's zone (psycopg's C loader cannot be subclassed; Django ticket
#36960). At about 7 µs a value it took 0.7 ms of the API's 50-row page (two timestamps a row), more than the
query itself (bench/RESULTS.md, "Gains"). Where Django's zone and the session's are both UTC, as here (USE_TZ,
no DATABASES TIME_ZONE), psycopg's C loader gives the very same values (aware, in `datetime.UTC`), so each new
connection gets a loader that hands the parsing to it. Without psycopg's C extension nothing changes.
"""

import datetime
import functools

from django.db.backends.signals import connection_created

__all__ = ["install"]


def install():
    connection_created.connect(_parse_timestamps_in_c, dispatch_uid="tracker-timestamp-loader")


def _parse_timestamps_in_c(sender=None, connection=None, **kwargs):
    if connection.vendor != "postgresql" or connection.timezone != datetime.UTC:
        return
    if connection.connection.info.parameter_status("TimeZone") != "UTC":  # the zone C's values would carry
        return
    loader = _utc_loader()
    if loader is not None:
        connection.connection.adapters.register_loader("timestamptz", loader)


@functools.cache
def _utc_loader():
    """A loader class delegating to psycopg's C `timestamptz` loader, or None when psycopg has no C extension."""
    from psycopg import adapters
    from psycopg.adapt import Loader
    from psycopg.pq import Format

    compiled = adapters.get_loader(adapters.types["timestamptz"].oid, Format.TEXT)  # C where installed
    if compiled is None or compiled.__module__.startswith("psycopg."):
        return None

    class UtcTimestamptzLoader(Loader):
        timezone = datetime.UTC  # Django's create_cursor() compares this with the connection's zone

        def __init__(self, oid, context=None):
            super().__init__(oid, context)
            self.load = compiled(oid, context).load  # C's bound method: no Python frame per value

        def load(self, data):  # replaced per instance above; here for Loader's abstract interface
            raise NotImplementedError

    return UtcTimestamptzLoader

"""What pages compute from the data, kept in the cache until the data changes.

Every write through the app records an event, so the id of the journal's newest event, with the language, keys
what is computed from the data: a change shows on the next visit, and nothing is computed again for the visits in
between (bench/RESULTS.md). The timeout bounds what the journal does not see: a user's new name, rows loaded by
SQL.
"""

from django.core.cache import cache
from django.utils.translation import get_language

from tracker.domain import events

__all__ = ["SECONDS", "kept"]

SECONDS = 60


def kept(name, compute, *parts):
    """`compute()`, kept under `name`, `parts` (what else it depends on), the language and the newest event."""
    key = ":".join([name, get_language(), *parts, str(events.latest_event_id())])
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, SECONDS)
    return value

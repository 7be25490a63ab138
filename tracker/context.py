"""Who is acting in the current request or command, for the change log.

django-simple-history records the request's user by itself; an API key or a management command is not a
user, so interfaces wrap their work in `acting_as(actor)` and every history row written meanwhile names it.
"""

import contextvars
from contextlib import contextmanager

from tracker.actors import name_of

__all__ = ["acting_as", "current_actor"]

_actor = contextvars.ContextVar("tracker_actor", default=None)


def current_actor():
    """The actor set by `acting_as`, else the user of the request being served (admin and pages)."""
    actor = _actor.get()
    if actor is None:
        from simple_history.models import HistoricalRecords

        request = getattr(HistoricalRecords.context, "request", None)
        user = getattr(request, "user", None)
        actor = user if getattr(user, "is_authenticated", False) else None
    return actor


@contextmanager
def acting_as(actor):
    token = _actor.set(actor)
    try:
        yield actor
    finally:
        _actor.reset(token)


def current_actor_name():
    actor = current_actor()
    return name_of(actor) if actor is not None else ""

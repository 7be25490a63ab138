"""Who is acting in the current request or command, and under which request id, for the change log.

django-simple-history records the request's user by itself; an API key or a management command is not a
user, so interfaces wrap their work in `acting_as(actor)` and every history row written meanwhile names it.

The request id (set per request by `tracker.middleware.request_id`, per `manage.py` run by `manage.py`) ties
log lines, history rows, events and journal entries of one request together.
"""

import contextvars
import uuid
from contextlib import contextmanager

from tracker.domain.actors import name_of

__all__ = ["acting_as", "current_actor", "current_request_id", "new_request_id", "with_request_id"]

_actor = contextvars.ContextVar("tracker_actor", default=None)
_request_id = contextvars.ContextVar("tracker_request_id", default="")


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


def new_request_id(prefix=""):
    """A fresh id: 32 hex digits, after `prefix` and a dash when given ("cmd-…" for commands)."""
    return f"{prefix}-{uuid.uuid4().hex}" if prefix else uuid.uuid4().hex


def current_request_id():
    """The id of the request or command being served, "" outside both (e.g. `call_command` in tests).

    Also the default of the `request_id` columns, so rows written in bulk carry it too."""
    return _request_id.get()


@contextmanager
def with_request_id(request_id):
    token = _request_id.set(request_id)
    try:
        yield request_id
    finally:
        _request_id.reset(token)


def set_process_request_id(request_id):
    """For the whole of a short-lived process (a `manage.py` command): never reset."""
    _request_id.set(request_id)

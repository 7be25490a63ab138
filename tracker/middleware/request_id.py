"""The request id and the access log.

Every request gets an id: the caller's `X-Request-ID` when it is a sane token (a load balancer's or a partner
system's, so one id follows a request across systems), else a fresh one. It is kept in a context variable for
the duration of the request, so every log line, change-log row, event and journal entry written meanwhile
carries it (`tracker.domain.context.current_request_id`), and it is returned as `X-Request-ID` on every response.

One access line per request goes to the logger `tracker.request` (INFO; health probes at DEBUG), naming the
user, or the API key as "key:<name>", the status and the duration.
"""

import logging
import re
import time

from django.utils.functional import SimpleLazyObject, empty

from tracker.domain.actors import is_api_key
from tracker.domain.context import new_request_id, with_request_id

__all__ = ["HEADER", "RequestIdMiddleware", "principal_label"]

HEADER = "X-Request-ID"
_SANE = re.compile(r"[A-Za-z0-9._-]{1,64}")
# Probes hit these every few seconds; their access lines would drown the rest at INFO.
QUIET_PATHS = frozenset({"/healthz", "/readyz"})

access_log = logging.getLogger("tracker.request")


def request_id_from(request):
    """The caller's id if it is a sane token (at most 64 of A-Z a-z 0-9 . _ -), else a new one."""
    offered = request.headers.get(HEADER, "")
    return offered if _SANE.fullmatch(offered) else new_request_id()


def principal_label(request):
    """The label of whoever made the request: "key:<name>" for an API key, the username for a user, None when
    anonymous or not known.

    Never loads a user for the sake of the log line: the API views leave their principal on the request
    (`tracker_principal`, set once DRF has authenticated), pages have evaluated `request.user` if they needed
    it; a lazy user nobody looked at stays unlooked-at (no query, and no error while the database is down).
    """
    principal = getattr(request, "tracker_principal", None)
    if principal is None:
        principal = request.__dict__.get("user")
        if isinstance(principal, SimpleLazyObject):
            principal = None if principal._wrapped is empty else principal._wrapped
    if is_api_key(principal):
        return f"key:{principal.name}"
    if getattr(principal, "is_authenticated", False):
        return principal.get_username()
    return None


# A calendar address holds its secret (tracker.domain.calendars): the log keeps the path without it.
_SECRET_IN_PATH = re.compile(r"^(/calendar/)[^/]+(\.ics)$")


def logged_path(path):
    return _SECRET_IN_PATH.sub(r"\1…\2", path)


class RequestIdMiddleware:
    """First after SecurityMiddleware, so the id covers everything below it, error pages included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request.request_id = request_id_from(request)
        started = time.perf_counter()
        with with_request_id(request_id):
            response = self.get_response(request)
            response[HEADER] = request_id
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            path = logged_path(request.path)
            access_log.log(
                logging.DEBUG if request.path in QUIET_PATHS else logging.INFO,
                "%s %s %s %sms",
                request.method,
                path,
                response.status_code,
                duration_ms,
                extra={
                    "request_id": request_id,
                    "user": principal_label(request),
                    "method": request.method,
                    "path": path,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                },
            )
        return response

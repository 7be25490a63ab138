"""One middleware stack per kind of request: partner systems' API calls skip what only pages use.

A request to the API without a session cookie (a partner system with its key, or nobody) cannot use a session,
a CSRF cookie, flash messages, the signed-in user's language, simple-history's request or the login lockout:
`settings.API_MIDDLEWARE` is `MIDDLEWARE` without them, in the same order, and keeps every middleware that
writes a security header, the request id and access log, the database and request-size guards, and the
language of Accept-Language. Everything else, the API called from a signed-in browser included, goes through the
whole of `MIDDLEWARE`. Measured in bench/RESULTS.md ("Gains"); tests/test_middleware_stacks.py holds the two
stacks to the same headers.
"""

import threading
from contextlib import contextmanager

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.http import parse_cookie

__all__ = ["API_PREFIX", "ApiHandler", "ByKind", "is_api_request", "middleware_of"]

API_PREFIX = "/api/v1/"

_loading = threading.Lock()


@contextmanager
def middleware_of(setting):
    """`settings.MIDDLEWARE` reads as the list named `setting` meanwhile. Django's handlers load their chain
    from `settings.MIDDLEWARE` by name; swapping it for that moment (under a lock, at start-up) reuses Django's
    own loading instead of a copy of it."""
    with _loading:
        saved = settings.MIDDLEWARE
        settings.MIDDLEWARE = getattr(settings, setting)
        try:
            yield
        finally:
            settings.MIDDLEWARE = saved


def is_api_request(environ):
    """Whether `environ` is for the API and carries no session cookie: the API stack serves it."""
    if not environ.get("PATH_INFO", "").startswith(API_PREFIX):
        return False
    cookies = environ.get("HTTP_COOKIE")
    return not cookies or settings.SESSION_COOKIE_NAME not in parse_cookie(cookies)


class ApiHandler(WSGIHandler):
    """Django's WSGI handler over `settings.API_MIDDLEWARE`."""

    def load_middleware(self, is_async=False):
        with middleware_of("API_MIDDLEWARE"):
            super().load_middleware(is_async)


class ByKind:
    """The WSGI application: each request goes to the handler of its kind."""

    def __init__(self):
        self.pages = WSGIHandler()
        self.api = ApiHandler()

    def __call__(self, environ, start_response):
        handler = self.api if is_api_request(environ) else self.pages
        return handler(environ, start_response)

"""Test clients that serve each request through the middleware stack production would pick for it
(config/handlers.py): the API called with a key, or by nobody, through `API_MIDDLEWARE`; pages, and the API with
a session, through the whole of `MIDDLEWARE`. Django's and DRF's own test clients always use `MIDDLEWARE`."""

from django.test import Client
from django.test.client import ClientHandler
from rest_framework.test import APIClient, ForceAuthClientHandler

from config.handlers import is_api_request, middleware_of

__all__ = ["ApiClient", "PageClient"]

_STACK = ("_view_middleware", "_template_response_middleware", "_exception_middleware", "_middleware_chain")


class _ByKind:
    """A test client's handler holding both stacks and using, for each request, the one config.wsgi would."""

    def load_middleware(self, is_async=False):
        self._stacks = {}
        for kind in ("API_MIDDLEWARE", "MIDDLEWARE"):
            with middleware_of(kind):
                super().load_middleware(is_async)
            self._stacks[kind] = [getattr(self, name) for name in _STACK]

    def __call__(self, environ):
        if self._middleware_chain is None:
            self.load_middleware()
        # force_authenticate() stands for a signed-in browser, which sends its session cookie.
        api = is_api_request(environ) and getattr(self, "_force_user", None) is None
        for name, value in zip(_STACK, self._stacks["API_MIDDLEWARE" if api else "MIDDLEWARE"], strict=True):
            setattr(self, name, value)
        return super().__call__(environ)


class _PageHandler(_ByKind, ClientHandler):
    pass


class _ApiHandler(_ByKind, ForceAuthClientHandler):
    pass


class PageClient(Client):
    """django.test.Client, served as production serves each request."""

    def __init__(self, enforce_csrf_checks=False, **defaults):
        super().__init__(enforce_csrf_checks, **defaults)
        self.handler = _PageHandler(enforce_csrf_checks)


class ApiClient(APIClient):
    """DRF's APIClient, served as production serves each request."""

    def __init__(self, enforce_csrf_checks=False, **defaults):
        super().__init__(enforce_csrf_checks, **defaults)
        self.handler = _ApiHandler(enforce_csrf_checks)

"""The WSGI application serves the API called with a key through a lighter middleware stack than pages and the
API called from a signed-in browser (config/handlers.py), with the same security headers."""

import io
import re

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client

from config.handlers import ByKind, is_api_request
from tests import factories
from tracker.models import ApiKey

pytestmark = pytest.mark.django_db


def _environ(path, query="", **headers):
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": io.StringIO(),
        **{f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()},
    }


def _serve(app, path, query="", **headers):
    """(status, headers as a list of pairs, body) from the WSGI `app`, within the test's transaction (the test
    client, too, keeps Django from closing the connection around a request)."""
    answer = {}

    def start_response(status, response_headers, exc_info=None):
        answer.update(status=int(status.split()[0]), headers=response_headers)

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        body = b"".join(app(_environ(path, query, **headers), start_response))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return answer["status"], answer["headers"], body


@pytest.fixture(scope="module")
def application():
    return ByKind()


@pytest.fixture
def token(db):
    return ApiKey.issue(name="stacks")[1]


@pytest.fixture
def session_cookie(db):
    client = Client()
    client.force_login(factories.viewer())
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def test_which_requests_the_api_stack_serves():
    assert is_api_request(_environ("/api/v1/initiatives/"))
    assert is_api_request(_environ("/api/v1/initiatives/", Cookie="csrftoken=abc; theme=dark"))
    assert not is_api_request(_environ("/api/v1/initiatives/", Cookie=f"{settings.SESSION_COOKIE_NAME}=abc"))
    for page in ("/", "/initiatives/", "/admin/", "/api/docs/", "/api/schema/", "/apis"):
        assert not is_api_request(_environ(page))


def test_settings_list_the_api_stack_in_the_order_of_the_whole():
    assert [name for name in settings.MIDDLEWARE if name in settings.API_MIDDLEWARE] == settings.API_MIDDLEWARE
    assert "django.contrib.sessions.middleware.SessionMiddleware" not in settings.API_MIDDLEWARE
    assert "django.middleware.security.SecurityMiddleware" in settings.API_MIDDLEWARE


def test_a_key_gets_the_api_stack_and_a_session_the_whole_one(application, token, session_cookie):
    # The browsable API asks for a CSRF token for its forms: only the whole stack (CsrfViewMiddleware) sets the
    # cookie, so the cookie shows which stack served the request.
    status, headers, body = _serve(application, "/api/v1/regions/", "format=api", Authorization=f"Bearer {token}")
    assert status == 200 and b"<html" in body
    assert "Set-Cookie" not in dict(headers)
    status, headers, body = _serve(application, "/api/v1/regions/", "format=api", Cookie=session_cookie)
    assert status == 200 and b"<html" in body
    assert "csrftoken=" in dict(headers)["Set-Cookie"]


@pytest.mark.parametrize(
    ("path", "query", "status"),
    [
        ("/api/v1/initiatives/", "", 200),
        ("/api/v1/regions/", "format=api", 200),
        ("/api/v1/initiatives/no-such-code/", "", 404),
        ("/api/v1/no-such-thing/", "", 404),
        ("/api/v1/initiatives/", "page_size=0", 400),
    ],
)
def test_the_api_stack_answers_with_the_headers_of_the_whole_one(application, token, path, query, status):
    asked = {"Authorization": f"Bearer {token}", "Accept-Language": "ru"}
    lean = _serve(application, path, query, **asked)
    whole = _serve(WSGIHandler(), path, query, **asked)
    assert lean[0] == whole[0] == status

    def named(headers):
        named = dict(headers)
        del named["X-Request-ID"]  # each request has its own, and so has each page's style nonce
        named.pop("Set-Cookie", None)  # the browsable API's CSRF cookie, set by the whole stack only (above)
        named["Content-Security-Policy"] = re.sub(r"'nonce-[^']+'", "'nonce'", named["Content-Security-Policy"])
        # The whole stack adds Cookie to Vary once the session was looked at; the API stack has none to look at.
        named["Vary"] = {value.strip() for value in named.get("Vary", "").split(",")} - {"Cookie"}
        return named

    assert named(lean[1]) == named(whole[1])
    assert dict(lean[1])["Content-Language"] == "ru"

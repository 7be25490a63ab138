"""Every response carries the browser security headers: on the pages, the API (called from a signed-in browser
or with a key, through the API's own middleware stack: config/handlers.py), the admin and Swagger UI alike."""

import re

import pytest
from django.urls import reverse

from tests import factories
from tracker.models import ApiKey

PAGES = {
    "login page": ("/accounts/login/", None),
    "dashboard": ("/", "viewer"),
    "API (JSON)": ("/api/v1/regions/", "viewer"),
    "API (browsable)": ("/api/v1/regions/?format=api", "viewer"),
    "API with a key (JSON)": ("/api/v1/regions/", "key"),
    "API with a key (browsable)": ("/api/v1/regions/?format=api", "key"),
    "API with a key (not found)": ("/api/v1/regions/XX-NONE/", "key"),
    "admin": ("/admin/", "admin"),
    "admin changelist": ("/admin/tracker/initiative/", "admin"),
    "Swagger UI": ("/api/docs/", None),
}


def directives(response):
    """The Content-Security-Policy header as {directive: [sources]}."""
    policy = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        policy[name] = sources
    return policy


@pytest.fixture
def fetch(client, db):
    def get(name):
        path, role = PAGES[name]
        if role == "viewer":
            client.force_login(factories.viewer())
        elif role == "admin":
            client.force_login(factories.superuser())
        headers = {}
        if role == "key":
            _key, token = ApiKey.issue(name="headers")
            headers["Authorization"] = f"Bearer {token}"
        response = client.get(path, headers=headers)
        assert response.status_code == (404 if "not found" in name else 200), (path, response.status_code)
        return response

    return get


@pytest.mark.parametrize("name", PAGES)
def test_every_kind_of_response_carries_the_security_headers(fetch, name):
    response = fetch(name)

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions


@pytest.mark.parametrize("name", PAGES)
def test_the_content_security_policy_allows_only_this_sites_own_scripts(fetch, name):
    policy = directives(fetch(name))

    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    # Inline <style> blocks only with the nonce; style="…" attributes (style-src-attr) are another directive.
    assert "'unsafe-inline'" not in policy["style-src"]


def test_swagger_ui_runs_no_inline_script_and_its_style_block_carries_the_nonce(fetch, client):
    response = fetch("Swagger UI")
    html = response.content.decode()

    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts and all("src=" in attributes for attributes in scripts), scripts
    nonce = next(source for source in directives(response)["style-src"] if source.startswith("'nonce-"))
    assert f'<style nonce="{nonce[7:-1]}">' in html

    start_up = re.search(r'<script src="([^"]*script[^"]*)"', html).group(1).replace("&amp;", "&")
    script = client.get(start_up)
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle(" in script.content


def test_the_browsable_apis_style_block_carries_the_nonce(fetch):
    response = fetch("API (browsable)")
    html = response.content.decode()
    style_blocks = re.findall(r"<style([^>]*)>", html)
    nonces = [source for source in directives(response)["style-src"] if source.startswith("'nonce-")]
    for attributes in style_blocks:
        assert f'nonce="{nonces[0][7:-1]}"' in attributes


def test_over_https_browsers_are_told_to_keep_to_https(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True

    response = client.get(reverse("login"), secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_plain_http_is_redirected_to_https_except_the_health_checks(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True

    response = client.get(reverse("login"))
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/accounts/login/"

    for path in ("/healthz", "/readyz"):
        assert client.get(path).status_code != 301, path


def test_behind_a_trusted_proxy_its_https_counts_as_https(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    response = client.get(reverse("login"), headers={"X-Forwarded-Proto": "https"})

    assert response.status_code == 200

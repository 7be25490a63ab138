"""`Authorization: Bearer <key>` authentication with hashed API keys (tracker.models.ApiKey), and sessions."""

import drf_spectacular.authentication
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from tracker.api import keyring


class BearerKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        scheme, _sep, token = header.partition(" ")
        if scheme.lower() != self.keyword.lower():
            return None
        token = token.strip()
        # No key holds NUL (and PostgreSQL refuses to compare text holding it): an invalid key, without a query.
        key = keyring.verified(token) if token and len(token) < 200 and "\x00" not in token else None
        if key is None:
            # One answer for an unknown key, a wrong secret, a disabled or an expired key.
            raise exceptions.AuthenticationFailed(_("Invalid API key."))
        return key, key

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's session authentication, with a refusal for a missing CSRF token that says what to send instead."""

    def enforce_csrf(self, request):
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied as refused:
            raise exceptions.PermissionDenied(f"{csrf_refusal()} ({refused.detail})") from None


def csrf_refusal():
    return _(
        "This request came with a session cookie but without its CSRF token: send the token in X-CSRFToken, or "
        "authenticate with an API key (Authorization: Bearer …) instead."
    )


class BearerKeyScheme(OpenApiAuthenticationExtension):
    target_class = BearerKeyAuthentication
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key created with `manage.py create_api_key` or in the admin.",
        }


class SessionScheme(drf_spectacular.authentication.SessionScheme):
    target_class = SessionAuthentication
    match_subclasses = True

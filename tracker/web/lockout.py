"""What django-axes asks of this project: the client's address, and the page a locked-out login gets.

Both logins (the pages' `/accounts/login/` and the admin's) authenticate through axes' backend, so both end here.
"""

from django.conf import settings
from django.shortcuts import render

__all__ = ["client_ip", "client_username", "lockout_response"]


def client_ip(request):
    """The address the login came from.

    With TRUST_X_FORWARDED_FOR, the right-most X-Forwarded-For entry: the one the proxy in front of us (nginx,
    `$proxy_add_x_forwarded_for`) appended for the connection it accepted. Entries to its left were sent by the
    client and could be anything, so they are never used.
    """
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if forwarded[-1]:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR")


def client_username(request, credentials=None):
    """The username a login tried, cut to what axes can store (255): a 100,000-character username must count as
    a failed login, not fail to be recorded (a 500). Real usernames are at most 150 characters."""
    source = credentials if credentials else getattr(request, "data", request.POST)
    username = source.get(settings.AXES_USERNAME_FORM_FIELD) if source else None
    return username[:255] if isinstance(username, str) else username


def lockout_response(request, original_response=None, credentials=None):
    """429 with the lockout page, and Retry-After saying when the next try may succeed."""
    cooloff = settings.AXES_COOLOFF_TIME
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": int(cooloff.total_seconds() // 60)}
    response = render(request, "registration/lockout.html", context, status=429)
    response["Retry-After"] = str(int(cooloff.total_seconds()))
    return response

"""While the database cannot be reached, answer 503 instead of a 500 and a stack trace.

API views answer problem+json by themselves (tracker.api.errors, authentication included); this catches
the rest: pages, the admin, and anything under /api/ outside DRF. The connection is dropped by Django at the
end of such a request (it is unusable), and the next request connects afresh: no restart is needed.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

from tracker.api import errors

__all__ = ["DatabaseUnavailableMiddleware", "database_aware", "is_database_unavailable", "unavailable_response"]

logger = logging.getLogger(__name__)


def is_database_unavailable(exception):
    """Cannot connect, connection lost, statement timeout: errors that retrying later can cure."""
    return isinstance(exception, OperationalError | InterfaceError)


def unavailable_response(request, exception):
    logger.warning("database unavailable: %s %s: %s", request.method, request.path, exception)
    if request.path.startswith("/api/"):
        return errors.unavailable(request)
    # Rendered without the request: its context processors would load the user and the session. The CSP
    # nonce (set by django-csp's middleware, if installed) lets the page's own <style> through.
    html = render_to_string("503.html", {"nonce": str(getattr(request, "csp_nonce", ""))})
    response = HttpResponse(html, status=503)
    response["Cache-Control"] = "no-store"
    return errors.retry_later(response)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        return unavailable_response(request, exception) if is_database_unavailable(exception) else None


def database_aware(handler500):
    """Wrap the URLconf's handler500: an error the database caused outside any view (in a middleware, say,
    saving the session) is answered as unavailable too. Django calls handler500 while it handles the exception,
    so sys.exc_info() holds it. (With DEBUG on, Django shows its technical page instead.)"""

    def handler(request, *args, **kwargs):
        error = sys.exc_info()[1]
        if is_database_unavailable(error):
            return unavailable_response(request, error)
        return handler500(request, *args, **kwargs)

    return handler

"""Limits on what a request may send, checked before anything reads it (README, "Resource limits").

- A body over DATA_UPLOAD_MAX_MEMORY_SIZE is refused with 413 before it is read. Django checks that size only
  when `request.body` is read (form posts), and DRF reads a JSON body from the stream without any check, so it is
  checked here, on the declared Content-Length, whatever the address. Multipart uploads go on: their files do
  not count (they are spooled to disk above FILE_UPLOAD_MAX_MEMORY_SIZE) and Django counts their other fields
  while it parses them; the RequestDataTooBig it raises then is answered 413 as well (`content_too_large_aware`
  around the URLconf's handler400, and tracker.api.errors inside DRF views).
- An address (path and query) over MAX_URL_LENGTH characters is refused with 414, as problem+json under /api/.
  gunicorn reads request lines up to 8,190 bytes (its largest limit, config/gunicorn.conf.py), so the refusal
  comes from here, in the API's format, and not as gunicorn's HTML page.
- A NUL character in the path, a query parameter or a form field (name or value) is refused with 400 naming
  the parameter. No input here may hold one, and PostgreSQL refuses text holding it even in a comparison, so a
  search or a filter by it (the pages' ?region=, the admin's search and filters) would fail there, with a 500.
  Bodies in JSON are checked field by field by the API's serializers.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from tracker.api import errors
from tracker.domain.inputs import whole_number

__all__ = ["RequestLimitsMiddleware", "content_too_large", "content_too_large_aware"]

FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"


class RequestLimitsMiddleware:
    """After LocaleMiddleware (its answers are in the user's language), before anything reads the body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = len(request.META.get("PATH_INFO", "")) + len(request.META.get("QUERY_STRING", ""))
        if length > settings.MAX_URL_LENGTH:
            return _uri_too_long(request, length)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and request.content_type != MULTIPART:
            declared = request.META.get("CONTENT_LENGTH") or ""
            size = whole_number(declared)
            if size is not None and size > limit:
                return content_too_large(request, size)
            if size is None and declared.isascii() and declared.isdigit():  # more digits than any body can have
                return content_too_large(request)
        name = _name_with_nul(request)
        if name is not None:
            return _refused_nul(request, name)
        return self.get_response(request)


def _name_with_nul(request):
    """The first parameter whose name or value holds a NUL character, or None."""
    if "\x00" in request.path:
        return "path"
    sources = [request.GET]
    if request.method == "POST" and request.content_type in (FORM, MULTIPART):
        sources.append(request.POST)  # a multipart body's fields; its files are left to the views that take them
    for source in sources:
        for key, values in source.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return key
    return None


def _refused_nul(request, name):
    shown = name.replace("\x00", "\\x00")
    message = _("“%(name)s” holds a NUL character (\\x00), which no input here may hold.") % {"name": shown}
    if request.path.startswith("/api/"):
        return errors.json_problem(request, 400, "invalid", _("Invalid input"), message, errors={shown: [message]})
    return _page(request, 400, _("Bad Request"), message)


def _uri_too_long(request, length):
    message = _("The address is %(length)s characters long; at most %(limit)s are accepted. Ask for less.") % {
        "length": length,
        "limit": settings.MAX_URL_LENGTH,
    }
    if request.path.startswith("/api/"):
        return errors.json_problem(request, 414, "uri-too-long", _("URI Too Long"), message)
    return _page(request, 414, _("URI Too Long"), message)


def content_too_large(request, size=None):
    """413 for a body over DATA_UPLOAD_MAX_MEMORY_SIZE: problem+json under /api/, a short page elsewhere."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    message = errors.content_too_large_detail(size)
    if request.path.startswith("/api/"):
        return errors.json_problem(request, 413, "content-too-large", _("Content Too Large"), message, limit=limit)
    return _page(request, 413, _("Content Too Large"), message)


def content_too_large_aware(handler400):
    """Wrap the URLconf's handler400: Django answers a RequestDataTooBig raised while it parses a form (the
    fields of a multipart upload over the limit) with 400; it is a 413."""

    def handler(request, *args, **kwargs):
        exception = kwargs.get("exception", args[0] if args else None)
        if isinstance(exception, RequestDataTooBig):
            return content_too_large(request)
        return handler400(request, *args, **kwargs)

    return handler


def _page(request, status, title, message):
    # Without the request's context processors: they would load the session and the user for nothing.
    html = render_to_string("refused.html", {"title": title, "message": message, "status": status})
    return HttpResponse(html, status=status)

"""Errors as `application/problem+json` (RFC 9457): type, title, status, detail and, for bad input,
`errors` keyed by field. Every refusal of the domain maps to one status code here; nothing from /api/
is ever an HTML page or a stack trace."""

import functools
import logging

from django.apps import apps
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, InterfaceError, OperationalError
from django.db.models import UniqueConstraint
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.csrf import csrf_failure as django_csrf_failure
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from tracker.api.auth import csrf_refusal
from tracker.domain.errors import (
    ExportTooLarge,
    InvalidRows,
    StaleVersion,
    TransitionNotAllowed,
    UnfinishedWork,
    WriteConflict,
)
from tracker.domain.retries import is_lost_race

__all__ = ["PROBLEM_CONTENT_TYPE", "BadPrecondition", "PreconditionRequired", "problem", "problem_exception_handler"]

logger = logging.getLogger(__name__)
PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_BASE = "/api/problems/"
NON_FIELD = "non_field_errors"  # DRF's key for errors about the whole body (api_settings.NON_FIELD_ERRORS_KEY)
RETRY_AFTER_UNAVAILABLE = 10  # seconds a client is asked to wait while the database cannot be reached


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = "Send If-Match with the ETag you last read, so a change made meanwhile is not overwritten."
    default_code = "precondition-required"


class BadPrecondition(exceptions.APIException):
    """A conditional header that is not of the form RFC 9110 gives it: 400, the message shows the form."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid-precondition"


class ContentTooLarge(exceptions.APIException):
    """More in one request than is accepted (rows of a bulk PUT): 413, the message says the limit."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "content-too-large"


class CannotMakeHere(exceptions.APIException):
    """What this installation lacks to answer (the PDF's font): 503, the message says what to install."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "cannot-make-here"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "stale"


def problem(status_code, slug, title, detail, **extra):
    body = {"type": PROBLEM_BASE + slug, "title": title, "status": status_code, "detail": detail, **extra}
    return Response(body, status=status_code, content_type=PROBLEM_CONTENT_TYPE)


def problem_exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: turn any exception raised in an API view into a problem response."""
    response = _domain_problem(exc)
    if response is not None:
        return response
    if isinstance(exc, RequestDataTooBig):  # the fields of a multipart body (larger bodies are refused unread)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return problem(413, "content-too-large", _("Content Too Large"), content_too_large_detail(), limit=limit)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, exceptions.APIException):
        return _api_problem(exc, exception_handler(exc, context))
    if _is_statement_timeout(exc):
        logger.warning("statement timeout in %s: %s", context.get("view"), exc)
        seconds = round(settings.DB_STATEMENT_TIMEOUT_MS / 1000, 1)
        detail = _(
            "The request took longer than the database allows (%(seconds)s s) and was stopped. "
            "Ask for less (narrower filters, a smaller page) and retry."
        ) % {"seconds": seconds}
        return problem(503, "timeout", _("Service unavailable"), detail)
    if isinstance(exc, OperationalError | InterfaceError):
        logger.warning("database unavailable: %s", exc)
        response = problem(503, "unavailable", _("Service unavailable"), _("The database cannot be reached; retry."))
        return retry_later(response)
    if isinstance(exc, DatabaseError):
        logger.exception("database error in %s", context.get("view"))
        return _constraint_problem(exc) or problem(
            409, "conflict", _("Conflict"), _("The change conflicts with stored data; reload and retry.")
        )
    logger.exception("unhandled error in %s", context.get("view"))
    return problem(500, "server-error", _("Server error"), _("Something went wrong on our side; it was logged."))


def _constraint_problem(exc):
    """A 409 naming the fields of the rule a write broke in the database (a unique or check constraint another
    request got to first), with the rule's own message; never the constraint's name. None for other errors."""
    name = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None)
    constraint = _constraints().get(name) if name else None
    if constraint is None:
        return None
    fields = list(getattr(constraint, "fields", ()) or ())
    if not fields and getattr(constraint, "condition", None) is not None:
        fields = sorted(constraint.condition.referenced_base_fields)
    if constraint.violation_error_message != constraint.default_violation_error_message:
        message = str(constraint.violation_error_message)
    elif isinstance(constraint, UniqueConstraint):
        message = _("A record with the same %(fields)s already exists.") % {"fields": ", ".join(fields)}
    else:
        message = _("These values break a rule of the record: %(fields)s.") % {"fields": ", ".join(fields)}
    errors = {field: [message] for field in fields} or {NON_FIELD: [message]}
    return problem(409, "conflict", _("Conflict"), message, errors=errors)


@functools.cache
def _constraints():
    """{constraint name: constraint} of every model of the tracker."""
    return {c.name: c for model in apps.get_app_config("tracker").get_models() for c in model._meta.constraints}


def _is_statement_timeout(exc):
    """PostgreSQL cancelled the statement (SQLSTATE 57014, query_canceled): DB_STATEMENT_TIMEOUT_MS ran out."""
    return isinstance(exc, OperationalError) and getattr(exc.__cause__, "sqlstate", None) == "57014"


def content_too_large_detail(size=None):
    """What a 413 for a body over DATA_UPLOAD_MAX_MEMORY_SIZE says: the limit, and the size when it is known."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if size:
        return _("The request body has %(size)s bytes; at most %(limit)s are accepted.") % {
            "size": size,
            "limit": limit,
        }
    return _("The request holds more than %(limit)s bytes of data (files aside), the most that is accepted.") % {
        "limit": limit
    }


def _domain_problem(exc):
    if isinstance(exc, TransitionNotAllowed):
        allowed = [str(value) for value in exc.allowed]
        return problem(409, "transition-not-allowed", _("Transition not allowed"), str(exc), allowed=allowed)
    if isinstance(exc, UnfinishedWork):
        still_open = [
            {
                "id": item.pk,
                "kind": item.kind,
                "title": item.title,
                "due_date": item.due_date and item.due_date.isoformat(),
            }
            for item in exc.open_items
        ]
        title = _("Not finished")
        return problem(409, "unfinished-work", title, str(exc), open_items=still_open, health=exc.health)
    if isinstance(exc, StaleVersion):
        return problem(412, "stale", _title(412), str(exc), current_version=exc.current)
    if isinstance(exc, ExportTooLarge):
        title = _("Content Too Large")
        return problem(413, "export-too-large", title, str(exc), count=exc.count, limit=exc.limit)
    if isinstance(exc, InvalidRows):
        return problem(400, "invalid-rows", _("Invalid input"), str(exc), errors={"rows": exc.errors})
    if isinstance(exc, WriteConflict) or is_lost_race(exc):
        # Lost a race inside the database (after the domain's retries, if it had any): the same request again
        # will do, so no "reload" as for a stale version, and not 503: the database is there.
        logger.warning("write conflict: %s", exc.__cause__ or exc)
        detail = str(exc) if isinstance(exc, WriteConflict) else str(WriteConflict())
        return retry_later(problem(409, "write-conflict", _("Conflict"), detail), seconds=1)
    if isinstance(exc, DjangoValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD: exc.messages}
        # A model-wide check (a constraint) is reported under the same key as the serializer's own.
        errors = {NON_FIELD if field == NON_FIELD_ERRORS else field: messages for field, messages in errors.items()}
        return problem(400, "invalid", _("Invalid input"), _first_message(errors), errors=errors)
    return None


def _api_problem(exc, response):
    detail = exc.detail
    extra = {}
    title = _title(exc.status_code)
    if isinstance(exc, exceptions.ValidationError):
        errors = detail if isinstance(detail, dict) else {NON_FIELD: detail}
        extra["errors"] = errors
        text = _first_message(errors)
        title = _("Invalid input")  # one title per problem type, as for the domain's own validation errors
    else:
        text = str(detail)
    slug = exc.default_code.replace("_", "-") if isinstance(exc.default_code, str) else "error"
    result = problem(exc.status_code, slug, title, text, **extra)
    for header in ("WWW-Authenticate", "Retry-After", "Allow"):
        if response is not None and header in response:
            result[header] = response[header]
    return result


def _title(status_code):
    from http import HTTPStatus

    return HTTPStatus(status_code).phrase


def _first_message(errors):
    """A one-line summary naming the first field at fault, for clients that show only `detail`."""
    for field, messages in errors.items():
        message = messages
        while isinstance(message, list | dict):
            message = next(iter(message.values() if isinstance(message, dict) else message), "")
        return f"{field}: {message}" if field != NON_FIELD else str(message)
    return _("Invalid input.")


def json_problem(request, status_code, slug, title, detail, **extra):
    """A plain Django problem response, for errors raised outside DRF views (404 on unknown URLs, 500)."""
    body = {"type": PROBLEM_BASE + slug, "title": title, "status": status_code, "detail": detail, **extra}
    return JsonResponse(body, status=status_code, content_type=PROBLEM_CONTENT_TYPE)


def unavailable(request):
    """503 for a database that cannot be reached, outside DRF views (tracker.middleware.database)."""
    response = json_problem(
        request, 503, "unavailable", _("Service unavailable"), _("The database cannot be reached; retry.")
    )
    return retry_later(response)


def retry_later(response, seconds=RETRY_AFTER_UNAVAILABLE):
    response["Retry-After"] = str(seconds)
    # Logged at WARNING where it happened; Django would add an ERROR line (and an email to ADMINS) per request
    # for as long as the outage lasts.
    response._has_been_logged = True
    return response


@csrf_exempt  # an unknown address is 404 whatever the method, never a CSRF page
def not_found(request, *args, **kwargs):
    return json_problem(request, 404, "not-found", _("Not Found"), _("No resource at this address."))


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a session's unsafe request without its CSRF token. Under /api/ a problem saying what to
    send; elsewhere Django's own page."""
    if not request.path.startswith("/api/"):
        return django_csrf_failure(request, reason)
    return json_problem(request, 403, "csrf", _("Forbidden"), csrf_refusal())

"""Log formatters: JSON lines for production (one object per line on stdout, for a log collector), and a
readable line for development. Chosen by LOG_FORMAT in settings.LOGGING.

A JSON line always holds `time` (UTC, ISO 8601), `level`, `logger` and `message`; `request_id` when the record
was logged while serving a request or command; the access log's `user`, `method`, `path`, `status` and
`duration_ms` (tracker.middleware.request_id); and `exception` (the formatted traceback) when there is one.
"""

import datetime
import json
import logging

from tracker.domain.context import current_request_id

__all__ = ["JsonFormatter", "TextFormatter", "request_id_of"]

# Fields the access log passes in `extra`, copied to the JSON object as they are.
REQUEST_FIELDS = ("user", "method", "path", "status", "duration_ms")


def request_id_of(record):
    """The id given with the record, else the request's that Django's own records carry (`django.request`
    logs some after the middleware has finished), else the one being served while it is logged."""
    given = getattr(record, "request_id", None)
    if given:
        return given
    request = getattr(record, "request", None)
    return getattr(request, "request_id", None) or current_request_id()


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = request_id_of(record)
        if request_id:
            entry["request_id"] = request_id
        for name in REQUEST_FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        request = getattr(record, "request", None)  # django.request's "Not Found: …", "Internal Server Error: …"
        if request is not None and "path" not in entry:
            entry["method"] = getattr(request, "method", None)
            entry["path"] = getattr(request, "path", None)
        if "status" not in entry and hasattr(record, "status_code"):
            entry["status"] = record.status_code
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """`2026-01-31 12:00:00,000 INFO tracker.request [3f2a…] GET / 200 12.5ms`."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record):
        record.request_id = request_id_of(record) or "-"
        return super().format(record)

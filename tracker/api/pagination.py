"""Keyset ("cursor") pagination: a page is the rows after the last one seen, in a total order.

Unlike page numbers it never issues COUNT(*), costs the same on page 1 and page 10,000, and does not skip
or repeat rows when others write meanwhile. The order is a view's `ordering_keys` entry: a list of fields
ending in a unique one (the id), so every row has exactly one place.
"""

import base64
import datetime
import json

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from tracker.api.parameters import whole_number_parameter

__all__ = ["KeysetPagination"]


class KeysetPagination(BasePagination):
    cursor_param = "cursor"
    page_size_param = "page_size"
    ordering_param = "ordering"

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page_size = self._page_size(request)
        self.fields = self._ordering(request, view)
        queryset = queryset.order_by(*[f"-{name}" if desc else name for name, desc in self.fields])
        position = self._decode(request.query_params.get(self.cursor_param))
        if position is not None:
            try:
                queryset = queryset.filter(self._after(position))
            except (ValueError, TypeError, DjangoValidationError):  # a value of the wrong type for its field
                raise self._invalid_cursor() from None
        rows = list(queryset[: self.page_size + 1])
        self.has_next = len(rows) > self.page_size
        self.page = rows[: self.page_size]
        return self.page

    def get_paginated_response(self, data):
        return Response({"next": self.next_link(), "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {"type": "string", "format": "uri", "nullable": True},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        choices = sorted(getattr(view, "ordering_keys", {}) or {"": None})
        return [
            _parameter(self.cursor_param, "Opaque position from the `next` link.", {"type": "string"}),
            _parameter(
                self.page_size_param,
                f"Rows per page (default {settings.API_PAGE_SIZE}, at most {settings.API_MAX_PAGE_SIZE}).",
                {"type": "integer", "minimum": 1, "maximum": settings.API_MAX_PAGE_SIZE},
            ),
            _parameter(self.ordering_param, "Sort order.", {"type": "string", "enum": [c for c in choices if c]}),
        ]

    # --- internals ------------------------------------------------------------------------------------

    def _page_size(self, request):
        return whole_number_parameter(
            request, self.page_size_param, settings.API_PAGE_SIZE, 1, settings.API_MAX_PAGE_SIZE
        )

    def _ordering(self, request, view):
        keys = view.ordering_keys
        given = request.query_params.get(self.ordering_param)
        name = view.default_ordering if given is None else given  # `?ordering=` names no order: refused
        if name not in keys:
            message = _("Use one of: %(choices)s.") % {"choices": ", ".join(sorted(keys))}
            raise exceptions.ValidationError({self.ordering_param: [message]})
        self.ordering_name = name
        return keys[name]

    def _after(self, position):
        """Rows strictly after `position` in the (possibly mixed-direction) order of self.fields."""
        condition = Q()
        equal = Q()
        for (name, desc), value in zip(self.fields, position, strict=True):
            condition |= equal & Q(**{f"{name}__{'lt' if desc else 'gt'}": value})
            equal &= Q(**{name: value})
        return condition

    def next_link(self):
        if not self.has_next:
            return None
        last = self.page[-1]
        values = [_encode_value(_value_of(last, name)) for name, _desc in self.fields]
        token = base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")
        url = self.request.build_absolute_uri()
        return replace_query_param(remove_query_param(url, self.cursor_param), self.cursor_param, token)

    def _decode(self, token):
        if token is None:
            return None
        if not token:  # `?cursor=` is no page a `next` link gives
            raise self._invalid_cursor()
        try:
            values = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
            if not isinstance(values, list) or len(values) != len(self.fields):
                raise ValueError
            return [_decode_value(value) for value in values]
        except (ValueError, TypeError, KeyError, UnicodeDecodeError):
            raise self._invalid_cursor() from None

    def _invalid_cursor(self):
        message = _("Invalid cursor: use the `next` link of the previous page, with the same ordering.")
        return exceptions.ValidationError({self.cursor_param: [message]})

    def to_html(self):  # the browsable API shows the `next` link in the body
        return ""


def _value_of(row, name):
    return row[name] if isinstance(row, dict) else getattr(row, name)


def _encode_value(value):
    if isinstance(value, datetime.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"d": value.isoformat()}
    return value


def _decode_value(value):
    if isinstance(value, dict):
        parsed = parse_datetime(value["dt"]) if "dt" in value else parse_date(value["d"])
        if parsed is None or ("dt" in value and parsed.tzinfo is None):  # _encode_value writes aware times
            raise ValueError
        return parsed
    # Otherwise only what _encode_value writes: codes and 64-bit ids (never null: no order key is nullable).
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError
    if isinstance(value, str) and "\x00" in value:  # never written by _encode_value; PostgreSQL refuses it
        raise ValueError
    if isinstance(value, int) and not -(2**63) <= value < 2**63:
        raise ValueError
    return value


def _parameter(name, description, schema):
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}

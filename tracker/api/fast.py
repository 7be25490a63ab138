"""Hot lists rendered straight from `values()` rows with orjson: no model instances, no serializer fields.

GET /api/v1/initiatives/ (and each initiative), /milestones/ and an indicator's observations are what partner
systems poll; building 50 model instances and running DRF's field machinery on them cost more than the query
itself (see bench/RESULTS.md, "Gains"). The rows here must equal the
serializer's output exactly: tests/api/test_fast_lists.py compares them row for row, so the serializer stays the
single definition of the representation and this module only a faster way to produce it.
"""

from decimal import Decimal
from typing import NamedTuple

import orjson
from django.db import connection
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from tracker.domain import languages, permissions
from tracker.domain.actors import is_api_key
from tracker.domain.choices import MilestoneState, Qualifier, Status
from tracker.models import Initiative, Milestone

__all__ = [
    "INITIATIVE_FIELDS",
    "MILESTONE_FIELDS",
    "OBSERVATION_FIELDS",
    "CompiledOnce",
    "Version",
    "initiative_rows",
    "json_response",
    "milestone_rows",
    "observation_rows",
]

INITIATIVE_FIELDS = (
    "id",
    "code",
    *languages.columns("title"),
    *languages.columns("summary"),
    "area__code",
    *languages.columns("area__name"),
    "partner_region__code",
    *languages.columns("partner_region__name"),
    "status",
    "health",
    *languages.columns("health_reason"),
    "priority",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
    "visibility",
    "origin_id",
    "origin__date",
    *languages.columns("origin__place"),
    *languages.columns("origin__title"),
    "origin__partner_region_id",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "source__key",
    *languages.columns("source_detail"),
    "version",
    "created_at",
    "updated_at",
)


MILESTONE_FIELDS = (
    "id",
    "initiative__code",
    "kind",
    *languages.columns("title"),
    "responsible_organisation_id",
    *languages.columns("responsible_organisation__short_name"),
    *languages.columns("responsible_organisation__name"),
    "responsible_person",
    "meeting_id",
    "due_date",
    "state",
    "done_on",
    "version",
    "updated_at",
)

OBSERVATION_FIELDS = (
    "id",  # not shown: the cursor's last key (period_start, id)
    "period",
    "period_start",
    "value",
    "qualifier",
    "is_derived",
    "formula",
    "note",
    "source__key",
    "version",
    "updated_at",
)


class Version(NamedTuple):
    """A row's version where tracker.api.concurrency asks for an instance's (its ETag, If-None-Match)."""

    version: int


_IATI = {status.value: status.iati_code for status in Status}
_SYMBOLS = {qualifier.value: qualifier.symbol for qualifier in Qualifier}
_CENTS = Decimal("0.01")
_MARK = "__code__"


def initiative_rows(rows, request):
    """The InitiativeSerializer representation of each `values(*INITIATIVE_FIELDS)` row."""
    url = request.build_absolute_uri(reverse("api:initiative-detail", args=[_MARK]))
    before, _, after = url.partition(_MARK)
    order = languages.reading_order()
    translated = languages.translated_fields(Initiative)
    zone = timezone.get_current_timezone()
    key = request.user if is_api_key(request.user) else None  # a partner reads people's names only
    return [
        {
            "code": row["code"],
            "url": f"{before}{row['code']}{after}",
            "title": languages.pick(row, "title", order),
            "summary": languages.pick(row, "summary", order),
            "translations": {field: _every_language(row, field) for field in translated},
            "area": _brief(row, "area", order),
            "partner_region": _brief(row, "partner_region", order),
            "status": row["status"],
            "iati_status": _IATI[row["status"]],
            "health": row["health"],
            "health_reason": languages.pick(row, "health_reason", order),
            "priority": row["priority"],
            "owner": _owner(row, key),
            "visibility": row["visibility"],
            "origin": _origin(row, key),
            "planned_start": row["planned_start"],
            "planned_end": row["planned_end"],
            "actual_start": row["actual_start"],
            "actual_end": row["actual_end"],
            "source": row["source__key"],
            "source_detail": languages.pick(row, "source_detail", order),
            "version": row["version"],
            "created_at": row["created_at"].astimezone(zone),  # written by json_response
            "updated_at": row["updated_at"].astimezone(zone),
        }
        for row in rows
    ]


def milestone_rows(rows):
    """The MilestoneSerializer representation of each `values(*MILESTONE_FIELDS)` row."""
    order = languages.reading_order()
    translated = languages.translated_fields(Milestone)
    zone = timezone.get_current_timezone()
    today = timezone.localdate()
    return [
        {
            "id": row["id"],
            "initiative": row["initiative__code"],
            "kind": row["kind"],
            "title": languages.pick(row, "title", order),
            "translations": {field: _every_language(row, field) for field in translated},
            "responsible_organisation": _organisation(row, "responsible_organisation", order),
            "responsible_person": row["responsible_person"],
            "meeting": row["meeting_id"],
            "due_date": row["due_date"],
            "state": row["state"],
            "done_on": row["done_on"],
            "overdue": row["state"] == MilestoneState.OPEN and row["due_date"] is not None and row["due_date"] < today,
            "version": row["version"],
            "updated_at": row["updated_at"].astimezone(zone),
        }
        for row in rows
    ]


def observation_rows(rows):
    """The ObservationSerializer representation of each `values(*OBSERVATION_FIELDS)` row."""
    zone = timezone.get_current_timezone()
    return [
        {
            "period": row["period"],
            "period_start": row["period_start"],
            "value": _money(row["value"]),
            "qualifier": row["qualifier"],
            "qualifier_symbol": _SYMBOLS[row["qualifier"]],
            "is_derived": row["is_derived"],
            "formula": row["formula"],
            "note": row["note"],
            "source": row["source__key"],
            "version": row["version"],
            "updated_at": row["updated_at"].astimezone(zone),
        }
        for row in rows
    ]


class CompiledOnce:
    """The SQL Django compiles for a `values()` queryset, kept per shape and run again with another value.

    Compiling the initiative detail's query (32 columns over five joins, and the visibility rule) took longer than
    PostgreSQL takes to run it (bench/RESULTS.md, "Gains"). The queryset stays the one definition: `build(value)`
    makes it, and it is compiled once per `shape` (everything else its SQL depends on) with a stand-in in the
    value's place, which each later call replaces with its own value.
    """

    _STAND_IN = "\x00stand-in"  # no real value holds a NUL

    def __init__(self):
        self._compiled = {}

    def rows(self, shape, build, value):
        """The rows of `build(value)`, as `values()` gives them."""
        compiled = self._compiled.get(shape)
        if compiled is None:
            compiled = self._compiled[shape] = _Compiled.of(build(self._STAND_IN), self._STAND_IN)
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, compiled.params_with(value))
            rows = cursor.fetchall()
        if compiled.converters:  # none on PostgreSQL for these columns; SQLite reads dates and times from text
            rows = compiled.compiler.apply_converters(rows, compiled.converters)
        return [dict(zip(compiled.names, row, strict=True)) for row in rows]


class _Compiled(NamedTuple):
    sql: str
    params: tuple
    at: int
    names: list
    compiler: object
    converters: dict

    @classmethod
    def of(cls, queryset, stand_in):
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        if params.count(stand_in) != 1:
            raise ValueError(f"the value must be one parameter of the query, once: {params!r}")
        columns = [column for column, _sql, _alias in compiler.select[: compiler.col_count]]
        query = queryset.query
        names = [*query.extra_select, *query.values_select, *query.annotation_select]  # as ValuesIterable
        return cls(sql, tuple(params), params.index(stand_in), names, compiler, compiler.get_converters(columns))

    def params_with(self, value):
        return (*self.params[: self.at], value, *self.params[self.at + 1 :])


def json_response(data, status=200):
    """`data` as JSON. orjson writes datetimes as DRF does (ISO 8601 in their own zone, UTC as Z) but in C."""
    return HttpResponse(orjson.dumps(data, option=orjson.OPT_UTC_Z), status=status, content_type="application/json")


def _every_language(row, field):
    return {language: row[languages.column(field, language)] or None for language in languages.CONTENT_LANGUAGES}


def _brief(row, prefix, order):
    return {"code": row[f"{prefix}__code"], "name": languages.pick(row, f"{prefix}__name", order)}


def _organisation(row, prefix, order):
    """{id, name} as BriefId writes an organisation: its name as Organisation.__str__ reads it."""
    if row[f"{prefix}_id"] is None:
        return None
    own = order[0]
    name = (
        row[languages.column(f"{prefix}__short_name", own)]
        or row[languages.column(f"{prefix}__name", own)]
        or languages.pick(row, f"{prefix}__short_name", order)
        or languages.pick(row, f"{prefix}__name", order)
    )
    return {"id": row[f"{prefix}_id"], "name": name}


def _money(value):
    """A figure as DRF's DecimalField writes it (two decimals, a string, never an exponent); None stays None."""
    return None if value is None else f"{value.quantize(_CENTS):f}"


def _owner(row, key):
    username = row["owner__username"]
    if username is None:
        return None
    full_name = f"{row['owner__first_name']} {row['owner__last_name']}".strip()
    if key is not None:
        return {"username": None, "name": permissions.person_for_partners(full_name)}
    return {"username": username, "name": full_name or username}


def _origin(row, key):
    if row["origin_id"] is None:
        return None
    if key is not None and not permissions.can_see_meeting_of(key, row["origin__partner_region_id"]):
        return None
    return {
        "id": row["origin_id"],
        "name": f"{row['origin__date']:%Y-%m-%d}, {languages.pick(row, 'origin__place')}: "
        f"{languages.pick(row, 'origin__title')}",
    }

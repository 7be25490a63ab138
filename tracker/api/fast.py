"""Hot lists rendered straight from `values()` rows with orjson: no model instances, no serializer fields.

GET /api/v1/initiatives/ is what partner systems poll; building 50 model instances and running DRF's field
machinery on them cost more than the query itself (see bench/RESULTS.md, "Gains"). The rows here must equal the
serializer's output exactly: tests/api/test_fast_lists.py compares them row for row, so the serializer stays the
single definition of the representation and this module only a faster way to produce it.
"""

import orjson
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from tracker.domain import languages, permissions
from tracker.domain.actors import is_api_key
from tracker.domain.choices import Status
from tracker.models import Initiative

__all__ = ["INITIATIVE_FIELDS", "initiative_rows", "json_response"]

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

_IATI = {status.value: status.iati_code for status in Status}
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


def json_response(data, status=200):
    """`data` as JSON. orjson writes datetimes as DRF does (ISO 8601 in their own zone, UTC as Z) but in C."""
    return HttpResponse(orjson.dumps(data, option=orjson.OPT_UTC_Z), status=status, content_type="application/json")


def _every_language(row, field):
    return {language: row[languages.column(field, language)] or None for language in languages.CONTENT_LANGUAGES}


def _brief(row, prefix, order):
    return {"code": row[f"{prefix}__code"], "name": languages.pick(row, f"{prefix}__name", order)}


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

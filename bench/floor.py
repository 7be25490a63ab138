"""The floor: the initiatives page as cheaply as Python can serve it, to measure the API against.

A bare WSGI app (no Django) that answers GET /api/v1/initiatives/?status=…&ordering=code&page_size=N with one
hand-written SQL query joining the same related rows as the API's representation (area, partner region,
owner, origin meeting, source) and the same visibility rule as an unrestricted partner key, serialised with
orjson into the same JSON shape ({"next", "results"}). It does not authenticate (the API spends one query on
the key) and has no middleware: whatever the API costs above this is framework and project code.

It also gives the fixed cost's floor: the trivial answer, what the cheapest WSGI app behind the same gunicorn
answers without touching the database: `GET /api/v1/` (a constant JSON body naming the lists) and
`HEAD /api/v1/initiatives/<code>/` (304 with the tag of If-None-Match, trusted unread; without that header, 200
with the constant body's headers and no body). Whatever the API spends on a trivial answer above these is its
fixed cost per request: middleware, authentication, the rate check, the view.

Served by gunicorn like the app (`gunicorn bench.floor:app`); BENCH_DSN names the database. Each worker opens
one psycopg connection on its first request (after the fork) and keeps it.
"""

import base64
import os
from urllib.parse import parse_qs

import orjson
import psycopg

from tracker.domain.choices import Status  # plain enums: importing them needs no Django settings

_IATI = {status.value: status.iati_code for status in Status}
_SHARED = ["shared", "public"]
_DEFAULT_PAGE_SIZE = 50

_SQL = """
SELECT i.code, i.title_ru, i.title_en, i.summary_ru, i.summary_en, a.code, a.name_ru, a.name_en, r.code,
       r.name_ru, r.name_en, i.status, i.health, i.health_reason_ru, i.health_reason_en, i.priority, u.username,
       u.first_name, u.last_name, i.visibility, m.id, m.date, m.place_ru, m.place_en, m.title_ru, m.title_en,
       i.planned_start, i.planned_end, i.actual_start, i.actual_end, s.key, i.source_detail_ru, i.source_detail_en,
       i.version, i.created_at, i.updated_at
FROM tracker_initiative i
JOIN tracker_area a ON a.id = i.area_id
JOIN tracker_region r ON r.id = i.partner_region_id
LEFT JOIN auth_user u ON u.id = i.owner_id
LEFT JOIN tracker_meeting m ON m.id = i.origin_id
LEFT JOIN tracker_source s ON s.id = i.source_id
WHERE i.visibility = ANY(%(shared)s) {conditions}
ORDER BY i.code
LIMIT {limit}
"""
# One statement per combination of the parameters given and page size, as a hand-written endpoint would build
# it (and as Django writes LIMIT: a number in the text): psycopg prepares each after five runs and PostgreSQL
# then reuses a generic plan. With "(%(statuses)s IS NULL OR …)" and the limit as parameters, PostgreSQL
# judged the generic plan too costly and planned afresh on every request: at 10,000 initiatives 3 ms of
# planning against 0.4 ms of execution, which made the floor four times slower than it needs to be.
_CONDITIONS = {"statuses": "AND i.status = ANY(%(statuses)s)", "after": "AND i.code > %(after)s"}

_connection = None


def _cursor():
    global _connection
    if _connection is None or _connection.closed:
        # The session time zone makes datetimes come back as the API renders them (TIME_ZONE, local time).
        _connection = psycopg.connect(
            os.environ["BENCH_DSN"], autocommit=True, options=f"-c timezone={os.environ.get('TIME_ZONE', 'UTC')}"
        )
    return _connection.cursor()


def _item(row, base):
    # Texts in both languages, read Russian first as the app does for a client that asks for no language.
    (code, title_ru, title_en, summary_ru, summary_en, area_code, area_ru, area_en, region_code, region_ru,
     region_en, status, health, reason_ru, reason_en, priority, username, first_name, last_name, visibility,
     meeting_id, meeting_date, place_ru, place_en, meeting_ru, meeting_en, planned_start, planned_end,
     actual_start, actual_end, source_key, detail_ru, detail_en, version, created_at, updated_at) = row  # fmt: skip
    owner = None
    if username is not None:
        owner = {"username": username, "name": f"{first_name} {last_name}".strip() or username}
    origin = None
    if meeting_id is not None:  # str(Meeting), as the API's brief object shows it
        place, meeting_title = place_ru or place_en or "", meeting_ru or meeting_en or ""
        origin = {"id": meeting_id, "name": f"{meeting_date:%Y-%m-%d}, {place}: {meeting_title}"}
    return {
        "code": code,
        "url": f"{base}{code}/",
        "title": title_ru or title_en or "",
        "summary": summary_ru or summary_en or "",
        "translations": {
            "title": {"ru": title_ru or None, "en": title_en or None},
            "summary": {"ru": summary_ru or None, "en": summary_en or None},
            "health_reason": {"ru": reason_ru or None, "en": reason_en or None},
            "source_detail": {"ru": detail_ru or None, "en": detail_en or None},
        },
        "area": {"code": area_code, "name": area_ru or area_en or ""},
        "partner_region": {"code": region_code, "name": region_ru or region_en or ""},
        "status": status,
        "iati_status": _IATI[status],
        "health": health,
        "health_reason": reason_ru or reason_en or "",
        "priority": priority,
        "owner": owner,
        "visibility": visibility,
        "origin": origin,
        "planned_start": planned_start,
        "planned_end": planned_end,
        "actual_start": actual_start,
        "actual_end": actual_end,
        "source": source_key,
        "source_detail": detail_ru or detail_en or "",
        "version": version,
        "created_at": created_at,
        "updated_at": updated_at,
    }


def _cursor_token(code):
    """The API's keyset cursor for ordering=code: base64url of the JSON list of the last row's key."""
    return base64.urlsafe_b64encode(orjson.dumps([code])).decode().rstrip("=")


def _respond(start_response, status, body, content_type="application/json"):
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))])
    return [body]


# The trivial answer: built once, as a constant, so a request costs only the WSGI call and gunicorn's I/O.
TRIVIAL_BODY = orjson.dumps(
    {name: f"/api/v1/{name}/" for name in ("initiatives", "milestones", "meetings", "indicators", "changes")}
)
_INITIATIVES = "/api/v1/initiatives/"


def _trivial(environ, start_response):
    """The fixed cost's floor: `GET /api/v1/`, or `HEAD /api/v1/initiatives/<code>/` (any code: no database),
    answered with the constant body (its headers only for HEAD; 304 for a HEAD with If-None-Match); None for any
    other request."""
    path, method = environ["PATH_INFO"], environ["REQUEST_METHOD"]
    detail = path.startswith(_INITIATIVES) and path.count("/") == 5 and path.endswith("/") and method == "HEAD"
    if not (detail or (path == "/api/v1/" and method in ("GET", "HEAD"))):
        return None
    if detail and "HTTP_IF_NONE_MATCH" in environ:
        start_response("304 Not Modified", [("ETag", environ["HTTP_IF_NONE_MATCH"])])
        return []
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(TRIVIAL_BODY)))])
    return [] if method == "HEAD" else [TRIVIAL_BODY]


def app(environ, start_response):
    if environ["PATH_INFO"] != _INITIATIVES:  # the list first: the trivial answers add nothing to its cost
        trivial = _trivial(environ, start_response)
        return _respond(start_response, "404 Not Found", b'{"detail":"not found"}') if trivial is None else trivial
    query = parse_qs(environ.get("QUERY_STRING", ""))
    if query.get("ordering", ["code"]) != ["code"]:
        return _respond(start_response, "400 Bad Request", b'{"detail":"the floor orders by code only"}')
    size = int(query.get("page_size", [_DEFAULT_PAGE_SIZE])[0])
    after = None
    if "cursor" in query:
        token = query["cursor"][0]
        after = orjson.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))[0]
    params = {"shared": _SHARED, "statuses": query.get("status"), "after": after}
    conditions = " ".join(sql for name, sql in _CONDITIONS.items() if params[name] is not None)
    with _cursor() as cursor:
        rows = cursor.execute(_SQL.format(conditions=conditions, limit=size + 1), params).fetchall()
    base = f"{environ['wsgi.url_scheme']}://{environ['HTTP_HOST']}{_INITIATIVES}"
    results = [_item(row, base) for row in rows[:size]]
    next_link = None
    if len(rows) > size:
        rest = "&".join(f"{k}={v}" for k, values in query.items() if k != "cursor" for v in values)
        next_link = f"{base}?{rest}&cursor={_cursor_token(results[-1]['code'])}"
    return _respond(start_response, "200 OK", orjson.dumps({"next": next_link, "results": results}))

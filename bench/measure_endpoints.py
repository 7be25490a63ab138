"""Every other API GET against the list, and the fixed cost of an answer against the floor's trivial answer.

Issue #19 asks each other GET (detail, journal, changes, milestones, participations, indicator links, meetings,
organisations, observations; a page of 50 where a list) for ≥ 0.8× the initiatives list's requests/s, and the
detail for ≥ 1.5×; and an authenticated, rate-checked, trivial answer for ≥ 0.5× the floor's trivial answer.
All of them, the list (the same URL as measure_api's) and the floor's trivial answers are measured with wrk in
the same interleaved rounds, so the machine's drift weighs on every ratio alike.

The fixed cost is `GET /api/v1/` when the project answers it, and `HEAD /api/v1/initiatives/<code>/` in any
case. The HEAD carries `If-None-Match` with the initiative's current ETag, so it is answered 304: wrk cannot
count an answer to HEAD that has a Content-Length (every one is a read error, wg/wrk#198), and a 304 has none to
wait for. The floor answers both without the database (bench/floor.py).
"""

import json
from typing import NamedTuple

from bench.context import log
from bench.data import SHARED
from bench.http_client import expect_ok, request
from bench.measure_api import PAGE_SIZE, Target, interleaved, list_query, summary, warm_up
from bench.report import Row, skipped

__all__ = ["measure_endpoints"]

WHAT = "API endpoints"
LIST = "list"


class Endpoint(NamedTuple):
    name: str
    path: str
    target: float  # at least this many times the list's requests/s
    visible: int | None = None  # a list's rows visible to the key (None: a detail)
    few: str = ""  # why a list has fewer than a page, when it has


# The rows of each list that the unrestricted partner key sees (what tracker.domain.permissions.restrict lets
# through for it): to check every page is as full as the data allows.
_PARTS = "SELECT count(*) FROM {} p JOIN tracker_initiative i ON i.id = p.initiative_id WHERE i.visibility = ANY(%s)"
_VISIBLE = {
    "changes": ("SELECT count(*) FROM tracker_event WHERE shared", False),
    "milestones": (_PARTS.format("tracker_milestone"), True),
    "participations": (_PARTS.format("tracker_participation"), True),
    "indicator links": (_PARTS.format("tracker_initiativeindicator"), True),
    "meetings": ("SELECT count(*) FROM tracker_meeting", False),
    "organisations": ("SELECT count(*) FROM tracker_organisation", False),
}


def _visible(ctx):
    with ctx.connect() as connection:
        return {
            name: connection.execute(sql, [list(SHARED)] if shared else None).fetchone()[0]
            for name, (sql, shared) in _VISIBLE.items()
        }


def _endpoints(ctx):
    code, indicator = ctx.targets["api_initiative"], ctx.targets["api_indicator"]
    visible, page = _visible(ctx), f"page_size={PAGE_SIZE}"
    every = "every one the key sees"
    return [
        Endpoint("detail", f"/api/v1/initiatives/{code}/", 1.5),
        Endpoint(
            "journal",
            f"/api/v1/initiatives/{code}/journal/?{page}",
            0.8,
            ctx.targets["api_initiative_journal"],
            "the most journal entries of any shared initiative",
        ),
        Endpoint("changes", f"/api/v1/changes/?limit={PAGE_SIZE}", 0.8, visible["changes"], every),
        Endpoint("milestones", f"/api/v1/milestones/?{page}", 0.8, visible["milestones"], every),
        Endpoint("participations", f"/api/v1/participations/?{page}", 0.8, visible["participations"], every),
        Endpoint("indicator links", f"/api/v1/indicator-links/?{page}", 0.8, visible["indicator links"], every),
        Endpoint("meetings", f"/api/v1/meetings/?{page}", 0.8, visible["meetings"], every),
        Endpoint("organisations", f"/api/v1/organisations/?{page}", 0.8, visible["organisations"], every),
        Endpoint(
            "observations",
            f"/api/v1/indicators/{indicator}/observations/?{page}",
            0.8,
            ctx.targets["api_indicator_observations"],
            "the most figures of any series",
        ),
    ]


def _check(ctx, app, endpoint):
    """The rows of a list's page (None for the detail), after checking it answered 200 with a page as full as
    the data allows: a short page would flatter the endpoint."""
    body = json.loads(expect_ok(f"{app.url}{endpoint.path}", ctx.auth_headers, f"API {endpoint.name}"))
    if endpoint.visible is None:
        if body.get("code") != ctx.targets["api_initiative"]:
            raise RuntimeError(f"API detail {endpoint.path}: answered {str(body)[:300]}")
        return None
    rows, expected = len(body.get("results", ())), min(PAGE_SIZE, endpoint.visible)
    if rows != expected:
        raise RuntimeError(
            f"API {endpoint.name} {endpoint.path}: {rows} rows; the key sees {endpoint.visible:,}, "
            f"so a page of {PAGE_SIZE} should hold {expected}."
        )
    log(f"API {endpoint.name}: {rows} rows of {endpoint.visible:,} visible to the key")
    return rows


def _expect_status(target, status, what):
    answered, _headers, body = request(target.method, target.url, target.headers)
    if answered != status:
        raise RuntimeError(f"{what}: expected {status}, got {answered} from {target.url}\n{body[:2000]!r}")


def _fixed_cost_targets(ctx, app, floor):
    """{name: Target} of the trivial answers: the project's and the floor's `GET /api/v1/` (when the project
    answers it) and the HEAD of the detail made conditional on its ETag (a 304)."""
    detail = f"/api/v1/initiatives/{ctx.targets['api_initiative']}/"
    _status, headers, _body = request("GET", f"{app.url}{detail}", ctx.auth_headers)
    if "ETag" not in headers:
        raise RuntimeError(f"GET {detail} with the key: no ETag, so no conditional HEAD (see the module's docstring)")
    conditional = {"If-None-Match": headers["ETag"]}
    targets = {
        "HEAD": Target(f"{app.url}{detail}", {**ctx.auth_headers, **conditional}, "HEAD"),
        "HEAD floor": Target(f"{floor.url}{detail}", conditional, "HEAD"),
    }
    for name, target in targets.items():
        _expect_status(target, 304, f"fixed cost ({name})")
    status, _headers, body = request("GET", f"{app.url}/api/v1/", ctx.auth_headers)
    if status == 404:
        log("fixed cost: GET /api/v1/ answers 404 with the key (no API root yet); the HEAD alone is measured")
        return targets
    if status != 200:
        raise RuntimeError(f"GET /api/v1/ with the key: expected 200 or 404, got {status}\n{body[:2000]!r}")
    expect_ok(f"{floor.url}/api/v1/", {}, "fixed cost (floor GET /api/v1/)")
    expect_ok(f"{app.url}/bench/lean/trivial/", {}, "fixed cost (Django's trivial answer)")
    return {
        "root": Target(f"{app.url}/api/v1/", ctx.auth_headers),
        "root floor": Target(f"{floor.url}/api/v1/", {}),
        "django": Target(f"{app.url}/bench/lean/trivial/", {}),
        **targets,
    }


def _endpoint_row(endpoint, rows, result, list_result):
    ratio = result.rps / list_result.rps
    shown = ""
    if rows is not None:
        shown = f" ({rows} {'row' if rows == 1 else 'rows'})"
        if rows < PAGE_SIZE:
            shown = f"{shown[:-1]}, fewer than a page of {PAGE_SIZE}: {endpoint.few} in the demo data)"
    return Row(
        f"API {endpoint.name} `{endpoint.path}`{shown} vs the list",
        summary(result),
        summary(list_result),
        f"{ratio:.2f}×",
        f"≥ {endpoint.target:g}× list",
        ratio >= endpoint.target,
    )


def _fixed_cost_rows(ctx, results):
    code = ctx.targets["api_initiative"]
    head = (
        f"`HEAD /api/v1/initiatives/{code}/` with the key and `If-None-Match` of its ETag (304, no body: wrk cannot "
        "count a HEAD answer that has a Content-Length, wg/wrk#198) vs the floor's HEAD (304, no database)"
    )
    head_ratio = results["HEAD"].rps / results["HEAD floor"].rps
    if "root" not in results:
        return [
            Row(
                f"Fixed cost (`GET /api/v1/` answers 404): {head}",
                summary(results["HEAD"]),
                summary(results["HEAD floor"]),
                f"{head_ratio:.2f}×",
                "≥ 0.5× floor",
                head_ratio >= 0.5,
            )
        ]
    ratio = results["root"].rps / results["root floor"].rps
    return [
        Row(
            "Fixed cost: `GET /api/v1/` with the key (authenticated, rate-checked) vs the floor's trivial answer "
            "(`GET /api/v1/`: a constant JSON body, no database)",
            summary(results["root"]),
            summary(results["root floor"]),
            f"{ratio:.2f}×",
            "≥ 0.5× floor",
            ratio >= 0.5,
        ),
        Row(
            "For scale, fixed cost: Django's own trivial answer, `/bench/lean/trivial/` (bench/lean.py: the floor's "
            "body from a Django view behind the pages' middleware; no key, rate check or DRF) vs the floor's",
            summary(results["django"]),
            summary(results["root floor"]),
            f"{results['django'].rps / results['root floor'].rps:.2f}× (the API's root: "
            f"{results['root'].rps / results['django'].rps:.2f}× Django's)",
        ),
        Row(
            f"For scale, fixed cost: {head}",
            summary(results["HEAD"]),
            summary(results["HEAD floor"]),
            f"{head_ratio:.2f}×",
        ),
    ]


def measure_endpoints(ctx, app, floor):
    if ctx.targets["api_initiative"] is None or ctx.targets["api_indicator"] is None:
        return [skipped(WHAT, "no shared initiative or no trade series in the demo data")]
    endpoints = _endpoints(ctx)
    rows = {endpoint.name: _check(ctx, app, endpoint) for endpoint in endpoints}
    targets = {LIST: Target(f"{app.url}/api/v1/initiatives/?{list_query(ctx)}", ctx.auth_headers)}
    targets |= {endpoint.name: Target(f"{app.url}{endpoint.path}", ctx.auth_headers) for endpoint in endpoints}
    targets |= _fixed_cost_targets(ctx, app, floor)
    warm_up(ctx, targets, WHAT)
    results = interleaved(ctx, targets, WHAT)
    return [
        *_fixed_cost_rows(ctx, results),
        *(
            _endpoint_row(endpoint, rows[endpoint.name], results[endpoint.name], results[LIST])
            for endpoint in endpoints
        ),
    ]

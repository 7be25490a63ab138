"""API list: GET /api/v1/initiatives/ against the floor (bare WSGI + one SQL query) and the naive DRF peer, with
the lean Django view (bench/lean.py) beside them for scale."""

import json
import statistics
from typing import NamedTuple
from urllib.parse import urlsplit

from bench.context import log
from bench.http_client import expect_ok
from bench.report import Row
from bench.wrk import WrkResult, run_wrk

__all__ = ["PAGE_SIZE", "ROUNDS", "Target", "interleaved", "list_query", "measure_api_list", "summary", "warm_up"]

PAGE_SIZE = 50
# The targets take turns, this many times, `--duration / ROUNDS` seconds each: a machine whose speed
# drifts during a run (this one's changed by half within an hour, with nothing else running) then weighs on all
# of them alike instead of on whichever ran in the slow minutes; the naive peer's figure moved by 30 % between
# runs measured one target after the other.
ROUNDS = 3


class Target(NamedTuple):
    """One URL measured with wrk: its headers (a mapping) and method."""

    url: str
    headers: dict
    method: str = "GET"


def list_query(ctx, page_size=PAGE_SIZE):
    return f"status={ctx.targets['status']}&ordering=code&page_size={page_size}"


def _results(body, what):
    data = json.loads(body)
    if "results" not in data:
        raise RuntimeError(f"{what}: no `results` in the answer: {body[:500]!r}")
    return data["results"]


def _without_host(item):
    """The row with its `url` as a path: the floor runs on another port."""
    return {**item, "url": urlsplit(item["url"]).path} if "url" in item else item


def _headers(mapping):
    return [f"{name}: {value}" for name, value in mapping.items()]


def measure_api_list(ctx, app, floor):
    query = list_query(ctx)
    targets = {
        "project": Target(f"{app.url}/api/v1/initiatives/?{query}", ctx.auth_headers),
        "floor": Target(f"{floor.url}/api/v1/initiatives/?{query}", {}),
        "naive": Target(f"{app.url}/bench/naive/initiatives/?{query}", ctx.auth_headers),
        "lean": Target(f"{app.url}/bench/lean/initiatives/?{query}", {}),
    }
    # All must answer 200 with the same page, or the comparison means nothing.
    answers = {
        name: _results(expect_ok(target.url, target.headers, f"API list ({name})"), name)
        for name, target in targets.items()
    }
    pages = {name: [item["code"] for item in items] for name, items in answers.items()}
    expected = min(PAGE_SIZE, ctx.targets["shared_with_status"])
    for name, codes in pages.items():
        if codes != pages["project"] or len(codes) != expected:
            raise RuntimeError(
                f"API list: {name} answered {len(codes)} rows ({codes[:3]}…), the project {len(pages['project'])} "
                f"({pages['project'][:3]}…); expected the same {expected}."
            )
    # The floor must serve what the API serves; if the API's representation changed, floor.py needs the same.
    first, floor_first = (_without_host(answers[name][0]) for name in ("project", "floor"))
    differing = sorted(key for key in first.keys() | floor_first.keys() if first.get(key) != floor_first.get(key))
    if differing:
        log(f"warning: the floor's first row differs from the API's in {', '.join(differing)}; see bench/floor.py")
    warm_up(ctx, targets, "API list")
    results = interleaved(ctx, targets, "API list")
    project, floor_result, naive, lean = (results[name] for name in ("project", "floor", "naive", "lean"))
    to_floor = project.rps / floor_result.rps
    to_naive = project.rps / naive.rps
    lean_to_floor = lean.rps / floor_result.rps
    what = f"API list `/api/v1/initiatives/?{query}`"
    return [
        Row(
            f"{what} vs floor",
            summary(project),
            summary(floor_result),
            f"{to_floor:.2f}×",
            "≥ 0.4× floor",
            to_floor >= 0.4,
        ),
        Row(f"{what} vs naive DRF", summary(project), summary(naive), f"{to_naive:.2f}×", "≥ 3× naive", to_naive >= 3),
        Row(
            "For scale: the lean Django view `/bench/lean/initiatives/` (the same page from values() and orjson behind "
            "the whole middleware; no DRF, key, rate limit or filter backend) vs floor",
            summary(lean),
            summary(floor_result),
            f"{lean_to_floor:.2f}× (the API: {project.rps / lean.rps:.2f}× the lean view)",
        ),
    ]


def summary(result):
    return f"{result.rps:,.0f} req/s, p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms"


def _run(target, seconds):
    return run_wrk(target.url, seconds=seconds, headers=_headers(target.headers), method=target.method)


def warm_up(ctx, targets, what):
    for name, target in targets.items():
        log(f"wrk {what} ({name}): warm-up {ctx.args.warmup} s")
        _run(target, ctx.args.warmup)


def interleaved(ctx, targets, what):
    """{name: WrkResult} of `targets` ({name: Target}) measured in turn, ROUNDS times, `--duration / ROUNDS`
    seconds each."""
    seconds = max(1, round(ctx.args.duration / ROUNDS))
    runs = {name: [] for name in targets}
    for number in range(1, ROUNDS + 1):
        log(f"wrk {what}: round {number} of {ROUNDS}, {seconds} s for each of {', '.join(targets)}")
        for name, target in targets.items():
            runs[name].append(_run(target, seconds))
    return {name: _combined(results) for name, results in runs.items()}


def _combined(results):
    """Requests per second over all rounds; the median round's p50 and the worst round's p99."""
    return WrkResult(
        requests=sum(result.requests for result in results),
        seconds=sum(result.seconds for result in results),
        p50_ms=statistics.median(result.p50_ms for result in results),
        p99_ms=max(result.p99_ms for result in results),
        errors=0,
    )

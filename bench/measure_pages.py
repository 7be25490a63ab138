"""Pages (dashboard, initiatives list, an initiative) and the API list: query counts in-process, latency by wrk."""

from bench.context import log
from bench.http_client import expect_ok
from bench.measure_api import list_query
from bench.report import Row
from bench.wrk import run_wrk

__all__ = ["count_queries", "measure_pages", "measure_query_counts", "page_paths"]


def page_paths(ctx):
    return {
        "dashboard `/`": "/",
        "initiatives list `/initiatives/`": "/initiatives/",
        f"initiative page `/initiatives/{ctx.targets['initiative']}/`": f"/initiatives/{ctx.targets['initiative']}/",
    }


def count_queries(client, path, **headers):
    """SQL statements one request runs, in this process (Django test client, bench settings, bench database)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, **headers)
    if response.status_code != 200:
        raise RuntimeError(f"{path}: expected 200 in-process, got {response.status_code}")
    # An API key records its last use at most once a minute (ApiKey.mark_used): not a cost of this request, and
    # whether it falls into one depends on the clock, so it is left out.
    return sum(1 for query in captured.captured_queries if not query["sql"].startswith('UPDATE "tracker_apikey"'))


def measure_query_counts(ctx):
    """The API list (and the naive peer) at 10 and 50 rows: a constant count means no query per row."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {ctx.token}"}
    counts = {}
    for name, base in (("project", "/api/v1/initiatives/"), ("naive", "/bench/naive/initiatives/")):
        client.get(f"{base}?{list_query(ctx, 10)}", **auth)  # warm: caches filled, code loaded
        counts[name] = [count_queries(client, f"{base}?{list_query(ctx, size)}", **auth) for size in (10, 50)]
    client.force_login(get_user_model().objects.get(username="bench-admin"))
    pages = {}
    for name, path in page_paths(ctx).items():
        client.get(path)
        pages[name] = count_queries(client, path)
    project, naive = counts["project"], counts["naive"]
    row = Row(
        "API list query count, 10 → 50 rows (in-process)",
        f"{project[0]} → {project[1]}",
        f"naive {naive[0]} → {naive[1]}",
        "",
        "constant",
        project[0] == project[1],
    )
    return row, pages


def measure_pages(ctx, app, query_counts):
    rows = []
    headers = [f"Cookie: sessionid={ctx.session_cookie}"]
    for name, path in page_paths(ctx).items():
        url = f"{app.url}{path}"
        expect_ok(url, ctx.cookie_headers, name)  # a redirect to the login page would be a 302 here
        log(f"wrk {name}: warm-up {ctx.args.warmup} s, then {ctx.args.duration} s")
        run_wrk(url, seconds=ctx.args.warmup, headers=headers)
        result = run_wrk(url, seconds=ctx.args.duration, headers=headers)
        summary = (
            f"p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms, {result.rps:,.0f} req/s, "
            f"{query_counts[name]} queries"
        )
        budget = P99_BUDGET_MS[path if path in P99_BUDGET_MS else "initiative"]
        rows.append(Row(f"Page: {name}", summary, target=f"p99 < {budget} ms", ok=result.p99_ms < budget))
    return rows


# Issue #19: each page's 99th percentile at 10,000 initiatives and 10 million figures, in milliseconds.
P99_BUDGET_MS = {"/": 300, "/initiatives/": 300, "initiative": 200}

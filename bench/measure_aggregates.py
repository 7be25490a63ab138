"""Aggregates: GET /api/v1/regions/<code>/trade/?year=… against the same SQL run directly with psycopg."""

import time

import psycopg

from bench.context import log
from bench.http_client import get, sequential_latencies
from bench.report import Row, ms, skipped
from bench.stats import percentile

__all__ = ["measure_aggregates"]

WARMUP = 3


def measure_aggregates(ctx, app):
    partner, year = ctx.targets["trade_partner"], ctx.targets["trade_year"]
    what = f"Aggregates `/api/v1/regions/{partner}/trade/?year={year}`"
    if partner is None:
        return [skipped("Aggregates", "no commodity-level series in the demo data")]
    try:
        from tracker.domain.trade import summary_statements
    except ImportError:
        return [skipped(what, "endpoint missing: no tracker.domain.trade.summary_statements", "p50 ≤ 3× SQL")]
    url = f"{app.url}/api/v1/regions/{partner}/trade/?year={year}"
    status, _headers, body = get(url, ctx.auth_headers)
    if status == 404:
        return [skipped(what, "endpoint missing: 404", "p50 ≤ 3× SQL")]
    if status != 200:
        raise RuntimeError(f"{url}: expected 200, got {status}\n{body[:2000].decode(errors='replace')}")

    iterations = ctx.args.iterations
    log(f"aggregates: {iterations} sequential requests, then {iterations} direct runs of the same SQL")
    api = sequential_latencies(url, ctx.auth_headers, WARMUP + iterations)[WARMUP:]

    statements = summary_statements(ctx.targets["trade_partner_id"], year)
    sql = []
    # A client-side-binding cursor, as Django's PostgreSQL backend uses, so the SQL runs exactly as it does there.
    with ctx.connect(autocommit=True) as connection, psycopg.ClientCursor(connection) as cursor:
        for _ in range(WARMUP + iterations):
            started = time.perf_counter()
            for statement, params in statements:
                cursor.execute(statement, params)
                if cursor.description is not None:
                    cursor.fetchall()
            sql.append(time.perf_counter() - started)
    sql = sql[WARMUP:]
    api_p50, sql_p50 = percentile(api, 50), percentile(sql, 50)
    ratio = api_p50 / sql_p50
    rows = ctx.targets["trade_partner_rows"]
    return [
        Row(
            f"{what} ({rows:,} observations of the partner, {len(statements)} statements, {iterations} runs)",
            f"p50 {ms(api_p50)}, p99 {ms(percentile(api, 99))}",
            f"SQL p50 {ms(sql_p50)}, p99 {ms(percentile(sql, 99))}",
            f"{ratio:.2f}×",
            "p50 ≤ 3× SQL",
            ratio <= 3,
        )
    ]

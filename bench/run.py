"""`make bench` (python -m bench.run): build a PostgreSQL database, serve the app with gunicorn, measure, report.

Sections, in order: API list (project vs floor vs naive DRF, wrk), endpoints (every other API GET vs the list,
and the fixed cost of a trivial answer vs the floor's, wrk), query counts (in-process), pages (wrk), aggregates
(sequential requests vs the same SQL), export (one dedicated worker vs COPY TO), import (the command vs the
schema's floor including the history table; COPY FROM for scale). Every process started here is stopped in
`finally`, also on errors and Ctrl-C; the database is dropped at the end unless --keep-db.
"""

import argparse
import os
import platform
import shlex
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

from bench import data, db, servers
from bench.context import REDIS_DB, Bench, log
from bench.measure_api import ROUNDS
from bench.report import machine, render_table, write_results
from bench.wrk import CONNECTIONS, THREADS, wrk_version

FULL = {
    "initiatives": 10_000,
    "observations": 10_000_000,
    "import_rows": 1_000_000,
    "export_rows": 1_000_000,
    "duration": 15,
    "warmup": 3,
    "iterations": 50,
}
QUICK = {
    "initiatives": 2_000,
    "observations": 300_000,
    "import_rows": 100_000,
    "export_rows": 100_000,
    "duration": 3,
    "warmup": 1,
    "iterations": 20,
}
SECTIONS = ("api", "endpoints", "queries", "pages", "aggregates", "export", "import")
RESULTS = Path(__file__).with_name("RESULTS.md")


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="make bench BENCH_ARGS=…", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes and 3 s per wrk run: a few minutes")
    parser.add_argument("--initiatives", type=int, help=f"demo initiatives (default {FULL['initiatives']:,})")
    parser.add_argument("--observations", type=int, help=f"demo observations (default {FULL['observations']:,})")
    parser.add_argument("--import-rows", type=int, help=f"rows imported (default {FULL['import_rows']:,})")
    parser.add_argument("--export-rows", type=int, help=f"rows exported (default {FULL['export_rows']:,})")
    parser.add_argument("--duration", type=int, help=f"seconds per wrk run (default {FULL['duration']})")
    parser.add_argument("--warmup", type=int, help=f"seconds of wrk warm-up per target (default {FULL['warmup']})")
    parser.add_argument(
        "--iterations", type=int, help=f"aggregate requests and SQL runs (default {FULL['iterations']})"
    )
    parser.add_argument("--workers", type=int, default=os.cpu_count(), help="gunicorn sync workers (default: cores)")
    parser.add_argument("--seed", type=int, default=1, help="generate_demo_data --seed (default 1)")
    parser.add_argument(
        "--db-name", default="tracker_bench", help="database to create and drop (default tracker_bench)"
    )
    parser.add_argument(
        "--no-template",
        dest="template",
        action="store_false",
        help="migrate and seed from scratch instead of copying DB_NAME_template (and leave that alone)",
    )
    parser.add_argument("--keep-db", action="store_true", help="keep the database afterwards (for --reuse-db)")
    parser.add_argument(
        "--reuse-db",
        action="store_true",
        help="measure the database an earlier --keep-db run left (same sizes), without rebuilding it; "
        "the import section is then skipped and RESULTS.md is not written",
    )
    parser.add_argument(
        "--only", help=f"comma-separated sections to run ({', '.join(SECTIONS)}); RESULTS.md is then not written"
    )
    args = parser.parse_args(argv)
    preset = QUICK if args.quick else FULL
    for name, value in preset.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    args.sections = set(args.only.split(",")) if args.only else set(SECTIONS)
    unknown = args.sections - set(SECTIONS)
    if unknown:
        parser.error(f"--only: unknown sections {', '.join(sorted(unknown))}; use {', '.join(SECTIONS)}")
    return args


def _cache_url():
    """Redis when it answers (the throttle's counters shared by workers, as in production), else locmem."""
    try:
        import redis

        client = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB, socket_connect_timeout=1)
        client.flushdb()
        return f"redis://127.0.0.1:6379/{REDIS_DB}"
    except Exception:  # any failure means "no Redis here"
        log("Redis is not reachable on 127.0.0.1:6379: the app runs with the per-process locmem cache")
        return "locmem://"


def _versions(ctx):
    import django
    import psycopg
    import rest_framework

    return {
        "Python": platform.python_version(),
        "Django": django.get_version(),
        "DRF": rest_framework.VERSION,
        "psycopg": psycopg.__version__,
        "PostgreSQL": db.server_version(ctx.args.db_name),
        "gunicorn": servers.gunicorn_version(),
        "wrk": wrk_version(),
    }


def _header(ctx, versions, elapsed):
    args, sizes, targets = ctx.args, ctx.sizes, ctx.targets
    command = "make bench" + (f" BENCH_ARGS='{shlex.join(sys.argv[1:])}'" if sys.argv[1:] else "")
    return [
        f"- **Command:** `{command}` ({elapsed / 60:.1f} min in all; building the data: "
        + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in ctx.timings.items())
        + ")",
        f"- **Machine:** {machine()}; wrk, gunicorn and PostgreSQL share it. Load average (1 min) "
        f"{ctx.load_at_start:.1f} before the run, {os.getloadavg()[0]:.1f} at its end: above 0.5 or so before it, "
        "other work competed for the CPU and every number here is lower than the machine can do.",
        "- **Versions:** " + ", ".join(f"{name} {version}" for name, version in versions.items()),
        f"- **Data:** {sizes['initiatives']:,} initiatives ({sizes['shared_initiatives']:,} shared with partners), "
        f"{sizes['milestones']:,} milestones, {sizes['journal_entries']:,} journal entries, "
        f"{sizes['indicators']:,} trade series, {sizes['observations']:,} observations "
        f"(demo data asked for {args.observations:,}, plus {args.export_rows:,} of the export partner), "
        f"{sizes['database_mb']:,.0f} MB database, before the import of {args.import_rows:,} rows; "
        f"`generate_demo_data --seed {args.seed}`.",
        f"- **Servers:** gunicorn, {args.workers} sync workers (the export: 1), `--no-control-socket`, no gunicorn "
        "access log (the app's own, `tracker.request`, is on as in production, into a file), `--timeout 600`; "
        "DEBUG off, `bench.settings` (the project's settings plus the naive and lean routes), "
        f"DB_CONN_MAX_AGE 60, CACHE_URL {ctx.cache_url}, API_THROTTLE_RATE 100000000/minute.",
        f"- **Load:** wrk -t{THREADS} -c{CONNECTIONS}, {args.warmup} s warm-up then {args.duration} s per target (the "
        f"API list targets (project, floor, naive, lean) in {ROUNDS} interleaved rounds of "
        f"{max(1, round(args.duration / ROUNDS))} s; the endpoints' targets (the list again, every other GET, the "
        "fixed cost's project and floor answers) in rounds of their own, alike); "
        f"API list filter `status={targets['status']}` ({targets['shared_with_status']:,} shared initiatives have it).",
    ]


METHOD = [
    "- **API list:** the same page (50 rows, same filter and order; the bench checks all three return the same "
    "codes) from the project's API with a partner key (`create_api_key`, unrestricted: sees every shared "
    "initiative), from the floor `bench/floor.py` (bare WSGI, one hand-written SQL query with the same joins, "
    "psycopg 3 with one connection per worker, orjson; no authentication), and from the naive peer "
    "`bench/naive.py` (ModelViewSet, nested ModelSerializers, PageNumberPagination, DjangoFilterBackend; same key "
    "and visibility rule). Ratio = requests/s of the project ÷ the reference's. For scale, the lean Django view "
    "the issue names, `bench/lean.py` (the same page from values() and orjson behind the whole middleware, "
    "without DRF, key, rate limit or filter backend), is measured in the same rounds.",
    "- **Endpoints:** with the same key and wrk, in rounds like the API list's: the detail "
    "`/api/v1/initiatives/<code>/` and journal `…/<code>/journal/?page_size=50` of the shared initiative with the "
    "most journal entries, `/api/v1/changes/?limit=50`, `/api/v1/milestones/`, `/participations/`, "
    "`/indicator-links/`, `/meetings/` and `/organisations/` at `?page_size=50`, and "
    "`/api/v1/indicators/<code>/observations/?page_size=50` of the first demo series with 50 figures; each must "
    "answer 200 and a list a page as full as the rows the key sees allow (a row says when the demo data has "
    "fewer than 50). Ratio = requests/s ÷ the API list's (the same page of 50 as above, measured again in the "
    "same rounds). Fixed cost: `GET /api/v1/` with the key when the project answers it (else skipped, and the "
    "HEAD carries the target) and `HEAD /api/v1/initiatives/<code>/` with the key and `If-None-Match` of its "
    "ETag (answered 304: wrk counts no answer to HEAD that has a Content-Length, wg/wrk#198), against the floor's "
    "same requests, answered without the database (a constant JSON body; a 304). Ratio = requests/s of the "
    "project ÷ the floor's. For scale, Django's own trivial answer (`/bench/lean/trivial/`: the floor's body from "
    "a plain view behind the pages' middleware, no key, rate check or DRF) in the same rounds.",
    "- **Query counts:** in-process (Django test client under `bench.settings`, CaptureQueriesContext) after "
    "one warm request; the API list at `page_size=10` and `50` must cost the same number of queries. The pages "
    "are counted the same way, logged in as a superuser (`force_login`).",
    "- **Pages:** wrk with the session cookie of a logged-in superuser; the heaviest demo initiative (most "
    "milestones and journal entries) for the initiative page.",
    "- **Aggregates:** the demo partner region with the most commodity-level observations, in its fullest "
    "year: sequential GETs on one keep-alive connection (http.client) after 3 warm ones, against running the "
    "endpoint's own `tracker.domain.trade.summary_statements(partner_id, year)` with psycopg (client-side binding, "
    "like Django) the same number of times. Ratio = p50 of the API ÷ p50 of the SQL.",
    "- **Export:** a partner (XB) made to hold exactly `--export-rows` observations (monthly series inserted "
    "by SQL), streamed from a dedicated gunicorn with 1 worker, read in 64 KB blocks; against "
    "`COPY (tracker.data.exports.observations_csv_statement(…)) TO STDOUT WITH (FORMAT csv, HEADER)` through psycopg. "
    "Both must give the same number of rows. Peak memory is the worker's VmHWM from /proc/<pid>/status after "
    "the export (the worker pid from /proc/<master>/task/*/children; the worker served one small export first).",
    "- **Import:** a CSV of `--import-rows` observations for fresh monthly series of a bench partner (XI), so "
    "the first `import_observations FILE --no-progress` creates every row and the second finds every row "
    "unchanged; timed as the whole command (Django start-up included). Against the schema's floor including the "
    "history table, measured before the import: the same rows resolved to ids (untimed), then, timed together "
    "with `SET CONSTRAINTS ALL IMMEDIATE`, COPY straight into `tracker_observation` and one `INSERT … SELECT` "
    "into `tracker_historicalobservation` of a '+' history row for each row just written (ids above the largest "
    "before the COPY; history_id by its identity, history_date now(), history_user_id NULL, history_actor, "
    "history_change_reason and history_request_id as the import fills them): both tables' ten indexes, checks "
    "and two foreign keys checked in the timed part; rolled back. Ratio = created rows/s ÷ the floor's rows/s. "
    "For scale, COPY of the same file into `bare(indicator text, period text, value numeric, qualifier text, "
    "source text, note text)`.",
]


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install -y wrk (make bench does it when missing)")
    started, load_at_start = time.perf_counter(), os.getloadavg()[0]
    db.ensure_postgres()
    work_dir = Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    ctx = Bench(args=args, work_dir=work_dir, cache_url=_cache_url())
    ctx.load_at_start = load_at_start
    os.environ.update(ctx.env)  # the in-process measurements run under the same settings as the servers
    rows = []
    try:
        if args.reuse_db and db.exists(args.db_name):
            log(f"database {args.db_name}: reused as an earlier run left it")
            data.collect_static(ctx)
        else:
            data.build(ctx)
        # The servers boot (importing Django takes seconds) while the rest of the set-up runs.
        launched = _launch(ctx)
        import logging

        import django

        django.setup()
        # The in-process measurements would print the app's log lines (its access log…) into the report.
        logging.disable(logging.INFO)
        data.create_principals(ctx)
        log(f"export partner XB: {args.export_rows:,} observations")
        data.add_export_partner(ctx, args.export_rows)
        data.choose_targets(ctx)
        data.measure_sizes(ctx)
        log("VACUUM (ANALYZE): the database settles before anything is measured")
        data.settle(ctx)
        versions = _versions(ctx)
        _measure(ctx, rows, launched)
    except BaseException:
        if rows:
            print("\nMeasured before the failure:\n" + render_table(rows), flush=True)
        raise
    finally:
        servers.stop_all()
        if "django" in sys.modules and django_configured():
            from django.db import connections

            connections.close_all()
        if not (args.keep_db or args.reuse_db):
            db.drop_database(args.db_name)
        shutil.rmtree(work_dir, ignore_errors=True)
    elapsed = time.perf_counter() - started
    print()
    print(render_table(rows))
    met = [row.ok for row in rows if row.ok is not None]
    print(f"\n{sum(met)} of {len(met)} targets met; {elapsed / 60:.1f} min.")
    if args.only or args.reuse_db:
        print("(--only or --reuse-db: a partial run; RESULTS.md not written)")
    else:
        write_results(RESULTS, rows, _header(ctx, versions, elapsed), METHOD)
        print(f"Written to {RESULTS.relative_to(Path.cwd()) if RESULTS.is_relative_to(Path.cwd()) else RESULTS}")


def django_configured():
    from django.conf import settings

    return settings.configured


def _launch(ctx):
    args, common = ctx.args, {"env": ctx.env, "log_dir": ctx.work_dir, "wait": False}
    log(f"starting gunicorn: the app and the floor with {args.workers} sync workers each")
    launched = {"app": servers.start_gunicorn("app", "config.wsgi:application", workers=args.workers, **common)}
    if args.sections & {"api", "endpoints"}:
        launched["floor"] = servers.start_gunicorn("floor", "bench.floor:app", workers=args.workers, **common)
    return launched


def _measure(ctx, rows, launched):
    from bench.measure_aggregates import measure_aggregates
    from bench.measure_api import measure_api_list
    from bench.measure_endpoints import measure_endpoints
    from bench.measure_export import measure_export, start_export_server
    from bench.measure_import import measure_import
    from bench.measure_pages import measure_pages, measure_query_counts

    args = ctx.args
    app = launched["app"].wait_ready()
    if "floor" in launched:
        floor = launched["floor"].wait_ready()
        if "api" in args.sections:
            rows += measure_api_list(ctx, app, floor)
        if "endpoints" in args.sections:
            rows += measure_endpoints(ctx, app, floor)  # the fixed cost is measured against the floor
        floor.stop()
    # Booting while nothing is timed: the query counts below run in this process and count, not time.
    export_server = start_export_server(ctx) if "export" in args.sections else None
    page_counts = None
    if args.sections & {"queries", "pages"}:
        query_row, page_counts = measure_query_counts(ctx)
        if "queries" in args.sections:
            rows.append(query_row)
    if "pages" in args.sections:
        rows += measure_pages(ctx, app, page_counts)
    if "aggregates" in args.sections:
        rows += measure_aggregates(ctx, app)
    app.stop()
    if export_server:
        rows += measure_export(ctx, export_server.wait_ready())
    if "import" in args.sections:
        rows += measure_import(ctx)  # last: it adds rows the other sections should not see


def _interrupt(signum, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    # Ctrl-C and a plain `kill` both end the run through main's `finally`, which stops every server it started
    # (set explicitly: a shell that starts the bench in the background would otherwise have SIGINT ignored).
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("interrupted: every process the bench started was stopped")

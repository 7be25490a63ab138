"""The benchmark's data: the project's own commands build it, then a few bench-only series are added by SQL.

- `migrate`, `load_seeds`, `generate_demo_data` make the database a real installation would have. The
  migrated and seeded state is kept as a template database (`tracker_bench_template`), reused while the code
  it came from is unchanged; `--no-template` builds from scratch without touching it.
- An export partner (region XB) gets exactly --export-rows monthly observations, so the CSV export streams a
  known number of rows. They are inserted with one INSERT … SELECT (set-up, not a measurement: no history).
- An import partner (region XI) gets fresh monthly indicators and a CSV of --import-rows observations for them,
  so every row of the first import is new ("created") and every row of the second is "unchanged".
"""

import csv
import datetime
import hashlib
import subprocess
import sys
import time

from bench import db
from bench.context import BASE_DIR, log

__all__ = [
    "MONTHS_PER_SERIES",
    "add_export_partner",
    "add_import_series",
    "build",
    "choose_targets",
    "collect_static",
    "create_principals",
    "measure_sizes",
    "settle",
]

MONTHS_PER_SERIES = 240  # 2005-01 … 2024-12: twenty years of a monthly series
FIRST_MONTH = datetime.date(2005, 1, 1)
SHARED = ("shared", "public")


def collect_static(ctx, wait=True):
    """collectstatic into the bench's STATIC_ROOT: with DEBUG off the pages need its manifest. It needs no
    database, so build() runs it beside the database work."""
    process = subprocess.Popen(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=BASE_DIR,
        env=ctx.env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )

    def finish():
        out, _ = process.communicate()
        if process.returncode != 0:
            raise RuntimeError(f"manage.py collectstatic failed ({process.returncode}):\n{out}")

    finish.process = process
    if wait:
        finish()
    return finish


def schema_key():
    """A digest of what a migrated and seeded database depends on; a template made with another is stale."""
    paths = [
        BASE_DIR / "requirements.txt",
        BASE_DIR / "config" / "settings.py",
        BASE_DIR / "tracker" / "data" / "seeds.py",
        *sorted((BASE_DIR / "tracker" / "migrations").glob("*.py")),
        *sorted((BASE_DIR / "tracker" / "models").glob("*.py")),
        *sorted(path for path in (BASE_DIR / "seeds").rglob("*") if path.is_file()),
    ]
    digest = hashlib.sha256()
    for path in paths:
        digest.update(str(path.relative_to(BASE_DIR)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


def _migrated_and_seeded(ctx):
    """A fresh database with the migrations and seeds applied: copied from the template database when that was
    made from the same migrations, models, seeds, settings and requirements (it saves the half-minute migrate
    takes), else built with `migrate` and `load_seeds` (and saved as the template for the next run)."""
    name, template, key = ctx.args.db_name, f"{ctx.args.db_name}_template", schema_key()
    if ctx.args.template and db.template_key(template) == key:
        log(f"database {name}: copied from {template} (migrated and seeded with the same code)")
        db.clone(name, template)
        return
    log(f"database {name}: create, migrate, seed")
    db.create_database(name)
    ctx.manage("migrate", "--no-input", "-v0", timed="migrate")
    ctx.manage("load_seeds", timed="load_seeds")
    if ctx.args.template:
        db.save_as_template(name, template, key)


def build(ctx):
    args = ctx.args
    static = collect_static(ctx, wait=False)
    try:
        _migrated_and_seeded(ctx)
        log(f"generate_demo_data: {args.initiatives:,} initiatives, {args.observations:,} observations")
        ctx.manage(
            "generate_demo_data",
            f"--initiatives={args.initiatives}",
            f"--observations={args.observations}",
            f"--seed={args.seed}",
            "--no-progress",
            timed="generate_demo_data",
        )
    except BaseException:
        static.process.kill()
        static.process.wait()
        raise
    static()


def create_principals(ctx):
    """A partner key that sees every shared initiative, and a superuser's session for the pages."""
    import secrets

    from django.contrib.auth import get_user_model
    from django.test import Client

    out, _ = ctx.manage("create_api_key", f"--name=bench-reader-{secrets.token_hex(3)}")  # unique with --reuse-db
    ctx.token = out.strip().splitlines()[-1].strip()
    user = get_user_model().objects.filter(username="bench-admin").first() or get_user_model().objects.create_superuser(
        "bench-admin", "bench@example.org", secrets.token_urlsafe(16)
    )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)  # a real session row, as /accounts/login/ would write
    ctx.session_cookie = client.cookies["sessionid"].value


def choose_targets(ctx):
    with ctx.connect() as connection:
        # The filter of the list benchmarks: the status most shared initiatives have, so a page is full.
        status, shared = connection.execute(
            "SELECT status, count(*) FROM tracker_initiative WHERE visibility = ANY(%s) "
            "GROUP BY status ORDER BY 2 DESC, 1 LIMIT 1",
            [list(SHARED)],
        ).fetchone()
        # The initiative page: the demo initiative with the most milestones and journal entries (the heaviest).
        code = connection.execute(
            "SELECT i.code FROM tracker_initiative i "
            "LEFT JOIN tracker_milestone m ON m.initiative_id = i.id "
            "WHERE i.code LIKE 'demo-%' GROUP BY i.id, i.code "
            "ORDER BY count(m.id) + (SELECT count(*) FROM tracker_statusupdate s WHERE s.initiative_id = i.id) DESC, "
            "i.code LIMIT 1"
        ).fetchone()
        # The aggregates: the demo partner region with the most commodity-level figures, in its fullest year.
        partner = connection.execute(
            "SELECT r.code, r.id, extract(year FROM o.period_start)::int, count(*) "
            "FROM tracker_observation o JOIN tracker_tradeindicator i ON i.id = o.indicator_id "
            "JOIN tracker_region r ON r.id = i.partner_id "
            "WHERE i.commodity_id IS NOT NULL AND r.code LIKE 'XZ-%' "
            "GROUP BY 1, 2, 3 ORDER BY 4 DESC, 3 DESC LIMIT 1"
        ).fetchone()
        partner_rows = None
        if partner:
            partner_rows = connection.execute(
                "SELECT count(*) FROM tracker_observation o JOIN tracker_tradeindicator i ON i.id = o.indicator_id "
                "WHERE i.partner_id = %s",
                [partner[1]],
            ).fetchone()[0]
        endpoints = _endpoint_targets(connection)
    ctx.targets.update(
        status=status,
        shared_with_status=shared,
        initiative=code[0] if code else None,
        trade_partner=partner[0] if partner else None,
        trade_partner_id=partner[1] if partner else None,
        trade_year=partner[2] if partner else None,
        trade_year_rows=partner[3] if partner else 0,
        trade_partner_rows=partner_rows,
        **endpoints,
    )


def _endpoint_targets(connection):
    """What bench/measure_endpoints.py asks for: the shared initiative with the most journal entries (its
    detail, its journal, its HEAD) and a demo trade series with at least a page (50) of figures, with how many
    rows each has. A list whose page is not full would be measured doing less work than the list it is
    compared to; where the data has no 50 rows the row says so. The partner key is unrestricted, so every
    shared initiative and every series is visible to it."""
    initiative, journal = connection.execute(
        "SELECT i.code, count(s.id) FROM tracker_initiative i "
        "LEFT JOIN tracker_statusupdate s ON s.initiative_id = i.id "
        "WHERE i.visibility = ANY(%s) GROUP BY i.id, i.code ORDER BY 2 DESC, 1 LIMIT 1",
        [list(SHARED)],
    ).fetchone() or (None, 0)
    # The first demo series by code with a full page (counting at most 50 figures of each, through its index),
    # else the series with the most; the bench's own export and import series are not the demo's.
    indicator = (
        connection.execute(
            "SELECT i.code FROM tracker_tradeindicator i WHERE i.code NOT LIKE 'bench-%' AND (SELECT count(*) "
            "FROM (SELECT 1 FROM tracker_observation o WHERE o.indicator_id = i.id LIMIT 50) f) = 50 "
            "ORDER BY i.code LIMIT 1"
        ).fetchone()
        or connection.execute(
            "SELECT i.code FROM tracker_tradeindicator i JOIN tracker_observation o ON o.indicator_id = i.id "
            "GROUP BY i.id, i.code ORDER BY count(*) DESC, i.code LIMIT 1"
        ).fetchone()
    )
    observations = 0
    if indicator:
        observations = connection.execute(
            "SELECT count(*) FROM tracker_observation o JOIN tracker_tradeindicator i ON i.id = o.indicator_id "
            "WHERE i.code = %s",
            [indicator[0]],
        ).fetchone()[0]
    return {
        "api_initiative": initiative,
        "api_initiative_journal": journal,
        "api_indicator": indicator[0] if indicator else None,
        "api_indicator_observations": observations,
    }


def _add_region(connection, code, name):
    return connection.execute(
        "INSERT INTO tracker_region (code, kind, name, name_ru, source_detail, created_at, updated_at, version) "
        "VALUES (%s, 'country', %s, '', '', now(), now(), 1) RETURNING id",
        [code, name],
    ).fetchone()[0]


def _add_series(connection, prefix, partner_id, count):
    """`count` monthly export/import indicators of BY with `partner_id`, over the demo commodities in turn."""
    connection.execute(
        "INSERT INTO tracker_tradeindicator (code, name, flow, frequency, currency, commodity_id, partner_id, "
        "reporter_id, source_detail, created_at, updated_at, version) "
        "SELECT %(prefix)s || lpad(n::text, 5, '0'), 'Bench series ' || n, "
        "CASE WHEN n %% 2 = 0 THEN 'export' ELSE 'import' END, 'month', 'USD', "
        "(SELECT id FROM tracker_commodity ORDER BY hs_code OFFSET n %% (SELECT count(*) FROM tracker_commodity) "
        "LIMIT 1), %(partner)s, (SELECT id FROM tracker_region WHERE code = 'BY'), '', now(), now(), 1 "
        "FROM generate_series(1, %(count)s) n",
        {"prefix": prefix, "partner": partner_id, "count": count},
    )
    return [
        row[0]
        for row in connection.execute(
            "SELECT code FROM tracker_tradeindicator WHERE code LIKE %s ORDER BY code", [f"{prefix}%"]
        )
    ]


def add_export_partner(ctx, rows):
    """Region XB with exactly `rows` observations over as many 20-year monthly series as it takes."""
    series = -(-rows // MONTHS_PER_SERIES)
    with ctx.connect() as connection:
        existing = connection.execute("SELECT id FROM tracker_region WHERE code = 'XB'").fetchone()
        if existing:  # --reuse-db: made by an earlier run
            ctx.targets.update(export_partner="XB", export_partner_id=existing[0], export_series=series)
            return
        partner_id = _add_region(connection, "XB", "Bench export partner")
        _add_series(connection, "bench-export-", partner_id, series)
        connection.execute(
            "INSERT INTO tracker_observation (indicator_id, period, period_start, value, qualifier, is_derived, "
            "formula, note, source_detail, created_at, updated_at, version) "
            "SELECT i.id, to_char(d, 'YYYY-MM'), d, 1000 + (n * 7919 %% 100000000) / 100.0, "
            "CASE WHEN n %% 10 = 0 THEN 'approx' ELSE 'exact' END, false, '', "
            "CASE WHEN n %% 50 = 0 THEN 'revised, \"preliminary\"' ELSE '' END, '', now(), now(), 1 "
            "FROM generate_series(0::bigint, %(rows)s - 1) n "
            "JOIN (SELECT id, row_number() OVER (ORDER BY code) - 1 AS k FROM tracker_tradeindicator "
            "      WHERE partner_id = %(partner)s) i ON i.k = n / %(months)s "
            "CROSS JOIN LATERAL (SELECT (%(first)s::date + make_interval(months => (n %% %(months)s)::int))::date) "
            "AS p(d)",
            {"rows": rows, "partner": partner_id, "months": MONTHS_PER_SERIES, "first": FIRST_MONTH},
        )
        connection.execute("ANALYZE tracker_observation")
    ctx.targets.update(export_partner="XB", export_partner_id=partner_id, export_series=series)


def add_import_series(ctx, rows, path):
    """Region XI with fresh monthly indicators, and the CSV of `rows` new observations for them at `path`.
    False if an earlier run (--reuse-db) made them already: then the rows would not be new."""
    series = -(-rows // MONTHS_PER_SERIES)
    with ctx.connect() as connection:
        if connection.execute("SELECT 1 FROM tracker_region WHERE code = 'XI'").fetchone():
            return False
        partner_id = _add_region(connection, "XI", "Bench import partner")
        codes = _add_series(connection, "bench-import-", partner_id, series)
        source = connection.execute("SELECT key FROM tracker_source ORDER BY id LIMIT 1").fetchone()
    months = [f"{FIRST_MONTH.year + m // 12}-{m % 12 + 1:02d}" for m in range(MONTHS_PER_SERIES)]  # 2005-01 … 2024-12
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["indicator", "period", "value", "qualifier", "source", "note"])
        for n in range(rows):
            code, period = codes[n // MONTHS_PER_SERIES], months[n % MONTHS_PER_SERIES]
            value = f"{1000 + (n * 7919 % 100_000_000) / 100:.2f}"
            qualifier = "approx" if n % 10 == 0 else "exact"
            writer.writerow([code, period, value, qualifier, source[0] if source else "", "" if n % 50 else "revised"])
    ctx.targets.update(import_partner="XI", import_series=series)
    return True


def settle(ctx):
    """VACUUM (ANALYZE) the whole database before anything is measured, as one would after a bulk load.

    Right after millions of rows are inserted, PostgreSQL's autovacuum starts on the big tables and the first
    reads of each page write its hint bits: minutes of background work that would land in whichever
    measurement runs meanwhile (a full run once measured the dashboard's p99 at 326 ms this way, and 184 ms
    on the same data once it had settled). Measured here instead, so every section sees a database in its
    steady state."""
    started = time.perf_counter()
    with ctx.connect(autocommit=True) as connection:
        connection.execute("VACUUM (ANALYZE)")
    ctx.timings["VACUUM (ANALYZE)"] = time.perf_counter() - started


def measure_sizes(ctx):
    with ctx.connect() as connection:

        def count(table):
            return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

        ctx.sizes.update(
            initiatives=count("tracker_initiative"),
            shared_initiatives=connection.execute(
                "SELECT count(*) FROM tracker_initiative WHERE visibility = ANY(%s)", [list(SHARED)]
            ).fetchone()[0],
            milestones=count("tracker_milestone"),
            journal_entries=count("tracker_statusupdate"),
            indicators=count("tracker_tradeindicator"),
            observations=count("tracker_observation"),
            regions=count("tracker_region"),
            database_mb=connection.execute("SELECT pg_database_size(current_database())").fetchone()[0] / 2**20,
        )

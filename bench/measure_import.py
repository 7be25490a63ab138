"""Import: `manage.py import_observations FILE.csv` (all created, then all unchanged) against the schema's floor
(COPY of the same rows, resolved to ids, into the observation table and its history table) and, for scale, COPY
FROM STDIN into a bare table."""

import re
import secrets
import time

from bench.context import log
from bench.data import add_import_series
from bench.report import Row, skipped

__all__ = ["measure_import"]

_BLOCK = 1 << 20
_TARGET = "≥ 0.7× the schema's floor"


def _count(output, word):
    """The number printed next to `word` ("created: 12", "12 created", "created=12"), or None."""
    for pattern in (rf"\b{word}\b\s*[:=]?\s*([\d,]+)", rf"([\d,]+)\s+{word}\b"):
        match = re.search(pattern, output, re.IGNORECASE)
        if match:
            return int(match[1].replace(",", ""))
    return None


def _import(ctx, path, expect, rows):
    output, seconds = ctx.manage("import_observations", str(path), "--no-progress")
    counted = _count(output, expect)
    if counted is not None and counted != rows:
        raise RuntimeError(f"import_observations: expected {rows:,} {expect}, it printed:\n{output}")
    return seconds, output


# The import file's columns as a table without constraints or indexes.
_CSV_COLUMNS = "(indicator text, period text, value numeric, qualifier text, source text, note text)"


def _copy_from(connection, statement, path):
    """Run `statement` (a COPY … FROM STDIN) with the file at `path` streamed in; return the rows copied."""
    with connection.cursor() as cursor:
        with cursor.copy(statement) as copy, open(path, "rb") as handle:
            while block := handle.read(_BLOCK):
                copy.write(block)
        return cursor.rowcount  # known once the COPY has ended, gone once the cursor is closed


def _copy_bare(ctx, path):
    """COPY the same CSV into a bare table (no constraints, no indexes): what PostgreSQL alone takes."""
    with ctx.connect() as connection:
        connection.execute("DROP TABLE IF EXISTS bare")
        connection.execute(f"CREATE TABLE bare {_CSV_COLUMNS}")
        connection.commit()
        started = time.perf_counter()
        _copy_from(connection, "COPY bare FROM STDIN WITH (FORMAT csv, HEADER)", path)
        connection.commit()
        seconds = time.perf_counter() - started
        copied = connection.execute("SELECT count(*) FROM bare").fetchone()[0]
        connection.execute("DROP TABLE bare")
        connection.commit()
    return seconds, copied


# The columns the import writes, and the SELECT that resolves the CSV's rows (in `csv_rows`) to them: ids for
# codes and keys, the period's first day, the defaults Django would fill in.
_OBSERVATION_COLUMNS = (
    "indicator_id, period, period_start, value, qualifier, source_id, note, is_derived, formula, source_detail, "
    "version, created_at, updated_at"
)
_RESOLVED_ROWS = (
    "SELECT i.id, c.period, CASE WHEN length(c.period) = 4 THEN make_date(left(c.period, 4)::int, 1, 1) "
    "WHEN c.period LIKE '%-Q_' THEN make_date(left(c.period, 4)::int, right(c.period, 1)::int * 3 - 2, 1) "
    "ELSE make_date(left(c.period, 4)::int, right(c.period, 2)::int, 1) END, "
    "c.value, c.qualifier, s.id, coalesce(c.note, ''), false, '', '', 1, now(), now() "
    "FROM csv_rows c JOIN tracker_tradeindicator i ON i.code = c.indicator "
    "LEFT JOIN tracker_source s ON s.key = c.source"
)


# The history table of the observations (django-simple-history) and its columns beyond the observation's own:
# history_id is an identity column and defaults; the others are filled as the import fills them.
_HISTORY = "tracker_historicalobservation"
_HISTORY_INSERT = (
    f"INSERT INTO {_HISTORY} (id, {_OBSERVATION_COLUMNS}, history_date, history_change_reason, history_type, "
    "history_user_id, history_actor, history_request_id) "
    f"SELECT id, {_OBSERVATION_COLUMNS}, now(), %(reason)s, '+', NULL, %(actor)s, %(request_id)s "
    "FROM tracker_observation WHERE id > %(last)s"
)


def _copy_into_schema(ctx, path):
    """Write the same rows, already resolved to ids, as the cheapest honest writer would: COPY straight into the
    observation table, then one INSERT … SELECT of a history row ('+') for each row just written, with every
    constraint checked at once; timed together, then rolled back. The least the schema itself asks for each
    created row: two heaps, ten index entries, the checks, two foreign-key lookups. No upsert, no
    comparison with stored rows, no validation, no Python.

    Why the history rows are read back in the server: the observation ids come from the table's identity column,
    and the history rows need them. Reading the rows just written (ids above the largest before the COPY; nothing
    else writes during the bench) costs no second trip of the rows through the client, as the import's own
    upsert … RETURNING feeds its history insert. Pre-allocating ids with nextval() and COPYing both tables from the
    client would send every row twice and make the client merge the ids into them: more work, not less.

    Resolving the CSV to ids is done first, untimed. Returns (seconds, rows)."""
    resolved = ctx.work_dir / "resolved.copy"
    with ctx.connect() as connection:
        connection.execute(f"CREATE TEMPORARY TABLE csv_rows {_CSV_COLUMNS}")
        _copy_from(connection, "COPY csv_rows FROM STDIN WITH (FORMAT csv, HEADER)", path)
        with open(resolved, "wb") as out, connection.cursor().copy(f"COPY ({_RESOLVED_ROWS}) TO STDOUT") as copy:
            for block in copy:
                out.write(block)
        connection.rollback()
        history = {"reason": f"Imported from {path.name}", "actor": "bench", "request_id": secrets.token_hex(16)}
        started = time.perf_counter()
        connection.execute("SET CONSTRAINTS ALL IMMEDIATE")  # Django's foreign keys are checked at commit otherwise
        history["last"] = connection.execute("SELECT coalesce(max(id), 0) FROM tracker_observation").fetchone()[0]
        copied = _copy_from(connection, f"COPY tracker_observation ({_OBSERVATION_COLUMNS}) FROM STDIN", resolved)
        journaled = connection.execute(_HISTORY_INSERT, history).rowcount
        seconds = time.perf_counter() - started
        connection.rollback()
    resolved.unlink()
    if journaled != copied:
        raise RuntimeError(f"The schema's floor wrote {journaled:,} history rows for {copied:,} observations.")
    return seconds, copied


def measure_import(ctx):
    rows = ctx.args.import_rows
    what = f"Import `import_observations` ({rows:,} rows"
    try:
        ctx.manage("help", "import_observations")
    except RuntimeError:
        return [skipped(f"{what}, all new)", "command missing", _TARGET)]
    path = ctx.work_dir / "import.csv"
    if not add_import_series(ctx, rows, path):
        return [skipped(f"{what}, all new)", "needs a fresh database, not --reuse-db", _TARGET)]
    size_mb = path.stat().st_size / 2**20

    log("import: COPY of the same rows, resolved to ids, into the observation table and its history (rolled back)")
    schema_seconds, schema_copied = _copy_into_schema(ctx, path)
    if schema_copied != rows:
        raise RuntimeError(f"COPY into tracker_observation loaded {schema_copied:,} rows of {rows:,}.")
    log(f"import: {rows:,} new rows ({size_mb:.0f} MB CSV) through import_observations")
    created_seconds, _ = _import(ctx, path, "created", rows)
    with ctx.connect() as connection:
        stored = connection.execute(
            "SELECT count(*) FROM tracker_observation o JOIN tracker_tradeindicator i ON i.id = o.indicator_id "
            "WHERE i.code LIKE 'bench-import-%'"
        ).fetchone()[0]
    if stored != rows:
        raise RuntimeError(f"import_observations stored {stored:,} of the {rows:,} rows of {path}.")
    log("import: the same file again (every row unchanged)")
    unchanged_seconds, _ = _import(ctx, path, "unchanged", rows)
    log("import: COPY of the same file into a bare table")
    copy_seconds, copied = _copy_bare(ctx, path)
    if copied != rows:
        raise RuntimeError(f"COPY loaded {copied:,} rows of {rows:,}.")

    copy_rate, schema_rate = rows / copy_seconds, rows / schema_seconds
    created_rate, unchanged_rate = rows / created_seconds, rows / unchanged_seconds
    reference = f"COPY {copy_rate:,.0f} rows/s ({copy_seconds:.2f} s)"
    to_schema = created_rate / schema_rate
    return [
        Row(
            f"Import floor of the schema: COPY of the same {rows:,} rows, resolved to ids, into the observation "
            "table and its history table (a '+' row each, by INSERT … SELECT of the rows just written; their "
            "indexes, checks and foreign keys checked at once; rolled back)",
            f"{schema_rate:,.0f} rows/s ({schema_seconds:.2f} s)",
            reference,
            f"{schema_rate / copy_rate:.2f}×",
        ),
        Row(
            f"{what}, all new: created)",
            f"{created_rate:,.0f} rows/s ({created_seconds:.1f} s)",
            f"the schema's floor {schema_rate:,.0f} rows/s ({schema_seconds:.2f} s)",
            f"{to_schema:.2f}× ({created_rate / copy_rate:.2f}× COPY)",
            _TARGET,
            to_schema >= 0.7,
        ),
        Row(
            f"{what} again: unchanged)",
            f"{unchanged_rate:,.0f} rows/s ({unchanged_seconds:.1f} s)",
            reference,
            f"{unchanged_rate / copy_rate:.2f}×",
        ),
    ]

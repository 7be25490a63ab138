"""Importing trade observations from a CSV file of any size (`manage.py import_observations`).

One pass streams the file: each row is checked in Python with the rules the API's bulk PUT uses
(`tracker.domain.observations.ObservationRules`), and the good rows are copied into a temporary staging table (COPY on
PostgreSQL, batched INSERTs on SQLite); the file is never held in memory. Then, in SQL, rows that repeat an
(indicator, period) of the file and rows that would overwrite a derived value are refused, and the rest are
merged into the observations in one statement, with one history row per change and one event per indicator
whose figures changed (one per row would flood partners' webhooks).

It all happens in one transaction: when any row is refused (and `skip_invalid` is off), nothing is written; an
import that is killed leaves nothing behind. Rows equal to what is stored are left alone (no new version,
history row or event), so importing the same file again changes nothing, and completes an interrupted import.
"""

import contextlib
import csv
import heapq
import itertools
import operator
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.data.spreadsheets import decimal_point, delimiter_of, separator_hint
from tracker.domain import events
from tracker.domain.actors import SystemActor, name_of
from tracker.domain.context import acting_as
from tracker.domain.derived import recompute_derived
from tracker.domain.errors import DomainError
from tracker.domain.locks import lock_figures
from tracker.domain.observations import COMPARED, DERIVED_REFUSAL, ObservationRules
from tracker.models import Observation, Source, TradeIndicator

__all__ = [
    "ACTOR",
    "COLUMNS",
    "ImportRefused",
    "ImportReport",
    "NullProgress",
    "UnreadableFile",
    "import_observations",
    "rejects_path_for",
]

ACTOR = SystemActor("import_observations")
COLUMNS = ("indicator", "period", "value", "qualifier", "source", "note")
REQUIRED = ("indicator", "period", "value")
# The error columns of a rejects file, after the line number and the row as it was in the file.
ERROR_FIELDS = ("row", *COLUMNS)
BATCH = 5000  # rows per write to the staging table (and between progress reports)
PREVIEW = 20  # errors kept in the report for the user to read first


@dataclass
class ImportReport:
    rows: int = 0  # data rows read (blank lines are skipped)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0  # rows refused, each counted once however many errors it has
    indicators: int = 0  # indicators whose figures changed (one event each)
    rejects_path: Path | None = None  # where the refused rows were written, if any were
    first_errors: list = field(default_factory=list)  # up to PREVIEW (line, field, message), in line order

    def as_dict(self):
        return {name: getattr(self, name) for name in ("rows", "created", "updated", "unchanged", "rejected")}


class UnreadableFile(DomainError):
    """The file cannot be imported as a whole: a bad header, bytes that are not UTF-8, broken CSV."""


class ImportRefused(DomainError):
    """Some rows were refused and invalid rows are not to be skipped: nothing was written."""

    def __init__(self, report):
        self.report = report
        super().__init__(
            _("%(count)s of %(rows)s rows were refused; nothing was written. The refused rows are in %(path)s.")
            % {"count": report.rejected, "rows": report.rows, "path": report.rejects_path}
        )


class NullProgress:
    """What an import reports while it runs; the command shows it as a progress bar."""

    def start(self, total_bytes):
        pass

    def reading(self, bytes_read, rows):
        pass

    def step(self, message):
        pass


def rejects_path_for(path):
    """FILE.rejects.csv beside FILE.csv."""
    path = Path(path)
    return path.with_name(f"{path.stem}.rejects.csv")


def import_observations(path, *, skip_invalid=False, rejects_path=None, progress=None, actor=ACTOR):
    """Validate and upsert every row of the CSV file at `path`; return an ImportReport.

    Raises UnreadableFile (bad header, encoding, CSV syntax) or ImportRefused (some rows are invalid and
    `skip_invalid` is off), writing nothing in either case. Refused rows go to `rejects_path` (default
    FILE.rejects.csv), with their line number and one message per field, whether or not they are skipped.
    """
    path = Path(path)
    progress = progress or NullProgress()
    report = ImportReport(rejects_path=Path(rejects_path) if rejects_path else rejects_path_for(path))
    with _open(path) as file:
        # A file saved by Excel in a decimal-comma locale has ';' between fields (tracker.data.spreadsheets).
        delimiter = delimiter_of(file.readline())
        file.seek(0)
        reader = csv.reader(file, delimiter=delimiter)
        header = _read_header(reader, path)
        rules = ObservationRules(dict(Source.objects.values_list("key", "id")))
        indicators = {
            code: (pk, frequency)
            for pk, code, frequency in TradeIndicator.objects.values_list("id", "code", "frequency")
        }
        progress.start(os.fstat(file.fileno()).st_size)
        with (
            transaction.atomic(),
            acting_as(actor),
            tempfile.TemporaryFile("w+", newline="", encoding="utf-8") as spool,
        ):
            staging = _Staging()
            decimal_comma = delimiter == ";"
            staged = _read_rows(
                file, reader, header, rules, indicators, staging, spool, report, progress, decimal_comma
            )
            progress.step(_("checking the whole file"))
            refused_lines = staging.check_whole_file()
            report.rejected += refused_lines
            if report.rejected:
                progress.step(_("writing the refused rows to %(path)s") % {"path": report.rejects_path})
                spool.seek(0)
                _write_rejects(path, header, report, _merged_errors(csv.reader(spool), staging.refusals()))
                if not skip_invalid:
                    raise ImportRefused(report)
                staging.drop_refused()
            progress.step(_("writing the observations"))
            now = timezone.now()
            counts = staging.merge(now, name_of(actor), _("Imported from %(file)s") % {"file": path.name})
            report.created = sum(created for _indicator, created, _updated in counts)
            report.updated = sum(updated for _indicator, _created, updated in counts)
            report.unchanged = staged - refused_lines - report.created - report.updated
            report.indicators = len(counts)
            _record_events(counts, actor, now)
            recompute_derived([indicator for indicator, _created, _updated in counts], by=actor)
            staging.drop()
    return report


# --- reading ----------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def _open(path):
    try:
        file = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 (closed below)
    except OSError as error:
        raise UnreadableFile(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": error.strerror}) from None
    with file:
        try:
            yield file
        except UnicodeDecodeError:
            raise UnreadableFile(
                _("%(path)s is not UTF-8 text (a wrong byte near byte %(offset)s); save it as UTF-8 and try again.")
                % {"path": path, "offset": file.buffer.tell()}
            ) from None


def _read_header(reader, path):
    """The file's column names, or UnreadableFile naming unknown, repeated and missing ones."""
    try:
        header = [name.strip().lower() for name in next(reader, [])]
    except csv.Error as error:
        raise UnreadableFile(_("Line 1 of %(path)s is not CSV: %(error)s") % {"path": path, "error": error}) from None
    problems = []
    if unknown := [name for name in header if name not in COLUMNS]:
        problems.append(_("unknown columns: %(names)s") % {"names": ", ".join(unknown)})
        if hint := separator_hint(unknown):
            problems.append(hint)
    if repeated := sorted({name for name in header if header.count(name) > 1}):
        problems.append(_("repeated columns: %(names)s") % {"names": ", ".join(repeated)})
    if missing := [name for name in REQUIRED if name not in header]:
        problems.append(_("missing columns: %(names)s") % {"names": ", ".join(missing)})
    if problems:
        raise UnreadableFile(
            _("The header of %(path)s has %(problems)s. Expected columns: %(columns)s (the last three optional).")
            % {"path": path, "problems": "; ".join(problems), "columns": ", ".join(COLUMNS)}
        )
    return header


def _numbered(reader, path):
    """(line where the record starts, fields) of every record after the header; blank lines are skipped.
    (`_read_rows` numbers the lines the same way, inline, for speed.)"""
    start = reader.line_num + 1
    with _csv_errors(reader, path):
        for row in reader:
            if row:
                yield start, row
            start = reader.line_num + 1


@contextlib.contextmanager
def _csv_errors(reader, path):
    """Broken CSV (an unclosed quote, a field over csv.field_size_limit()) as UnreadableFile naming the line."""
    try:
        yield
    except csv.Error as error:
        raise UnreadableFile(
            _("Line %(line)s of %(path)s is not valid CSV: %(error)s")
            % {"line": reader.line_num, "path": path, "error": error}
        ) from None


def _read_rows(file, reader, header, rules, indicators, staging, spool, report, progress, decimal_comma):
    """Check every row; stage the good ones, spool the errors of the others as (line, field, message).
    With `decimal_comma`, values are read as a spreadsheet in such a locale writes them ("1 234,5").

    Returns how many rows were staged. This loop runs once per row of files with millions of rows, so it
    keeps to local names and dictionary lookups.
    """
    width = len(header)
    missing = [name for name in COLUMNS if name not in header]
    positions = [header.index(name) if name in header else width for name in COLUMNS]
    pick = None if positions == list(range(len(COLUMNS))) else operator.itemgetter(*positions)
    padding = [""] * (width + (1 if missing else 0))  # missing optional columns read as empty
    check = rules.check
    unknown_indicator = _("No indicator with code “%(code)s”.")
    too_long = _("This row has %(count)s values; the header has %(columns)s columns.")
    repeated = _("Period %(period)s of this indicator is already on line %(line)s of the file.")
    reject = csv.writer(spool).writerows
    starts = {}  # period text → its first day as ISO text (a few thousand at most)
    # Repeats of an (indicator, period) are found here while the file is grouped by indicator, remembering the
    # periods of the current indicator's run and which indicators' runs ended (bounded by the series, not by the
    # rows). From the first indicator that comes back after its run, the SQL check of the whole file finds them.
    grouped, run_of, run_lines, finished = True, None, {}, set()
    batch, staged, rows = [], 0, 0
    next_line = reader.line_num + 1  # records may span lines: each starts after the end of the one before
    with staging.writer() as write, _csv_errors(reader, file.name):
        for row in reader:
            line, next_line = next_line, reader.line_num + 1
            if not row:  # a blank line
                continue
            rows += 1
            if len(row) != width or missing:
                if len(row) > width:
                    reject([(line, "row", too_long % {"count": len(row), "columns": width})])
                    report.rejected += 1
                    continue
                row += padding[len(row) :]
            if pick is None:
                code, period, value, qualifier, source, note = row
            else:
                code, period, value, qualifier, source, note = pick(row)
            if decimal_comma:
                value = decimal_point(value)
            indicator = indicators.get(code)
            if indicator is not None:
                fields, errors = check(indicator[1], period, value, qualifier, source, note)
            else:
                _fields, errors = check(None, period, value, qualifier, source, note)
                errors = {"indicator": unknown_indicator % {"code": code}, **(errors or {})}
            if errors is not None:
                reject([(line, name, message) for name, message in errors.items()])
                report.rejected += 1
                continue
            period, value, qualifier, source_id, note = fields
            text = period.text
            if grouped:
                if indicator is not run_of:  # (the same tuple for every row of an indicator)
                    finished.add(run_of)
                    run_of, run_lines = indicator, {}
                    if indicator in finished:
                        grouped, run_lines, finished = False, None, None
                if grouped and (first := run_lines.setdefault(text, line)) != line:
                    reject([(line, "period", repeated % {"period": text, "line": first})])
                    report.rejected += 1
                    continue
            start = starts.get(text)
            if start is None:
                start = starts[text] = period.start.isoformat()
            batch.append((line, indicator[0], text, start, value, qualifier, source_id, note))
            if len(batch) == BATCH:
                write(batch)
                staging.indicators.update({entry[1] for entry in batch})
                staged += BATCH
                batch = []
                progress.reading(file.buffer.tell(), rows)
        if batch:
            write(batch)
            staging.indicators.update({entry[1] for entry in batch})
            staged += len(batch)
    staging.repeats_checked = grouped
    report.rows = rows
    progress.reading(file.buffer.tell(), rows)
    return staged


# --- the staging tables -----------------------------------------------------------------------------------------

OBSERVATIONS = Observation._meta.db_table
HISTORY = Observation.history.model._meta.db_table
# The row as staged: validated, with the indicator's id, the period's first day and the source's id.
_STAGE_COLUMNS = "line, indicator_id, period, period_start, value, qualifier, source_id, note"
# The fields compared to decide whether a row changed, as the API's bulk upsert does, and their new values.
_NEW = {name: f"s.{name}" for name in COMPARED} | {"is_derived": "FALSE", "formula": "''"}  # never derived


def _differs(old, new, distinct):
    """SQL true when the compared fields of `old` and `new` differ, NULL-safe (`distinct`: the operator)."""
    return f"({', '.join(old)}) {distinct} ({', '.join(new)})"


def _columns(model, known, parameters):
    """(column list, expression list) to insert a row of `model`: `known` expressions by column; any other
    column gets the field's default, computed now, as a parameter (so a column added later with a Python-side
    default, like a request id, is filled as Django would fill it)."""
    columns, expressions = [], []
    for model_field in model._meta.concrete_fields:
        if model_field.primary_key and model_field.column not in known:
            continue
        columns.append(model_field.column)
        if model_field.column in known:
            expressions.append(known[model_field.column])
        else:
            parameters[f"default_{model_field.column}"] = model_field.get_db_prep_save(
                model_field.get_default(), connection
            )
            expressions.append(f"%(default_{model_field.column})s")
    return ", ".join(columns), ", ".join(expressions)


class _Staging:
    """The temporary tables of one import, in its transaction: `import_stage` holds the rows that passed the
    row rules, `import_refused` the (line, field, message) of rows the whole-file checks refuse."""

    def __init__(self):
        self.cursor = connection.cursor()
        self.postgres = connection.vendor == "postgresql"
        self.repeats_checked = False  # True when reading found every repeated (indicator, period) already
        self.indicators = set()  # ids of the indicators with staged rows
        if self.postgres:
            # Room for the hash join and sort of a million rows in memory rather than in batches on disk.
            self.cursor.execute("SET LOCAL work_mem = '64MB'")
        schema = "pg_temp" if self.postgres else "temp"  # never a permanent table of the same name
        for table in ("import_stage", "import_refused"):  # left by an earlier import in this same transaction
            self.cursor.execute(f"DROP TABLE IF EXISTS {schema}.{table}")
        temporary = "ON COMMIT DROP" if self.postgres else ""
        self.cursor.execute(
            "CREATE TEMPORARY TABLE import_stage (line integer NOT NULL, indicator_id bigint NOT NULL, "
            "period varchar(7) NOT NULL, period_start date NOT NULL, value numeric(18, 2) NOT NULL, "
            f"qualifier varchar(10) NOT NULL, source_id bigint, note varchar(300) NOT NULL) {temporary}"
        )
        self.cursor.execute(
            f"CREATE TEMPORARY TABLE import_refused (line integer NOT NULL, field text, message text) {temporary}"
        )

    @contextlib.contextmanager
    def writer(self):
        """A function that stages a batch of rows (tuples in _STAGE_COLUMNS order)."""
        if self.postgres:
            with self.cursor.copy(f"COPY import_stage ({_STAGE_COLUMNS}) FROM STDIN") as copy:
                yield lambda batch: copy.write(_copy_text(batch))
        else:
            statement = f"INSERT INTO import_stage ({_STAGE_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
            yield lambda batch: self.cursor.executemany(statement, batch)

    def check_whole_file(self):
        """Refuse every repeat of an (indicator, period) after its first line (unless reading found them all),
        and every row that would overwrite a derived value; return how many lines were refused."""
        if not self.repeats_checked:
            self.cursor.execute(
                "INSERT INTO import_refused (line, field, message) "
                "SELECT line, 'period', replace(replace(%s, %s, period), %s, CAST(first_line AS varchar(12))) "
                "FROM (SELECT line, period, min(line) OVER (PARTITION BY indicator_id, period) AS first_line "
                "      FROM import_stage) AS numbered "
                "WHERE line <> first_line",
                [
                    _("Period %(period)s of this indicator is already on line %(line)s of the file."),
                    "%(period)s",
                    "%(line)s",
                ],
            )
        if self.postgres:
            # Each staged row looks its stored figure up (OFFSET 0 keeps the lookup a lookup, whatever the planner
            # guesses of a staging table it has no statistics of): the cost follows the file, not the table.
            stored = (
                f"LATERAL (SELECT o.formula FROM {OBSERVATIONS} o WHERE o.indicator_id = s.indicator_id "
                "AND o.period = s.period AND o.is_derived OFFSET 0) AS o ON TRUE"
            )
        else:
            stored = f"{OBSERVATIONS} o ON o.indicator_id = s.indicator_id AND o.period = s.period AND o.is_derived"
        self.cursor.execute(
            "INSERT INTO import_refused (line, field, message) "
            "SELECT s.line, 'period', replace(replace(%s, %s, s.period), %s, o.formula) "
            f"FROM import_stage s JOIN {stored}",
            [
                _(DERIVED_REFUSAL),
                "%(period)s",
                "%(formula)s",
            ],
        )
        self.cursor.execute("SELECT count(DISTINCT line) FROM import_refused")
        return self.cursor.fetchone()[0]

    def refusals(self):
        """(line, field, message) of the whole-file checks' refusals in line order, streamed."""
        query = "SELECT line, field, message FROM import_refused ORDER BY line, field"
        if self.postgres:
            with self.cursor.connection.cursor(name="import_refusals") as cursor:
                cursor.itersize = BATCH
                cursor.execute(query)
                yield from cursor
        else:
            with connection.cursor() as cursor:
                cursor.execute(query)
                while rows := cursor.fetchmany(BATCH):
                    yield from rows

    def drop_refused(self):
        self.cursor.execute("DELETE FROM import_stage WHERE line IN (SELECT line FROM import_refused)")

    def merge(self, now, actor_name, reason):
        """Insert the new rows, update the changed ones, journal both; leave equal rows untouched.

        Returns [(indicator id, created, updated)] for every indicator with a change.
        """
        # The same lock the API's bulk PUT takes (tracker.domain.locks.lock_figures), for every indicator of the
        # file: imports and PUTs of one indicator's figures go one at a time instead of deadlocking.
        lock_figures(self.indicators)
        if not self.postgres:
            now = connection.ops.adapt_datetimefield_value(now)
        parameters = {"now": now, "actor": actor_name, "reason": reason}
        upsert = self._upsert(parameters, "IS DISTINCT FROM" if self.postgres else "IS NOT")
        if self.postgres:
            # One statement: the upsert returns the rows it wrote, their history rows are made from them, and
            # the counts per indicator come back.
            with self._probing():
                self.cursor.execute(
                    f"WITH written AS ({upsert} RETURNING {OBSERVATIONS}.*), "
                    f"journal AS ({self._history(parameters, 'written o')} RETURNING indicator_id, history_type) "
                    "SELECT indicator_id, count(*) FILTER (WHERE history_type = '+'), "
                    "count(*) FILTER (WHERE history_type = '~') FROM journal GROUP BY indicator_id ORDER BY 1",
                    parameters,
                )
                counts = self.cursor.fetchall()
            return counts
        else:
            # SQLite has no writing WITH clauses: the rows the upsert wrote are those updated at `now`.
            self.cursor.execute(upsert, parameters)
            self.cursor.execute(
                self._history(
                    parameters,
                    f"import_stage s JOIN {OBSERVATIONS} o ON o.indicator_id = s.indicator_id "
                    "AND o.period = s.period WHERE o.updated_at = %(now)s",
                ),
                parameters,
            )
            self.cursor.execute(
                "SELECT indicator_id, sum(history_type = '+'), sum(history_type = '~') "
                f"FROM {HISTORY} WHERE history_date = %(now)s AND history_actor = %(actor)s "
                "GROUP BY indicator_id ORDER BY 1",
                parameters,
            )
        return self.cursor.fetchall()

    @contextlib.contextmanager
    def _probing(self):
        """Joins of the staged rows with the stored observations look each row up through the (indicator, period)
        index: the cost follows the file, not the table. Left to itself, PostgreSQL reads and hashes every stored
        observation (or sorts them all for a merge join), which costs more than the lookups of a hundred thousand
        rows, and more and more as the table grows. (Not restored when the statement fails: the transaction is
        over then, and SET LOCAL with it.)"""
        if not self.postgres:
            yield
            return
        self.cursor.execute("SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off")
        yield
        self.cursor.execute("SET LOCAL enable_hashjoin TO DEFAULT; SET LOCAL enable_mergejoin TO DEFAULT")

    def _upsert(self, parameters, distinct):
        """Rows equal to the stored ones are left out before the upsert (so they are not even locked); the
        upsert compares again, for rows that someone else changed meanwhile."""
        known = {"indicator_id": "s.indicator_id", "period": "s.period", "period_start": "s.period_start"}
        known |= _NEW | {"created_at": "%(now)s", "updated_at": "%(now)s", "version": "1"}
        columns, expressions = _columns(Observation, known, parameters)
        current = [f"{OBSERVATIONS}.{name}" for name in COMPARED]
        excluded = [f"excluded.{name}" for name in COMPARED]
        return (
            f"INSERT INTO {OBSERVATIONS} ({columns}) SELECT {expressions} "
            f"FROM import_stage s LEFT JOIN {OBSERVATIONS} o "
            "ON o.indicator_id = s.indicator_id AND o.period = s.period "
            f"WHERE o.id IS NULL OR {_differs([f'o.{name}' for name in COMPARED], _NEW.values(), distinct)} "
            f"ON CONFLICT (indicator_id, period) DO UPDATE SET "
            f"{', '.join(f'{name} = excluded.{name}' for name in COMPARED)}, "
            f"version = {OBSERVATIONS}.version + 1, updated_at = excluded.updated_at "
            f"WHERE {_differs(current, excluded, distinct)}"
        )

    def _history(self, parameters, rows):
        """INSERT … SELECT of one history row per observation `o` in `rows`: '+' for version 1, '~' after."""
        known = {field.column: f"o.{field.column}" for field in Observation._meta.concrete_fields}
        known |= {
            "history_date": "%(now)s",
            "history_change_reason": "%(reason)s",
            "history_type": "CASE WHEN o.version = 1 THEN '+' ELSE '~' END",
            "history_user_id": "NULL",
            "history_actor": "%(actor)s",
        }
        columns, expressions = _columns(Observation.history.model, known, parameters)
        return f"INSERT INTO {HISTORY} ({columns}) SELECT {expressions} FROM {rows}"

    def drop(self):
        self.cursor.execute("DROP TABLE import_stage")
        self.cursor.execute("DROP TABLE import_refused")
        self.cursor.close()


_NULL = "\\N"
_COPY_SPECIAL = re.compile(r"[\\\t\n\r]").search
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(batch):
    """Rows in COPY's text format. Only the note is free text: the other fields passed the row rules (digits,
    periods, qualifiers) or are ids."""
    return "".join(
        [
            f"{line}\t{indicator}\t{period}\t{start}\t{value}\t{qualifier}\t{_NULL if source is None else source}\t"
            f"{note if not note or not _COPY_SPECIAL(note) else note.translate(_COPY_ESCAPES)}\n"
            for line, indicator, period, start, value, qualifier, source, note in batch
        ]
    )


# --- refused rows -----------------------------------------------------------------------------------------------


def _merged_errors(*streams):
    """(line, {field: message}) in line order from streams of (line, field, message), each in line order."""
    merged = heapq.merge(*(((int(line), name, message) for line, name, message in s) for s in streams))
    for line, errors in itertools.groupby(merged, key=operator.itemgetter(0)):
        fields = {}
        for _line, name, message in errors:
            fields[name] = f"{fields[name]} {message}" if name in fields else message
        yield line, fields


def _write_rejects(path, header, report, errors_by_line):
    """Write every refused row as it was in the file, with its line and messages, reading the file again."""
    target = report.rejects_path
    partial = target.with_name(f"{target.name}.part")
    width = len(header)
    with _open(path) as file, open(partial, "w", newline="", encoding="utf-8") as out:
        reader = csv.reader(file)
        next(reader)
        rows = _numbered(reader, path)
        writer = csv.writer(out)
        writer.writerow(["line", *header, *(f"{name}_error" for name in ERROR_FIELDS)])
        for line, errors in errors_by_line:
            row = next(fields for number, fields in rows if number == line)
            row = (row + [""] * width)[:width]
            writer.writerow([line, *row, *(errors.get(name, "") for name in ERROR_FIELDS)])
            if len(report.first_errors) < PREVIEW:
                report.first_errors += [(line, name, message) for name, message in errors.items()]
    os.replace(partial, target)
    del report.first_errors[PREVIEW:]


# --- events -----------------------------------------------------------------------------------------------------


def _record_events(counts, actor, now):
    """The events of the figures that changed, by the rule every door follows (docs/webhooks.md): one
    `observation.created` / `observation.updated` each, as the API's bulk PUT and the admin write them, for up to
    API_MAX_BULK_OBSERVATIONS changed figures (the most one PUT can carry); a larger import, which only this
    command can make, is announced as one `tradeindicator.updated` per indicator with the counts instead of
    flooding partners' webhooks with a delivery per figure."""
    if sum(created + updated for _indicator, created, updated in counts) <= settings.API_MAX_BULK_OBSERVATIONS:
        changed = (
            Observation.objects.filter(indicator_id__in=[indicator for indicator, _c, _u in counts], updated_at=now)
            .select_related("indicator")
            .order_by("indicator_id", "period_start")
        )
        events.record_many(
            [
                events.event_for(
                    o, events.Action.CREATED if o.created_at == now else events.Action.UPDATED, actor=actor
                )
                for o in changed
            ]
        )
        return
    for offset in range(0, len(counts), 1000):
        chunk = counts[offset : offset + 1000]
        indicators = TradeIndicator.objects.in_bulk([indicator_id for indicator_id, _c, _u in chunk])
        events.record_many(
            [
                events.event_for(
                    indicators[indicator_id],
                    events.Action.UPDATED,
                    data={"observations": {"created": created, "updated": updated}, "source": "import"},
                    actor=actor,
                )
                for indicator_id, created, updated in chunk
            ]
        )

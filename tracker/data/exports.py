"""Exports of lists as CSV (streamed, so memory stays flat whatever the size) and XLSX (write-only mode).

The CSV of pages (the initiatives list, an indicator's figures) is for spreadsheets: it starts with a byte-order
mark and guards formulas (tracker.data.spreadsheets). The observations export of the API is for machines: the same
formula guard, no byte-order mark.
"""

import csv
import io
import itertools
import tempfile

from django.conf import settings
from django.db import connection, transaction
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.data.imports import COLUMNS
from tracker.data.spreadsheets import BOM, guarded, guarded_sql
from tracker.domain.choices import Health, Priority, Status, Visibility
from tracker.domain.errors import ExportTooLarge

__all__ = [
    "FORMATS",
    "OBSERVATION_COLUMNS",
    "check_size",
    "initiatives_response",
    "observations_csv_response",
    "observations_csv_statement",
    "observations_response",
]

FORMATS = ("csv", "xlsx")
_CHUNK = 2000


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a streaming response."""

    def write(self, value):
        return value


def _initiative_columns():
    return [
        (_("Code"), lambda i: i.code),
        (_("Title"), lambda i: i.title),
        (_("Area"), lambda i: str(i.area)),
        (_("Partner region"), lambda i: i.partner_region.code),
        (_("Status"), lambda i: Status(i.status).label),
        (_("Health"), lambda i: Health(i.health).label),
        (_("Health reason"), lambda i: i.health_reason),
        (_("Priority"), lambda i: Priority(i.priority).label),
        (_("Owner"), lambda i: i.owner.username if i.owner else ""),
        (_("Visibility"), lambda i: Visibility(i.visibility).label),
        (_("Planned start"), lambda i: i.planned_start or ""),
        (_("Planned end"), lambda i: i.planned_end or ""),
        (_("Updated"), lambda i: timezone.localtime(i.updated_at).strftime("%Y-%m-%d %H:%M")),
    ]


def _rows(queryset, columns):
    yield [str(title) for title, _value in columns]
    for item in queryset.iterator(chunk_size=_CHUNK):
        yield [guarded(value(item)) for _title, value in columns]


def _csv_response(rows, filename):
    """CSV for a spreadsheet: the byte-order mark first, so Excel reads the file as UTF-8 (Cyrillic included)."""
    writer = csv.writer(_Echo())
    lines = (writer.writerow(row) for row in rows)
    response = StreamingHttpResponse(itertools.chain([BOM], lines), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _xlsx_response(rows, filename):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in rows:
        sheet.append(row)
    handle = tempfile.TemporaryFile()  # noqa: SIM115  (FileResponse closes it once sent)
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def check_size(queryset, fmt):
    """Raise ExportTooLarge when `queryset` has more rows than format `fmt` may export: EXPORT_MAX_ROWS for CSV
    (streamed, so the limit bounds the time a request takes), EXPORT_MAX_XLSX_ROWS for XLSX (built whole in a
    temporary file before the first byte is sent). One COUNT(*) of the filtered rows, before anything is sent."""
    limit = settings.EXPORT_MAX_XLSX_ROWS if fmt == "xlsx" else settings.EXPORT_MAX_ROWS
    count = queryset.order_by().count()
    if count > limit:
        raise ExportTooLarge(count, limit, fmt)


def initiatives_response(queryset, fmt):
    check_size(queryset, fmt)
    rows = _rows(queryset, _initiative_columns())
    filename = f"initiatives-{timezone.localdate():%Y-%m-%d}"
    return _csv_response(rows, filename) if fmt == "csv" else _xlsx_response(rows, filename)


def observations_response(indicator, observations):
    header = [
        _("Period"),
        _("Value"),
        _("Currency"),
        _("Qualifier"),
        _("Derived"),
        _("Formula"),
        _("Source"),
        _("Note"),
    ]
    rows = [
        [
            o.period,
            str(o.value),
            indicator.currency,
            o.qualifier,
            "yes" if o.is_derived else "",
            guarded(o.formula),
            o.source.key if o.source_id else "",
            guarded(o.note),
        ]
        for o in observations
    ]
    return _csv_response([header, *rows], indicator.code)


# The columns of `import_observations`, so an export can be edited and imported back.
OBSERVATION_COLUMNS = COLUMNS
_BLOCK = 256 * 1024


def _observation_rows(observations):
    return (
        observations.order_by("indicator__code", "period_start")
        .annotate(safe_note=guarded_sql("note"))
        .values_list("indicator__code", "period", "value", "qualifier", "source__key", "safe_note")
    )


def observations_csv_statement(observations):
    """The (sql, params) of the export's SELECT, for COPY and for a benchmark that runs it directly."""
    return _observation_rows(observations).query.sql_with_params()


def observations_csv_response(observations, filename):
    """CSV of `observations` with the import's columns, streamed in blocks: memory stays flat at any size.

    On PostgreSQL the database writes the CSV itself (COPY … TO STDOUT); elsewhere Python's csv module does.
    Raises ExportTooLarge beyond EXPORT_MAX_ROWS.
    """
    check_size(observations, "csv")
    blocks = _copied_blocks(observations) if connection.vendor == "postgresql" else _written_blocks(observations)
    response = StreamingHttpResponse(blocks, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


# The COPY is one statement that lasts as long as the client takes to read the file: a web process's
# DB_STATEMENT_TIMEOUT_MS (config/statement_timeout.py) would cut a large export off half-way, so it gets this
# instead (EXPORT_MAX_ROWS bounds its size: 2,000,000 rows are ~100 MB).
EXPORT_STATEMENT_TIMEOUT = "10min"


def _copied_blocks(observations):
    sql, params = observations_csv_statement(observations)
    buffer = bytearray()
    statement = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL statement_timeout = '{EXPORT_STATEMENT_TIMEOUT}'")
        with cursor.connection.cursor() as raw, raw.copy(statement, params) as copy:
            buffer += ",".join(OBSERVATION_COLUMNS).encode() + b"\n"
            for block in copy:
                buffer += block
                if len(buffer) >= _BLOCK:
                    yield bytes(buffer)
                    buffer.clear()
    yield bytes(buffer)


def _written_blocks(observations):
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(OBSERVATION_COLUMNS)
    for row in _observation_rows(observations).iterator(chunk_size=_CHUNK):
        writer.writerow(["" if cell is None else cell for cell in row])
        if text.tell() >= _BLOCK:
            yield text.getvalue().encode()
            text.seek(0)
            text.truncate()
    yield text.getvalue().encode()

"""`python manage.py import_observations FILE.csv [--skip-invalid] [--rejects PATH] [--no-progress]`.

The rules and the SQL are in `tracker.data.imports`; this shows progress and reports.
"""

import sys
from pathlib import Path

from django.core import checks
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from tracker.data.imports import ImportRefused, UnreadableFile, import_observations

SHOWN_ERRORS = 20


class Command(BaseCommand):
    # The checks of the models it writes; not those of the URLconf, the admin or the templates, which would load
    # the whole web side first (most of a second of every run). `manage.py check` and a deployment run them all.
    requires_system_checks = [checks.Tags.models]
    help = (
        "Import trade observations from a UTF-8 CSV file with the columns indicator, period, value and, optionally, "
        "qualifier (exact, approx, at_least, at_most; default exact), source (a source key) and note. Rows are "
        "matched by indicator and period: new ones are created, changed ones updated (with history), equal ones "
        "left alone. All or nothing: if any row is invalid, nothing is written and every invalid row is listed in "
        "the rejects file with its line number and a message per field; --skip-invalid writes the valid rows. "
        "Safe to run again: the same file a second time changes nothing, and an import that was interrupted "
        "(even killed) has written nothing, so running it again completes it."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The CSV file (UTF-8, a byte-order mark is accepted).")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Write the valid rows and list the invalid ones in the rejects file, instead of writing nothing.",
        )
        parser.add_argument(
            "--rejects",
            type=Path,
            default=None,
            metavar="PATH",
            help="Where to write the invalid rows (default: FILE.rejects.csv beside the file).",
        )
        parser.add_argument("--no-progress", action="store_true", help="Do not show the progress bar.")

    def handle(self, *args, file, skip_invalid=False, rejects=None, no_progress=False, **options):
        progress = _ProgressBar(disable=no_progress, stream=getattr(self.stderr, "_out", sys.stderr))
        try:
            report = import_observations(file, skip_invalid=skip_invalid, rejects_path=rejects, progress=progress)
        except UnreadableFile as error:
            raise CommandError(f"{error}\nNothing was written.") from None
        except ImportRefused as refused:
            self._show_errors(refused.report)
            raise CommandError(
                f"{refused}\nFix them and import the file again, or use --skip-invalid to write the valid rows."
            ) from None
        finally:
            progress.close()
        self._show_errors(report)
        self.stdout.write(
            f"Rows read: {report.rows}; created: {report.created}; updated: {report.updated}; "
            f"unchanged: {report.unchanged}; rejected: {report.rejected}."
        )
        if report.rejected:
            self.stdout.write(f"The rejected rows are in {report.rejects_path}.")

    def _show_errors(self, report):
        for line, field, message in report.first_errors[:SHOWN_ERRORS]:
            self.stderr.write(f"line {line}, {field}: {message}")
        if report.rejected > len({line for line, _field, _message in report.first_errors}):
            self.stderr.write(f"… every rejected row, with its errors, is in {report.rejects_path}")


class _ProgressBar:
    """A bar of the bytes read (rows in its postfix) while reading the file, then one line per later step; on
    stderr, so the report on stdout stays clean."""

    def __init__(self, *, disable, stream):
        self.disable, self.stream, self.bar = disable, stream, None

    def start(self, total_bytes):
        self.bar = tqdm(
            total=total_bytes,
            unit="B",
            unit_scale=True,
            unit_divisor=1024,
            desc="reading",
            file=self.stream,
            disable=self.disable,
            dynamic_ncols=True,
        )

    def reading(self, bytes_read, rows):
        if self.bar is not None:
            self.bar.set_postfix_str(f"{rows:,} rows", refresh=False)
            self.bar.update(bytes_read - self.bar.n)

    def step(self, message):
        self.close()
        if not self.disable:
            self.stream.write(f"{message}…\n")
            self.stream.flush()

    def close(self):
        if self.bar is not None:
            self.bar.close()
            self.bar = None

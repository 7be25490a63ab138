"""`python manage.py restore FILE [--yes]`: replace the whole database with a backup (tracker.ops.backups)."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tracker.ops.backups import BackupError, describe, restore


class Command(BaseCommand):
    help = (
        "Replace the whole database of DATABASE_URL with a backup made by `manage.py backup` (every table, history "
        "and events included). Asks first unless --yes. Stop the server and the task workers meanwhile."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="A .dump (PostgreSQL) or .sqlite3 (SQLite) backup.")
        parser.add_argument(
            "--yes",
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation (for cron and scripts).",
        )

    def handle(self, *args, file, interactive=True, **options):
        target = describe()
        if not file.is_file():
            raise CommandError(f"{file} is not a file. Backups are listed in BACKUP_DIR (default backups/).")
        if interactive:
            self._confirm(f"Replace everything in the {target} with {file}? Type 'yes' to go on: ")
        try:
            restore(file)
        except BackupError as error:
            raise CommandError(f"Nothing was restored: {error}") from None
        self.stdout.write(
            f"Restored {file} into the {target}. If the backup is older than the code, run `manage.py migrate`."
        )

    def _confirm(self, question):
        # Without a terminal (cron, a pipe) nobody can answer: say how to go on instead of reading nothing.
        if not sys.stdin.isatty():
            raise CommandError(
                "Nothing was restored: there is no terminal to ask on. Add --yes (make restore … CONFIRM=yes) to "
                "restore without asking."
            )
        try:
            answer = input(question)
        except EOFError:
            answer = ""
        if answer.strip().lower() != "yes":
            raise CommandError("Nothing was restored.")

"""`python manage.py backup [--dir DIR]`: back up the whole database; prints the backup's path (tracker.ops.backups)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tracker.ops.backups import BackupError, backup, describe


class Command(BaseCommand):
    help = (
        "Back up the whole database of DATABASE_URL into BACKUP_DIR (default backups/): tracker-YYYYmmdd-HHMMSS.dump "
        "(pg_dump, custom format) for PostgreSQL, .sqlite3 (SQLite's online backup) for SQLite. Prints the path."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, default=None, help="Where to write it (default: BACKUP_DIR).")

    def handle(self, *args, dir=None, **options):
        directory = dir or settings.BACKUP_DIR
        try:
            path = backup(directory)
        except BackupError as error:
            raise CommandError(f"No backup of the {describe()} was made: {error}") from None
        self.stdout.write(str(path))

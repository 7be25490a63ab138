"""`python manage.py load_seeds [--path seeds/]`: load the seed data; a second run changes nothing.

The rules (natural keys, derived values, statuses set only on creation) are in `tracker.data.seeds`.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tracker.data.seeds import SeedError, load_seeds


class Command(BaseCommand):
    help = (
        "Load the seed data (every .yaml file in seeds/) in one transaction. Idempotent: records are matched by "
        "natural key and saved only when a field differs; an initiative's status is set only when it is created."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--path",
            type=Path,
            default=None,
            help="A seeds directory or a single .yaml file (default: seeds/ in the project).",
        )

    def handle(self, *args, path=None, **options):
        path = path or Path(settings.BASE_DIR) / "seeds"
        try:
            report = load_seeds(path)
        except SeedError as error:
            raise CommandError(f"{error}\nNothing was written; fix the seed file and run load_seeds again.") from None
        for line in report.lines():
            self.stdout.write(line)

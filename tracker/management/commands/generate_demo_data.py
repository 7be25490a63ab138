"""`python manage.py generate_demo_data --initiatives N --observations M --seed S [--replace] [--no-progress]`.

Fills the database with invented partners (ISO "XZ"), trade series and initiatives for demonstrations and load
tests; the rules (what is made, how demo rows are recognised, determinism) are in `tracker.data.demo_data`.
"""

import sys
import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from tracker.data.demo_data import DemoDataError, generate


class Command(BaseCommand):
    help = (
        "Generate demo data: 85 invented partner regions (XZ-001…XZ-085), trade series with exactly "
        "--observations values, and --initiatives initiatives with milestones and journals. Deterministic for a "
        "given --seed. Bypasses the workflow, history and event log (bulk inserts)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--initiatives", type=int, default=200, help="Number of initiatives (default 200).")
        parser.add_argument(
            "--observations", type=int, default=100_000, help="Number of trade observations (default 100000)."
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed; the same seed gives the same rows.")
        parser.add_argument("--replace", action="store_true", help="Delete existing demo data first.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar (it goes to stderr).")

    def handle(self, *args, initiatives, observations, seed, replace, no_progress, verbosity, **options):
        quiet = verbosity == 0
        started = time.monotonic()
        with tqdm(
            total=observations, desc="observations", unit=" rows", unit_scale=True, file=sys.stderr,
            disable=no_progress or quiet,
        ) as bar:  # fmt: skip
            try:
                report = generate(
                    initiatives=initiatives, observations=observations, seed=seed, replace=replace, progress=bar.update
                )
            except DemoDataError as error:
                raise CommandError(str(error)) from None
        if not quiet:
            self.summarise(report, time.monotonic() - started)

    def summarise(self, report, seconds):
        if report.removed:
            removed = ", ".join(f"{count:,} {label}" for label, count in report.removed.items())
            self.stdout.write(f"Removed the previous demo data: {removed}.")
        self.stdout.write(f"Generated demo data with seed {report.seed} in {seconds:.1f} s:")
        width = max(map(len, report.created), default=0)
        for label, count in report.created.items():
            self.stdout.write(f"  {label:<{width}}  {count:>12,}")
        made = report.created.get("observations", 0)
        if made != report.observations_asked:
            self.stdout.write(f"Note: {made:,} observations made of the {report.observations_asked:,} asked for.")

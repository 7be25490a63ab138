"""`python manage.py send_digest [--date YYYY-MM-DD]`: the daily digest of overdue milestones and instructions, and
the pruning of notifications read more than NOTIFICATION_KEEP_DAYS ago.

Run it from cron once or twice a day; each owner gets at most one digest per day however often it runs.
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tracker.delivery import inbox
from tracker.delivery.notifications import send_digests
from tracker.domain.milestones import record_overdue


class Command(BaseCommand):
    help = "Email each owner the overdue milestones and instructions of their initiatives, once a day at most."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="The day to send the digest of (default: today, in TIME_ZONE).")

    def handle(self, *args, date=None, **options):
        day = None
        if date:
            try:
                day = datetime.date.fromisoformat(date)
            except ValueError:
                raise CommandError(f"--date {date!r}: give a day as YYYY-MM-DD, e.g. 2024-03-01.") from None
        announced = record_overdue(day)
        self.stdout.write(f"Milestones newly overdue (milestone.overdue events): {announced}.")
        report = send_digests(day)
        self.stdout.write(
            f"Digests sent: {report.sent}; already sent that day: {report.already_sent}; "
            f"opted out: {report.opted_out}; failed (tried again next run): {report.failed}."
        )
        pruned = inbox.prune()
        self.stdout.write(f"Notifications read more than {settings.NOTIFICATION_KEEP_DAYS} days ago, pruned: {pruned}.")
        if report.failed:
            raise CommandError(f"{report.failed} digest(s) could not be sent; see the log, then run again.")

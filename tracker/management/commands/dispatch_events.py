"""`python manage.py dispatch_events`: fan out undispatched events and queue overdue work, now, in this process.

Workers do this by themselves (every change queues a dispatch task). Run it from cron every few minutes as a
safety net, or by hand after restoring a backup or emptying the task queue.
"""

from django.core.management.base import BaseCommand

from tracker.delivery.outbox import dispatch


class Command(BaseCommand):
    help = "Create the notifications and webhook deliveries of undispatched events; queue overdue deliveries again."

    def handle(self, *args, **options):
        report = dispatch()
        self.stdout.write(
            f"Events dispatched: {report.events}; deliveries created: {report.deliveries}; "
            f"notifications created: {report.notifications}; overdue work queued again: {report.requeued}."
        )

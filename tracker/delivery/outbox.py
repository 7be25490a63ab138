"""Reading the outbox (the event log, tracker.models.events) and fanning each event out to the people and
partner systems that follow it: notification emails (tracker.delivery.notifications) and webhook deliveries
(tracker.delivery.webhooks).

How nothing is lost:

- Every transaction that writes events makes sure a `dispatch_events` task will read them: it queues one, unless
  a queued dispatch that no worker has started yet is waiting (then that one will). So the queue holds at most
  one waiting dispatch however fast events are written, and notifications never wait behind a backlog of
  dispatches. With the database task backend the task row is written in that same transaction, so it exists if
  and only if the events do; other backends queue it once the transaction commits.
- Why a waiting dispatch is enough: the writer looks for it while holding the event-order lock (taken when it
  writes its first event, held to its commit), and a dispatch passes that same lock (`_wait_for_writers`)
  after its worker claimed it and before it reads any event. A writer that still saw the dispatch waiting has
  therefore committed before the dispatch reads; a writer that came later sees it claimed and queues another.
- A dispatch reads the events past a stored high-water mark (DispatchCursor), creates the notifications and
  deliveries they call for, and moves the mark, all in one transaction, with the cursor row locked: two
  workers never fan out the same event, and a worker killed half-way leaves the mark where it was. Event ids
  are handed out in commit order (see tracker.models.events), so no event can appear behind the mark later.
- Unique constraints, (user, event, kind) for notifications and (subscription, event) for deliveries, make
  a repeated fan-out create nothing twice.
- Every claimed piece of work (a dispatch run, a delivery attempt, an email) queues a "watchdog" copy of its
  task for when its lease runs out. If the worker finishes, the watchdog finds nothing to do; if the worker
  was killed, the watchdog takes the work over. So a killed worker delays work but never drops it.
- `sweep()` (part of every dispatch, and `manage.py dispatch_events`) queues again whatever is overdue by
  more than a lease, whatever the reason its task went missing.

Delivery is at least once: a worker killed after a webhook was POSTed but before the answer was stored posts
it again. Receivers drop repeats by the X-Tracker-Delivery header.
"""

import datetime
import random
from dataclasses import asdict, dataclass
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from tracker.delivery import tasks
from tracker.models import DispatchCursor, Event
from tracker.models.events import lock_event_order

__all__ = ["DispatchReport", "backoff", "dispatch", "enqueue", "keep_watch", "sweep", "wake_dispatcher"]

BATCH_SIZE = 500


@dataclass
class DispatchReport:
    events: int = 0
    deliveries: int = 0
    notifications: int = 0
    requeued: int = 0

    def as_dict(self):
        return asdict(self)


# --- queueing --------------------------------------------------------------------------------------------------


def _joins_transaction(backend):
    return isinstance(backend, DatabaseBackend)


def enqueue(task, *args, run_after=None):
    """Queue `task(*args)` so it runs only if the current transaction commits.

    The database backend writes its task row in the current transaction, which is exactly that; other
    backends (immediate) are called once the transaction has committed. `run_after` needs a backend that can
    defer tasks; without one the task is not queued, and `sweep()` finds the work when it falls due.
    """
    backend = task.get_backend()
    if run_after is not None:
        if not backend.supports_defer:
            return
        task = task.using(run_after=run_after)
    if _joins_transaction(backend):
        task.enqueue(*args)
    else:
        transaction.on_commit(partial(task.enqueue, *args), robust=True)


def _dispatch_queued():
    """A marker in the transaction's on-commit list: a dispatch is already queued by this transaction."""


def wake_dispatcher():
    """Queue one dispatch per transaction that writes events (tracker.domain.events calls this for every event)."""
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(func is _dispatch_queued for _s, func, _r in connection.run_on_commit):
        return
    # Registered with the queued task, so a rolled-back savepoint discards both and a later event queues anew.
    transaction.on_commit(_dispatch_queued)
    if not _dispatch_waiting():
        enqueue(tasks.dispatch_events)


def _dispatch_waiting():
    """A queued dispatch that no worker has claimed yet (database backend only; see the module docstring)."""
    if not _joins_transaction(tasks.dispatch_events.get_backend()):
        return False
    return DBTaskResult.objects.ready().filter(task_path=tasks.dispatch_events.module_path).exists()


def _wait_for_writers():
    """Wait until every transaction that is writing events has committed (or rolled back)."""
    with transaction.atomic():
        lock_event_order()


def lease_end(now, seconds=None):
    return now + datetime.timedelta(seconds=seconds or settings.TASK_LEASE)


def backoff(attempt, base, cap):
    """Seconds to wait before retrying after failed attempt number `attempt` (1, 2, ...): exponential with
    full jitter, so receivers that failed together are not all retried at the same instant."""
    ceiling = min(cap, base * 2 ** (attempt - 1))
    return random.uniform(0, ceiling)


# --- dispatching -----------------------------------------------------------------------------------------------


def _cursor_position():
    return DispatchCursor.objects.filter(pk=DispatchCursor.SINGLETON).values_list("last_event_id", flat=True).first()


def dispatch(batch_size=BATCH_SIZE):
    """Fan out every event past the cursor; return what was created."""
    report = DispatchReport()
    _wait_for_writers()
    position = _cursor_position() or 0
    events_waiting = Event.objects.filter(id__gt=position).exists()
    if events_waiting or _work_in_flight():
        # Before the work: if this worker dies mid-batch its transaction rolls back, and the watch picks the
        # batch up again (and the deliveries it creates, which are then in flight).
        keep_watch()
    if events_waiting:
        while _dispatch_batch(batch_size, report) == batch_size:
            pass
    report.requeued = sweep()
    return report


def keep_watch():
    """Make sure one dispatch is due a lease from now (none is queued if one is already waiting for its time).

    It is the watchdog of all the work in flight: the dispatch run that queued it, the deliveries and emails
    whose tasks are running. If the worker doing any of it dies, that dispatch fans out the events again (the
    cursor did not move) and its sweep queues the overdue deliveries and emails again; while work is still in
    flight it keeps one more watch. One waiting watch at a time, however much work: a copy per run or per
    delivery (as before) swamped the queue a lease into sustained writes (bench/DELIVERY.md)."""
    backend = tasks.dispatch_events.get_backend()
    if not backend.supports_defer:
        return
    now = timezone.now()
    if _joins_transaction(backend) and (
        DBTaskResult.objects.filter(
            task_path=tasks.dispatch_events.module_path,
            status="READY",
            run_after__gt=now,
            run_after__lt=now + datetime.timedelta(days=365),  # (a task without run_after has the latest date)
        ).exists()
    ):
        return
    enqueue(tasks.dispatch_events, run_after=lease_end(now))


def _work_in_flight():
    from tracker.domain.choices import DeliveryStatus, NotificationStatus
    from tracker.models import Notification, WebhookDelivery

    return (
        WebhookDelivery.objects.filter(status__in=DeliveryStatus.open()).exists()
        or Notification.objects.filter(status=NotificationStatus.PENDING).exists()
    )


def _dispatch_batch(batch_size, report):
    from tracker.delivery import notifications, webhooks

    with transaction.atomic():
        DispatchCursor.objects.get_or_create(pk=DispatchCursor.SINGLETON)
        cursor = DispatchCursor.objects.select_for_update().get(pk=DispatchCursor.SINGLETON)
        events = list(Event.objects.filter(id__gt=cursor.last_event_id).order_by("id")[:batch_size])
        if not events:
            return 0
        report.deliveries += webhooks.fan_out(events)
        report.notifications += notifications.fan_out(events)
        cursor.last_event_id = events[-1].pk
        cursor.save(update_fields=["last_event_id", "updated_at"])
    report.events += len(events)
    return len(events)


def sweep(now=None):
    """Queue again every delivery and email that is overdue by more than a lease: their task was lost (a
    worker killed, a queue emptied by hand) or never existed (a backend that cannot defer retries)."""
    from tracker.delivery import notifications, webhooks

    now = now or timezone.now()
    grace = settings.TASK_LEASE if tasks.dispatch_events.get_backend().supports_defer else 0
    overdue_since = now - datetime.timedelta(seconds=grace)
    return webhooks.requeue_overdue(overdue_since, now) + notifications.requeue_overdue(overdue_since, now)

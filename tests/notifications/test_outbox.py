"""The outbox dispatcher: it fans out exactly the committed events, once each, and queues one dispatch per
transaction that wrote events, in that transaction."""

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from tests import factories
from tests.notifications import run_worker
from tracker.delivery import outbox, webhooks
from tracker.domain import workflow
from tracker.domain.choices import Status
from tracker.models import DispatchCursor, Event, Notification, Watch, WebhookDelivery

pytestmark = pytest.mark.django_db

DISPATCH = "tracker.delivery.tasks.dispatch_events"


def _dispatches():
    return DBTaskResult.objects.filter(task_path=DISPATCH).count()


def _waiting_dispatches():
    """Queued dispatches that no worker has claimed yet."""
    return DBTaskResult.objects.ready().filter(task_path=DISPATCH).count()


def _claim_waiting_dispatches():
    """As a worker does when it starts the waiting dispatch (`claim`, committed before it runs)."""
    for result in DBTaskResult.objects.ready().filter(task_path=DISPATCH):
        result.claim("test-worker")


@pytest.fixture
def watched(shared_initiative, viewer):
    """The shared initiative, watched by `viewer` (who has an email address)."""
    Watch.objects.create(user=viewer, initiative=shared_initiative)
    return shared_initiative


# Real commits: what is queued "per transaction" is seen only when transactions really end.
committing = pytest.mark.django_db(transaction=True)


@committing
def test_a_rolled_back_change_never_produces_a_delivery_or_an_email(subscribe, receiver, watched, owner):
    subscribe(events=["*"])
    run_worker()
    dispatches = _dispatches()

    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.transition(watched, Status.UNDER_STUDY, by=owner, note="go")
        raise RuntimeError("abort")

    assert _dispatches() == dispatches  # the queued dispatch rolled back with the change
    run_worker()
    outbox.dispatch()  # and a dispatch run anyway finds nothing
    assert (WebhookDelivery.objects.count(), Notification.objects.count(), receiver.requests) == (0, 0, [])

    workflow.transition(watched, Status.UNDER_STUDY, by=owner, note="go")
    run_worker()
    assert (WebhookDelivery.objects.count(), Notification.objects.count(), len(receiver.requests)) == (1, 1, 1)


@committing
def test_a_rolled_back_savepoint_keeps_the_dispatch_of_what_committed(subscribe, watched, owner):
    subscribe(events=["*"])
    _claim_waiting_dispatches()
    dispatches = _dispatches()
    with transaction.atomic():
        watched.title = "kept"
        watched.save()
        with pytest.raises(RuntimeError), transaction.atomic():
            workflow.transition(watched, Status.UNDER_STUDY, by=owner)
            raise RuntimeError("abort the inner part")

    assert _dispatches() == dispatches + 1
    outbox.dispatch()
    assert list(WebhookDelivery.objects.values_list("event__name", flat=True)) == ["initiative.updated"]


@committing
def test_a_transaction_queues_one_dispatch_however_many_events_it_writes(shared_initiative):
    _claim_waiting_dispatches()
    dispatches = _dispatches()
    with transaction.atomic():
        for number in range(3):
            factories.MilestoneFactory(initiative=shared_initiative, title=f"step {number}")
    assert _dispatches() == dispatches + 1


@committing
def test_transactions_queue_no_dispatch_while_one_waits_and_one_once_it_is_claimed(shared_initiative):
    # Under sustained writes the queue held one dispatch per transaction (9,300 after a burst, the oldest 17
    # minutes old) and notifications waited behind them; now it holds one waiting dispatch at most.
    _claim_waiting_dispatches()
    for number in range(5):
        factories.MilestoneFactory(initiative=shared_initiative, title=f"step {number}")  # a transaction each
    assert _waiting_dispatches() == 1

    _claim_waiting_dispatches()  # a worker started it: it may have read the events already
    factories.MilestoneFactory(initiative=shared_initiative, title="after the claim")
    assert _waiting_dispatches() == 1


def test_dispatching_again_creates_nothing_twice(subscribe, watched, owner):
    subscribe(events=["*"])
    workflow.transition(watched, Status.UNDER_STUDY, by=owner)
    first = outbox.dispatch()
    assert (first.deliveries, first.notifications) == (1, 1)

    DispatchCursor.objects.update(last_event_id=0)  # as if the cursor had not been advanced
    again = outbox.dispatch()

    assert again.events == Event.objects.count() and (again.deliveries, again.notifications) == (0, 0)
    assert (WebhookDelivery.objects.count(), Notification.objects.count()) == (1, 1)


def test_the_cursor_moves_past_every_event_in_batches(subscribe, shared_initiative):
    subscribe(events=["milestone.created"])
    factories.MilestoneFactory.create_batch(7, initiative=shared_initiative)

    report = outbox.dispatch(batch_size=3)

    assert report.events == Event.objects.count()
    assert DispatchCursor.objects.get().last_event_id == Event.objects.order_by("id").last().pk
    assert WebhookDelivery.objects.count() == 7


def test_a_new_subscription_is_not_sent_events_from_before_it(subscribe, receiver, shared_initiative):
    shared_initiative.title = "before"
    shared_initiative.save()
    subscribe(events=["*"])
    shared_initiative.title = "after"
    shared_initiative.save()
    run_worker()

    assert len(receiver.requests) == 1


def test_work_whose_task_was_lost_is_queued_again_by_the_sweep(subscribe, receiver, shared_initiative, settings):
    settings.TASK_LEASE = 1
    subscribe(events=["*"])
    shared_initiative.title = "Renamed"
    shared_initiative.save()
    outbox.dispatch()
    DBTaskResult.objects.all().delete()  # the queue lost every task (a restored backup, a purge by hand)
    WebhookDelivery.objects.update(next_attempt_at="2000-01-01T00:00Z")

    assert outbox.sweep() == 1
    run_worker()
    assert len(receiver.requests) == 1


def test_one_watch_waits_whatever_the_work_in_flight(subscribe, shared_initiative):
    # A watchdog copy per dispatch run and per batch of deliveries came due together a lease into sustained
    # writes and swamped the queue (bench/DELIVERY.md); now one dispatch waits a lease ahead, while work is open.
    subscribe(events=["*"])
    future = DBTaskResult.objects.filter(task_path=DISPATCH, status="READY").exclude(
        pk__in=DBTaskResult.objects.ready().values("pk")
    )
    for number in range(3):
        factories.MilestoneFactory(initiative=shared_initiative, title=f"step {number}")
        outbox.dispatch()
        webhooks.attempt_many(list(WebhookDelivery.objects.values_list("pk", flat=True)))

    assert future.count() == 1

"""The real worker, `manage.py db_worker`, as a separate process: killed with SIGKILL in the middle of a
delivery and started again, it still delivers every event at least once, and the delivery ids let the
receiver drop the repeats."""

import os
import signal
import subprocess
import sys
import time
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.db import connection

from tracker.domain.choices import DeliveryStatus
from tracker.models import WebhookDelivery

# The worker commits in its own connection, so the test's data must be committed too.
pytestmark = pytest.mark.django_db(transaction=True)

EVENTS = 12


def _wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


class Workers:
    """Starts `manage.py db_worker` processes on the test database; kills whatever is left at the end."""

    def __init__(self, tmp_path):
        database = django_settings.DATABASES["default"]
        password = f":{quote(database['PASSWORD'], safe='')}" if database.get("PASSWORD") else ""
        url = (
            f"postgres://{quote(database['USER'], safe='')}{password}@{database['HOST'] or '127.0.0.1'}"
            f":{database['PORT'] or 5432}/{database['NAME']}"
        )
        self.environment = {
            **os.environ,
            "DATABASE_URL": url,
            "DEBUG": "1",
            "TASKS_BACKEND": "db",
            "WEBHOOK_ALLOW_PRIVATE_NETWORKS": "1",  # the receiver is on loopback
            "WEBHOOK_TIMEOUT": "1",
            "TASK_LEASE": "2",  # a killed worker's delivery is taken over after 3 s (3 x WEBHOOK_TIMEOUT)
            "WEBHOOK_RETRY_BASE": "1",
        }
        self.log = tmp_path / "worker.log"
        self.processes = []

    def start(self):
        command = [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval=0.1", "--no-startup-delay"]
        with self.log.open("a") as log:
            process = subprocess.Popen(
                command, cwd=django_settings.BASE_DIR, env=self.environment, stdout=log, stderr=subprocess.STDOUT
            )
        self.processes.append(process)
        return process

    def stop_all(self):
        for process in self.processes:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=10)


@pytest.fixture
def workers(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip(
            "a worker process needs a database it can share with the test: pytest-django's SQLite test "
            "database lives in this process's memory; run with DATABASE_URL=postgres://…"
        )
    workers = Workers(tmp_path)
    yield workers
    workers.stop_all()


def test_a_worker_killed_mid_delivery_and_restarted_delivers_every_event_at_least_once(
    workers, subscribe, receiver, shared_initiative
):
    subscribe(events=["initiative.updated"])
    receiver.delay = 0.3  # each answer takes a while, so the kill lands while a request is open
    for number in range(EVENTS):
        shared_initiative.title = f"Step {number}"
        shared_initiative.save()  # each save commits, queueing its dispatch

    first = workers.start()
    _wait_for(lambda: len(receiver.requests) >= 3, 60, "the first deliveries")
    receiver.arrived.clear()
    _wait_for(receiver.arrived.is_set, 30, "a delivery in flight")
    first.send_signal(signal.SIGKILL)  # mid-request: the receiver has the body, the worker never sees the answer
    first.wait(timeout=10)
    received_before_the_kill = len(receiver.requests)
    assert received_before_the_kill < EVENTS, "the worker finished before it could be killed"

    second = workers.start()
    _wait_for(
        lambda: WebhookDelivery.objects.filter(status=DeliveryStatus.SUCCEEDED).count() == EVENTS,
        90,
        f"{EVENTS} successful deliveries (see {workers.log})",
    )
    second.terminate()
    second.wait(timeout=10)

    assert WebhookDelivery.objects.count() == EVENTS  # one delivery per event, however often it was tried
    assert len(receiver.requests) > EVENTS  # at least once each, and the one cut off by the kill twice
    assert len(set(receiver.deliveries)) == EVENTS  # and the receiver can tell the repeats by their id
    titles = {request.json["object"]["code"] for request in receiver.requests}
    assert titles == {"shared-lipetsk"}

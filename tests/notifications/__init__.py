"""Notifications and webhooks: the outbox dispatcher, deliveries to a real HTTP receiver on loopback, emails.

Shared helpers live here (the receiver, running the worker); fixtures in conftest.
"""

import contextlib
import datetime
import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest import mock

from django.utils import timezone
from django_tasks_db.management.commands import db_worker

from tracker.delivery import tasks
from tracker.domain.choices import DeliveryStatus, NotificationStatus
from tracker.models import Notification, WebhookDelivery


def run_worker(timeout=20):
    """Run the real django-tasks-db worker loop (what `manage.py db_worker --batch` runs) in this process until
    no work is due soon: every ready task runs, retries included (tests make backoffs short). Watchdog copies,
    due a lease later, stay queued.

    A test runs in one transaction, and a transaction queues one dispatch however many events it writes; the
    test's changes stand for several committed transactions, so a dispatch is queued here as their commits
    would have. The worker closes "old" database connections between tasks; inside a test's transaction that
    would end the transaction, so it is kept from doing so here (as Django's test client does for requests)."""
    deadline = time.monotonic() + timeout
    tasks.dispatch_events.enqueue()
    with mock.patch.object(db_worker, "close_old_connections", lambda: None):
        while True:
            db_worker.Worker(
                queue_names=["default"],
                interval=0,
                batch=True,
                backend_name="default",
                startup_delay=False,
                max_tasks=None,
                worker_id="test-worker",
                excluded_queue_names=[],
            ).run()
            if not _due_soon():
                return
            if time.monotonic() > deadline:
                raise AssertionError("work is still due after the worker ran for the whole timeout")
            time.sleep(0.02)


def _due_soon():
    soon = timezone.now() + datetime.timedelta(seconds=2)
    deliveries = WebhookDelivery.objects.filter(status__in=DeliveryStatus.open(), next_attempt_at__lte=soon)
    notifications = Notification.objects.filter(status=NotificationStatus.PENDING, next_attempt_at__lte=soon)
    return deliveries.exists() or notifications.exists()


# --- the receiver ---------------------------------------------------------------------------------------------


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes

    @property
    def json(self):
        return json.loads(self.body)

    @property
    def delivery(self):
        return self.headers["webhook-id"]

    def signed_with(self, secret):
        expected = "sha256=" + hmac.new(secret.encode(), self.body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, self.headers["X-Tracker-Signature-256"])


@dataclass
class Receiver:
    """An HTTP server on 127.0.0.1 that records every request and answers from a script: `answers` are used
    in order (status, body), then `default`; `delay` seconds pass before each answer."""

    url: str = ""
    requests: list = field(default_factory=list)
    answers: list = field(default_factory=list)
    default: tuple = (200, b"thanks")
    delay: float = 0
    arrived: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self):
        with self.lock:
            return self.answers.pop(0) if self.answers else self.default

    @property
    def deliveries(self):
        return [request.delivery for request in self.requests]


def receiver_handler(receiver):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with receiver.lock:
                receiver.requests.append(Received(self.path, dict(self.headers.items()), body))
            receiver.arrived.set()
            if receiver.delay:
                time.sleep(receiver.delay)
            status, answer = receiver.answer()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(answer)))
            if 300 <= status < 400:
                self.send_header("Location", receiver.url)
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(answer)  # the client may stop reading at its limit, as it should

        def log_message(self, *args):
            pass

    return Handler


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass

"""Tasks queued before the tasks moved to tracker.delivery.tasks still run after an upgrade: the migration
rewrites the path of every task that has not finished, and leaves finished ones as they were recorded."""

import importlib

import pytest
from django.apps import apps
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tracker.delivery import tasks

pytestmark = pytest.mark.django_db

migration = importlib.import_module("tracker.migrations.0008_task_paths")


def _queued(path, status="READY"):
    return DBTaskResult.objects.create(
        task_path=path,
        status=status,
        args_kwargs={"args": [], "kwargs": {}},
        queue_name="default",
        backend_name="default",
        priority=0,
        enqueued_at=timezone.now(),
    )


def test_queued_tasks_of_the_old_path_are_rewritten_and_run():
    waiting = _queued("tracker.tasks.dispatch_events")
    done = _queued("tracker.tasks.dispatch_events", status="SUCCESSFUL")

    migration.forwards(apps, None)

    waiting.refresh_from_db()
    done.refresh_from_db()
    assert waiting.task_path == "tracker.delivery.tasks.dispatch_events"
    assert waiting.task.func is tasks.dispatch_events.func
    assert done.task_path == "tracker.tasks.dispatch_events"

    migration.backwards(apps, None)
    waiting.refresh_from_db()
    assert waiting.task_path == "tracker.tasks.dispatch_events"

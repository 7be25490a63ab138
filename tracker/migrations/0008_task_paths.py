"""The background tasks moved from tracker.tasks to tracker.delivery.tasks: tasks queued before the move carry
the old path, and a worker of the new code would fail them as unknown. Rewrite the path of every task that has
not finished, so an upgrade loses none."""

from django.db import migrations

OLD, NEW = "tracker.tasks.", "tracker.delivery.tasks."


def _rewrite(apps, old, new):
    from django.db.models import F, Value
    from django.db.models.functions import Concat, Substr

    tasks = apps.get_model("django_tasks_database", "DBTaskResult").objects
    tasks.filter(task_path__startswith=old).exclude(status__in=("SUCCESSFUL", "FAILED")).update(
        task_path=Concat(Value(new), Substr(F("task_path"), len(old) + 1))
    )


def forwards(apps, schema_editor):
    _rewrite(apps, OLD, NEW)


def backwards(apps, schema_editor):
    _rewrite(apps, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0007_observation_indicator_index_covered"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

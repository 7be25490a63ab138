from django.db import migrations


def start_after_existing_events(apps, schema_editor):
    """Events written before notifications and webhooks existed are history, not news: nobody is emailed
    about them and no webhook is sent for them."""
    Event = apps.get_model("tracker", "Event")
    DispatchCursor = apps.get_model("tracker", "DispatchCursor")
    last = Event.objects.order_by("-id").values_list("id", flat=True).first()
    if last is not None:  # a new database has no history: the first dispatch starts the cursor at 0
        DispatchCursor.objects.update_or_create(pk=1, defaults={"last_event_id": last})


class Migration(migrations.Migration):
    dependencies = [("tracker", "0003_notifications")]

    operations = [migrations.RunPython(start_after_existing_events, migrations.RunPython.noop)]

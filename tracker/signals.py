"""Signal receivers, connected in TrackerConfig.ready()."""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from tracker import events
from tracker.models.base import Tracked


@receiver(post_delete)
def record_deletion(sender, instance, **kwargs):
    """Deletions, cascaded ones included, are events; Django sends this inside the deleting transaction."""
    if isinstance(instance, Tracked):
        events.record(instance, events.Action.DELETED)

"""Signal receivers, connected in TrackerConfig.ready()."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from tracker.domain import events
from tracker.models import Observation
from tracker.models.base import Tracked


@receiver(post_delete)
def record_deletion(sender, instance, **kwargs):
    """Deletions, cascaded ones included, are events; Django sends this inside the deleting transaction."""
    if isinstance(instance, Tracked):
        events.record(instance, events.Action.DELETED)


@receiver(post_save, sender=Observation)
def recompute_derived_figures(sender, instance, raw=False, **kwargs):
    """An observation saved one at a time (the admin, its import, the seeds) moves the derived figures that refer to
    its indicator, in its transaction; the bulk writers (tracker.domain.observations, tracker.data.imports) call
    the same function once per batch."""
    from tracker.domain.derived import recompute_derived

    if not raw:
        recompute_derived([instance.indicator_id])

"""Recording domain events (see tracker.models.events): called by the models themselves on save and
delete, and by bulk operations that bypass save, so every write path leaves exactly one event per change."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from tracker.domain.actors import is_api_key, name_of
from tracker.domain.context import current_actor, current_request_id
from tracker.models.events import Action, Event, lock_event_order

__all__ = ["Action", "event_for", "latest_event_id", "on_events_written", "record", "record_many"]


def event_for(instance, action, data=None, actor=None, scope=None):
    """An unsaved Event describing `action` on `instance`; `scope` overrides its (region id, shared)."""
    actor = actor if actor is not None else current_actor()
    region_id, shared = scope or instance.event_scope()
    object_type = instance._meta.model_name
    return Event(
        name=f"{object_type}.{action}",
        object_type=object_type,
        object_id=instance.pk,
        object_key=instance.event_key()[:120],
        action=action,
        occurred_at=timezone.now(),
        actor_name=name_of(actor) if actor is not None else "",
        author=actor if isinstance(actor, AbstractBaseUser) else None,
        api_key=actor if is_api_key(actor) else None,
        partner_region_id=region_id,
        shared=shared,
        data={"version": getattr(instance, "version", None), **(data or {})},
        request_id=current_request_id(),
    )


def latest_event_id():
    """The id of the newest event, or None: it changes with every write the journal sees, so it can key what is
    computed from the data."""
    return Event.objects.order_by("-pk").values_list("pk", flat=True).first()


def record(instance, action, data=None, scope=None):
    with transaction.atomic():
        lock_event_order()
        event_for(instance, action, data, scope=scope).save()
        _written()


def record_many(events):
    """Save prepared events in one statement (bulk upserts)."""
    with transaction.atomic():
        lock_event_order()
        Event.objects.bulk_create(events, batch_size=1000)
        if events:
            _written()


# Called in every transaction that writes events, after writing them: the outbox (tracker.delivery.outbox, registered by
# TrackerConfig.ready) queues their fan-out to notifications and webhooks there. The event log knows nothing of
# delivery; delivery subscribes to it.
_listeners = []


def on_events_written(listener):
    """Call `listener()` in every transaction that writes events, right after it writes them."""
    if listener not in _listeners:
        _listeners.append(listener)


def _written():
    for listener in _listeners:
        listener()

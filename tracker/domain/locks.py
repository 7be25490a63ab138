"""Row locks that writers of the same records take in one order, so that they queue instead of deadlocking."""

from tracker.models import TradeIndicator

__all__ = ["lock_figures"]


def lock_figures(indicator_ids):
    """Hold the right to write these indicators' observations until the transaction ends.

    Writers of one indicator's figures go one at a time (a NO KEY UPDATE lock on its row, taken in id order so
    that writers of several indicators do not deadlock), so concurrent upserts of a new period find it instead
    of colliding on the unique key, and a derived figure is computed from inputs that nobody is changing. Links
    to the indicator, which only take a KEY SHARE lock on it (their foreign key check), are not held up.
    """
    locked = TradeIndicator.objects.select_for_update(no_key=True).filter(pk__in=indicator_ids).order_by("pk")
    list(locked.values_list("pk", flat=True))

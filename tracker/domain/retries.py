"""Transactions that lost a race inside the database (a deadlock, a serialization failure) are run again a few
times before the writer is told to try again: each attempt is a whole transaction, so a retry never sees the
half-done work of the one before."""

import functools
import time

from django.db import OperationalError, transaction

from tracker.domain.errors import WriteConflict

__all__ = ["ATTEMPTS", "is_lost_race", "retried"]

ATTEMPTS = 4
# PostgreSQL's SQLSTATEs for "run the transaction again": serialization_failure, deadlock_detected.
_LOST_RACE = frozenset({"40001", "40P01"})


def is_lost_race(error):
    return isinstance(error, OperationalError) and getattr(error.__cause__, "sqlstate", None) in _LOST_RACE


def retried(function):
    """Run `function` in a transaction of its own, again (after a short pause) when it loses a race, at most
    ATTEMPTS times; then raise WriteConflict. Inside an outer transaction it runs once: only the outermost
    transaction can be run again."""

    @functools.wraps(function)
    def run(*args, **kwargs):
        if transaction.get_connection().in_atomic_block:
            return function(*args, **kwargs)
        for attempt in range(1, ATTEMPTS + 1):
            try:
                with transaction.atomic():
                    return function(*args, **kwargs)
            except OperationalError as error:
                if not is_lost_race(error):
                    raise
                if attempt == ATTEMPTS:
                    raise WriteConflict() from error
                time.sleep(0.01 * 2**attempt)
        raise AssertionError("unreachable")

    return run

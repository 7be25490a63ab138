"""Verified API keys kept in this process, so that a request need not look its key up in PostgreSQL; a change to
a key is seen by the next request all the same.

Every API request looked its key up: one query, about a third of a trivial answer's time (bench/RESULTS.md,
"Gains"). A key verified here is kept, by its prefix, for API_KEY_KEEP_SECONDS; the secret is still checked
against its digest on every request, and its expiry read. Each key has a version in the Redis that counts the
rate budgets, raised once a change to the key commits (any save or delete: the admin's, a command's). The rate
check reads it in the same round trip as it counts the request (tracker.api.throttling); when it has moved, the
kept key is dropped and the view authenticates the request again, from the database, before it does anything
else (TrackerViewMixin.initial). A version is read before the row it guards, so a change committing in between
is caught by the next request.

Nothing is kept where the budgets are counted in this process's memory (development, most tests): there is no
shared version to learn of another process's change from.
"""

import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from tracker.models import ApiKey

__all__ = ["forget", "is_current", "keeping", "verified", "version_key"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Kept:
    key: ApiKey
    version: bytes | None  # as Redis holds it; None until the key's first change
    until: float  # time.monotonic()


_kept = {}  # prefix: _Kept


def _redis():
    """The Redis client of the rate budgets, or None when they are kept in this process."""
    # Imported here: every process loads this module for its receivers, commands too, which need neither.
    from limits.storage import RedisStorage

    from tracker.api.throttling import limiter_for  # which reads the versions with this module's help

    storage = limiter_for(settings.API_THROTTLE_STORAGE).storage
    return storage.get_connection() if isinstance(storage, RedisStorage) else None


def keeping():
    return settings.API_KEY_KEEP_SECONDS > 0 and _redis() is not None


def version_key(prefix):
    return f"tracker:api-key-version:{prefix}"


def verified(token):
    """The active key that `token` belongs to, or None (as ApiKey.authenticate answers): the kept one while it is
    fresh, else the database's, which is then kept."""
    if not keeping():
        return ApiKey.authenticate(token)
    prefix, secret = ApiKey.token_parts(token)
    kept = _kept.get(prefix)
    if kept is not None and kept.until > time.monotonic():
        if not (kept.key.holds(secret) and kept.key.is_active):
            return None
        kept.key.mark_used()
        return kept.key
    from redis.exceptions import RedisError

    try:
        version = _redis().get(version_key(prefix))  # before the row: see the module's docstring
    except RedisError:
        return ApiKey.authenticate(token)  # nothing is kept while the versions cannot be read
    key = ApiKey.authenticate(token)
    if key is not None:
        _kept[prefix] = _Kept(key, version, time.monotonic() + settings.API_KEY_KEEP_SECONDS)
    return key


def is_current(key, version):
    """Whether `key`, as kept, is still at `version` (read in the rate check's round trip); forgets it if not.
    A key that is not kept (looked up just now) is current."""
    kept = _kept.get(key.prefix)
    if kept is None or kept.key is not key or kept.version == version:
        return True
    forget(key.prefix)
    return False


def forget(prefix=None):
    """Drop the kept key of `prefix`, or every kept key."""
    if prefix is None:
        _kept.clear()
    else:
        _kept.pop(prefix, None)


@receiver(post_save, sender=ApiKey)
@receiver(post_delete, sender=ApiKey)
def _key_changed(sender, instance, **kwargs):
    """Every process's kept copy of the key is outdated once this change commits."""
    if kwargs.get("raw"):
        return
    forget(instance.prefix)
    transaction.on_commit(lambda: _raise_version(instance.prefix))


def _raise_version(prefix):
    from redis.exceptions import RedisError

    connection = _redis()
    if connection is None:
        return
    try:
        connection.incr(version_key(prefix))
    except RedisError as error:
        # Other processes keep the old key until API_KEY_KEEP_SECONDS have passed; say so where it is seen.
        logger.error("API key %s changed, but its version could not be raised in Redis: %s", prefix, error)

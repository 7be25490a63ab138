"""Request rates per principal: each API key and each user has its own budget, shared by every app process.

A budget is a moving window, as DRF's SimpleRateThrottle counts it: at most N requests in any period of
`API_THROTTLE_RATE`. The counting is the `limits` library's, kept where `settings.API_THROTTLE_STORAGE` says: the
cache's Redis in production (one atomic script per request), this process's memory otherwise.

DRF's own throttle keeps a principal's whole request history as one cached list, which every request reads and
writes back: two round trips with up to N timestamps pickled each way (1–2 ms a request, more than the page
query; bench/RESULTS.md, "Gains"), and two workers writing at once lose one of the requests.
"""

import functools
import logging
import time

from django.conf import settings
from limits import RateLimitItemPerSecond, storage, strategies
from limits.errors import StorageError
from redis.exceptions import NoScriptError, RedisError
from rest_framework.throttling import SimpleRateThrottle

from tracker.api import keyring
from tracker.domain.actors import is_api_key

__all__ = ["PrincipalRateThrottle", "limiter_for", "refill_budgets"]

logger = logging.getLogger(__name__)
STORAGE_TIMEOUT = 0.5  # seconds to reach Redis or hear back: a request never hangs on its rate check


@functools.cache
def limiter_for(uri):
    """The moving-window limiter over the storage at `uri` (redis://…, memory://), one per process."""
    budgets = storage.storage_from_string(
        uri, wrap_exceptions=True, socket_connect_timeout=STORAGE_TIMEOUT, socket_timeout=STORAGE_TIMEOUT
    )
    return strategies.MovingWindowRateLimiter(budgets)


def refill_budgets():
    """Every principal's budget full again (between tests; or to lift a block at once)."""
    limiter_for(settings.API_THROTTLE_STORAGE).storage.reset()


class PrincipalRateThrottle(SimpleRateThrottle):
    """DRF's rate setting and answer (429 with Retry-After); the counting done by `limits`."""

    scope = "principal"

    def __init__(self):
        super().__init__()  # reads and parses the rate into num_requests per duration seconds
        self.limit = None if self.rate is None else RateLimitItemPerSecond(self.num_requests, self.duration)
        self.limiter = limiter_for(settings.API_THROTTLE_STORAGE)

    def get_cache_key(self, request, view):
        principal = request.user
        if is_api_key(principal):
            ident = f"key-{principal.pk}"
        elif principal.is_authenticated:
            ident = f"user-{principal.pk}"
        else:
            ident = f"anon-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request, view):
        if self.limit is None:
            return True
        self.key = self.get_cache_key(request, view)
        try:
            if is_api_key(request.user) and keyring.keeping():
                return self._hit_and_check_key(request)
            return self.limiter.hit(self.limit, self.key)
        except (StorageError, RedisError) as error:
            # Serving partners matters more than counting them: while Redis cannot be reached, requests pass
            # uncounted, and every one of them says so in the error log.
            logger.error("rate budgets unavailable, %s not counted: %s", self.key, error)
            return True

    def _hit_and_check_key(self, request):
        """The hit, as MovingWindowRateLimiter.hit counts it, and the key's version (tracker/api/keyring.py), in
        one round trip to Redis. A key changed since it was kept is marked for the view to authenticate again."""
        storage = self.limiter.storage
        script = storage.lua_acquire_moving_window
        keys = [storage.prefixed_key(self.limit.key_for(self.key))]
        arguments = [time.time(), self.limit.amount, self.limit.get_expiry(), 1]
        version_key = keyring.version_key(request.user.prefix)
        # The script by its digest: run as a Script object, redis-py would first ask Redis whether the script is
        # loaded, a round trip of its own on every request.
        pipeline = storage.get_connection().pipeline(transaction=False)
        pipeline.evalsha(script.sha, len(keys), *keys, *arguments)
        pipeline.get(version_key)
        try:
            acquired, version = pipeline.execute()
        except NoScriptError:  # Redis restarted since: the script object loads it again
            acquired, version = script(keys=keys, args=arguments), storage.get_connection().get(version_key)
        if not keyring.is_current(request.user, version):
            request.key_changed = True
        return bool(acquired)

    def wait(self):
        """Seconds until the oldest request of the window leaves it, freeing a place (asked only when refused)."""
        reset_at, _remaining = self.limiter.get_window_stats(self.limit, self.key)
        return max(reset_at - time.time(), 0.0)

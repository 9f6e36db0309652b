"""Django's Redis cache, carrying on while Redis is away.

Nothing Docere keeps in the cache is the only copy of anything (sessions live in the
database, module content can be rendered again), so a Redis outage must not become a 500
on every page. While Redis does not answer, each process keeps what it would have cached
in its own memory: pages stay fast and rate limits still count, per process instead of
site-wide. Only the cache's public methods are wrapped; the client is Django's own.
"""

import logging
import threading
import time

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

# After a failed call, this process leaves Redis alone for this long before trying again: a
# page makes several cache calls, and each would otherwise wait for its own connect timeout.
RETRY_AFTER_SECONDS = 5.0
# What a stopped, restarting or unreachable Redis raises (BusyLoadingError is a ConnectionError).
UNAVAILABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)

# Django builds one cache object per thread; an outage is a fact about the server, shared by all.
_retry_redis_at: dict[str, float] = {}
_outage_lock = threading.Lock()


class DegradingRedisCache(RedisCache):
    """The shared Redis cache, falling back to this process's memory while Redis is away."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self.outage_key = str(server)
        self.fallback = LocMemCache(
            f"redis-fallback:{server}:{self.key_prefix}",
            {
                "TIMEOUT": params.get("TIMEOUT", 300),
                "KEY_PREFIX": self.key_prefix,
                "VERSION": self.version,
                # Module content is a few kilobytes a module: this bounds the stand-in to a few megabytes.
                "OPTIONS": {"MAX_ENTRIES": 500},
            },
        )

    def ping(self) -> None:
        """Ask Redis itself, whatever the fallback is doing: for the readiness probe."""
        try:
            RedisCache.has_key(self, "readyz")
        except UNAVAILABLE as error:
            raise ConnectionError(f"Redis (the shared cache) does not answer: {error}") from error
        self._note_recovery()

    def _call(self, name: str, *args, **kwargs):
        if time.monotonic() >= _retry_redis_at.get(self.outage_key, 0.0):
            try:
                result = getattr(super(), name)(*args, **kwargs)
            except UNAVAILABLE as error:
                self._note_outage(error)
            else:
                self._note_recovery()
                return result
        return getattr(self.fallback, name)(*args, **kwargs)

    def _note_outage(self, error: Exception) -> None:
        with _outage_lock:
            first = self.outage_key not in _retry_redis_at
            _retry_redis_at[self.outage_key] = time.monotonic() + RETRY_AFTER_SECONDS
        # One line per retry interval and process, not one per cache call.
        logger.warning(
            "Redis cache %s (%s): using this process's memory; rate limits count per process until it answers again.",
            "unavailable" if first else "still unavailable",
            error,
        )

    def _note_recovery(self) -> None:
        if self.outage_key in _retry_redis_at:
            with _outage_lock:
                if _retry_redis_at.pop(self.outage_key, None) is not None:
                    logger.warning("Redis cache answers again.")

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout, version=version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout, version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout, version=version)

    def delete(self, key, version=None):
        return self._call("delete", key, version=version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version=version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version=version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta, version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout, version=version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version=version)

    def clear(self):
        return self._call("clear")

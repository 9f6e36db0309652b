"""Django's Redis cache, keeping one client per connection pool, and carrying on while Redis is away.

The stock client builds a new `redis.Redis` for every cache call, and building one (its
table of ~170 response callbacks) cost about as much as the round trip to Redis itself:
0.2 ms of the 0.35 ms a session read took. A client only holds its pool, which is
thread-safe and reconnects after a fork, so one per pool serves every call.

Nothing Docere keeps in the cache is the only copy of anything (sessions live in the
database, pages can be rendered again), so a Redis outage must not become a 500 on every
page. While Redis does not answer, each process keeps what it would have cached in its own
memory: pages stay fast and rate limits still count, per process instead of site-wide.
"""

import logging
import threading
import time

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)

# After a failed call, this process leaves Redis alone for this long before trying again: a
# page makes several cache calls, and each would otherwise wait for its own connect timeout.
RETRY_AFTER_SECONDS = 5.0
# What a stopped, restarting or unreachable Redis raises (BusyLoadingError is a ConnectionError).
UNAVAILABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)

# Django builds one cache object per thread; an outage is a fact about the server, shared by all.
_retry_redis_at: dict[str, float] = {}
_outage_lock = threading.Lock()


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ReusingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient


class DegradingRedisCache(ReusingRedisCache):
    """The shared Redis cache, falling back to this process's memory while Redis is away."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._outage_key = str(server)
        self._local = LocMemCache(f"redis-fallback:{server}:{self.key_prefix}", {
            "TIMEOUT": params.get("TIMEOUT", 300),
            "KEY_PREFIX": self.key_prefix,
            "VERSION": self.version,
            # Module pages are tens of kilobytes: this bounds the stand-in to a few megabytes.
            "OPTIONS": {"MAX_ENTRIES": 500},
        })

    def ping(self) -> None:
        """Ask Redis itself, whatever the fallback is doing: for the readiness probe."""
        try:
            self._cache.get_client(write=True).ping()
        except UNAVAILABLE as error:
            raise ConnectionError(f"Redis (the shared cache) does not answer: {error}") from error
        self._note_recovery()

    def _call(self, name: str, *args, **kwargs):
        if time.monotonic() >= _retry_redis_at.get(self._outage_key, 0.0):
            try:
                result = getattr(super(), name)(*args, **kwargs)
            except UNAVAILABLE as error:
                self._note_outage(error)
            else:
                self._note_recovery()
                return result
        return getattr(self._local, name)(*args, **kwargs)

    def _note_outage(self, error: Exception) -> None:
        with _outage_lock:
            first = self._outage_key not in _retry_redis_at
            _retry_redis_at[self._outage_key] = time.monotonic() + RETRY_AFTER_SECONDS
        # One line per retry interval and process, not one per cache call.
        logger.warning("Redis cache %s (%s): using this process's memory; rate limits count per process "
                       "until it answers again.", "unavailable" if first else "still unavailable", error)

    def _note_recovery(self) -> None:
        if self._outage_key in _retry_redis_at:
            with _outage_lock:
                if _retry_redis_at.pop(self._outage_key, None) is not None:
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

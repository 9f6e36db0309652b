"""The shared cache is Django's own Redis cache: it stores and returns what it is given, and
while Redis does not answer it keeps working from the process's memory, while readiness
still says Redis is away. (The whole outage drill, with a real Redis stopped and started,
is tests/lms/test_redis_outage.py.)"""

import socket

import pytest

from lms.cache import DegradingRedisCache


def unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cache_at(url: str, prefix: str = "test-shared-cache") -> DegradingRedisCache:
    return DegradingRedisCache(
        url, {"KEY_PREFIX": prefix, "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}
    )


def test_with_redis_away_the_cache_keeps_values_in_memory_and_readiness_says_so():
    cache = cache_at(f"redis://127.0.0.1:{unused_port()}/0")  # nothing listens there
    cache.set("greeting", "hello")
    assert cache.get("greeting") == "hello"
    assert cache.get_many(["greeting", "missing"]) == {"greeting": "hello"}
    assert cache.add("counter", 1) and cache.incr("counter") == 2
    with pytest.raises(ConnectionError, match="Redis"):
        cache.ping()


def test_with_redis_answering_values_go_to_redis(settings):
    url = settings.CACHES["default"].get("LOCATION", "")
    if not str(url).startswith("redis://"):
        pytest.skip("this run has no Redis (REDIS_URL unset)")
    writer = cache_at(url, f"test-{unused_port()}")
    reader = cache_at(url, writer.key_prefix)
    writer.set("shared", {"module": 1}, 30)
    assert reader.get("shared") == {"module": 1}, "another process reads what one process wrote"
    writer.ping()
    writer.delete("shared")

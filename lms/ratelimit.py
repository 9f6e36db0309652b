"""A fixed-window rate limit on the shared cache, for public endpoints allauth does not cover."""

import time

from django.core.cache import cache
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


def allow(request: HttpRequest, *, scope: str, limit: int, per_seconds: int) -> bool:
    """True while this client has made at most `limit` requests to `scope` in the current window."""
    window = int(time.time() // per_seconds)
    key = f"ratelimit:{scope}:{client_ip(request)}:{window}"
    # add() then incr() is atomic on Redis and good enough on the file cache.
    cache.add(key, 0, timeout=per_seconds + 1)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=per_seconds + 1)
        count = 1
    return count <= limit

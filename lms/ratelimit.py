"""A fixed-window rate limit on the shared cache, for public endpoints allauth does not cover."""

import math
import time

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


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


def seconds_until_next_window(*, per_seconds: int) -> int:
    """How long a refused client waits: the counter starts again when the current window ends."""
    return max(1, math.ceil(per_seconds - time.time() % per_seconds))


def refusal(request: HttpRequest, *, per_seconds: int, as_json: bool = False) -> HttpResponse:
    """The 429 for a client over its limit: the site's page for people, a JSON message for
    software, and in both a Retry-After header (RFC 9110) saying when to come back."""
    wait_seconds = seconds_until_next_window(per_seconds=per_seconds)
    if as_json:
        response = JsonResponse({"message": f"Too many requests; try again in {wait_seconds} seconds."}, status=429)
    else:
        response = render(request, "429.html", {"retry_after_seconds": wait_seconds}, status=429)
    response["Retry-After"] = str(wait_seconds)
    return response

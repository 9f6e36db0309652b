"""A fixed-window rate limit on the shared cache, for public endpoints allauth does not cover."""

import ipaddress
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def _as_ip(value: str) -> str | None:
    """The address in one X-Forwarded-For entry or REMOTE_ADDR, without port or brackets."""
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.7:51234"
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The address of the visitor, as the outermost of TRUSTED_PROXY_COUNT proxies saw it.

    Each trusted proxy appends the address it received the request from to X-Forwarded-For,
    so the Nth entry from the right was written by the outermost one. Entries further left
    came from the visitor and are ignored: anyone can send "X-Forwarded-For: 1.2.3.4".
    allauth's adapter calls this too, so login limits and Docere's own count the same visitor.
    """
    remote_addr = _as_ip(request.META.get("REMOTE_ADDR", "")) or "unknown"
    proxy_count = settings.TRUSTED_PROXY_COUNT
    if proxy_count <= 0:
        return remote_addr
    hops = [hop for hop in request.headers.get("X-Forwarded-For", "").split(",") if hop.strip()]
    if not hops:
        # Reached directly, past the proxy (a health probe inside the stack).
        return remote_addr
    # Fewer entries than proxies: the request entered at an inner proxy, and every entry
    # is still one a trusted proxy wrote; the leftmost is the visitor it saw.
    return _as_ip(hops[-min(proxy_count, len(hops))]) or remote_addr


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

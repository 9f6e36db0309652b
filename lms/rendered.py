"""HTML rendered once and served to many: the parts of a page that are the same for every
learner in the same place.

A per-process copy never goes stale across a release (a new release starts new processes)
and costs no round trip; its keys hold everything the HTML depends on, so a change makes
a new key rather than needing an invalidation. HTML kept this way holds placeholders
where per-response parts go — the learner's CSRF token above all — and `with_csrf_token`
puts the token in. A placeholder is derived from the secret key, so no author can type
one into a module body and have a learner's token written into a link.
"""

from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import cache
from threading import Lock

from django.middleware.csrf import get_token
from django.utils.crypto import salted_hmac
from django.utils.safestring import SafeString, mark_safe


@cache
def placeholder(name: str) -> str:
    """The same in every process of a deployment (it comes from the secret key), and
    different after a key rotation, so keys built with it change too."""
    return f"placeholder-{name}-{salted_hmac('docere.rendered.placeholder', name).hexdigest()[:32]}"


def csrf_placeholder() -> str:
    return placeholder("csrf")


class RenderedOnce:
    """A bounded, least-recently-used map from a key to rendered HTML."""

    def __init__(self, entries: int):
        self.entries = entries
        self._html: OrderedDict[Hashable, str] = OrderedDict()
        self._lock = Lock()

    def get_or_render(self, key: Hashable, render: Callable[[], str]) -> str:
        with self._lock:
            html = self._html.get(key)
            if html is not None:
                self._html.move_to_end(key)
                return html
        html = render()
        with self._lock:
            self._html[key] = html
            if len(self._html) > self.entries:
                self._html.popitem(last=False)
        return html


def with_csrf_token(request, html: str) -> SafeString:
    # One masked token for the whole page, which also renews the CSRF cookie as get_token does.
    return mark_safe(html.replace(csrf_placeholder(), get_token(request)))  # noqa: S308 — our own rendered HTML

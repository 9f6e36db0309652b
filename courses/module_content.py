"""A module page's content — its rendered Markdown and knowledge-check forms — is the same
for every learner, and rendering it (four queries, Markdown, the forms) was most of the
page's cost. It is rendered once per course revision and kept twice: in the shared cache,
so one process renders it for all, and in each process, since a key's content never
changes (every change to it makes a new key) and the local copy saves the round trip."""

import hashlib
from functools import cache as once

from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from courses import markdown, selectors
from courses.models import Course, Module

TEMPLATE = "courses/partials/module_content.html"
# The forms need the learner's own CSRF token, so the cached HTML holds this instead.
CSRF_PLACEHOLDER = "csrf-token-placeholder-7d1c"
# Keys change with every revision; the timeout only clears out keys no longer asked for.
SHARED_CACHE_SECONDS = 24 * 60 * 60
LOCAL_ENTRIES = 500
_local: dict[str, str] = {}


@once
def _code_version() -> str:
    """A new release may render the same content differently: its keys must differ too."""
    template_source = get_template(TEMPLATE).template.source.encode()
    with open(markdown.__file__, "rb") as markdown_code:
        return hashlib.sha256(template_source + markdown_code.read()).hexdigest()[:12]


def module_content_key(*, course: Course, module: Module) -> str:
    # The slug and the order are in the forms' URLs; the revision covers everything else.
    return f"module-content:{_code_version()}:{module.id}:{course.content_revision}:{course.slug}:{module.order}"


def _render(*, course: Course, module: Module) -> str:
    full = selectors.module_for_player(course=course, order=module.order)
    knowledge_check = getattr(full, "knowledge_check", None)
    return get_template(TEMPLATE).render({
        "course": course, "module": full, "csrf_token": CSRF_PLACEHOLDER,
        "questions": knowledge_check.questions.all() if knowledge_check else [],
    })


def module_content_html(*, request, course: Course, module: Module) -> SafeString:
    key = module_content_key(course=course, module=module)
    # The local copy goes by the shared cache's full key, prefix included, so it is
    # dropped whenever the shared one would be (a new prefix, a cleared test cache).
    local_key = cache.make_key(key)
    html = _local.get(local_key)
    if html is None:
        html = cache.get(key)
        if html is None:
            html = _render(course=course, module=module)
            cache.set(key, html, SHARED_CACHE_SECONDS)
        if len(_local) >= LOCAL_ENTRIES:
            _local.clear()
        _local[local_key] = html
    return mark_safe(html.replace(CSRF_PLACEHOLDER, get_token(request)))  # noqa: S308 — rendered by our template

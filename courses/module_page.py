"""The module page, the most visited page of the site, rendered once and served to many.

Its content — the module's Markdown and knowledge-check forms — is the same for every
learner: it is rendered once per course revision and kept in the shared cache, so one
process renders it for all, and in each process. The whole page is the same for every
learner at the same point of the same course: it is kept in each process under a key of
everything it shows, with a slot for the content. Both hold a placeholder where the
learner's CSRF token goes (lms/rendered.py).
"""

import hashlib
from functools import cache as once
from importlib.metadata import version
from pathlib import Path

from django.contrib import messages
from django.core.cache import cache
from django.template.loader import get_template, render_to_string
from django.utils.safestring import SafeString

from courses import selectors
from courses.models import Course, Module
from courses.progress import CourseProgress, ModuleStep
from lms.rendered import RenderedOnce, csrf_placeholder, placeholder, with_csrf_token

TEMPLATE = "courses/partials/module_content.html"
# Keys change with every revision; the timeout only clears out keys no longer asked for.
SHARED_CACHE_SECONDS = 24 * 60 * 60
_local = RenderedOnce(entries=500)
# Pages are kept without their content (a slot filled per response), so an entry is a few KB.
pages = RenderedOnce(entries=500)
_RELEASE_INPUTS = (Path(__file__).parent / "markdown.py", Path(__file__).parent / "urls.py",
                   Path(__file__).parent.parent / "lms" / "urls.py")


@once
def _code_version() -> str:
    """The shared cache outlives a release, which may render the same content differently:
    another template, other Markdown or sanitizing rules, other URLs for the forms."""
    digest = hashlib.sha256(get_template(TEMPLATE).template.source.encode())
    for path in _RELEASE_INPUTS:
        digest.update(path.read_bytes())
    for package in ("django", "markdown-it-py", "nh3"):
        digest.update(f"{package}=={version(package)}".encode())
    digest.update(csrf_placeholder().encode())
    return digest.hexdigest()[:12]


def module_content_key(*, course: Course, module: Module) -> str:
    # The slug and the order are in the forms' URLs; the revision covers everything else.
    return f"module-content:{_code_version()}:{module.id}:{course.content_revision}:{course.slug}:{module.order}"


def _render(*, course: Course, module: Module) -> str:
    # By id, with the slug and order this key was made from: a reorder meanwhile makes a new key.
    full = selectors.module_for_player(module_id=module.id)
    knowledge_check = getattr(full, "knowledge_check", None)
    return get_template(TEMPLATE).render({
        "course_slug": course.slug, "order": module.order, "module": full, "csrf_token": csrf_placeholder(),
        "questions": knowledge_check.questions.all() if knowledge_check else [],
    })


def _shared(key: str, *, course: Course, module: Module) -> str:
    html = cache.get(key)
    if html is None:
        html = _render(course=course, module=module)
        cache.set(key, html, SHARED_CACHE_SECONDS)
    return html


def module_content_html(*, course: Course, module: Module) -> str:
    """The content's HTML, with the CSRF placeholder where the learner's token goes."""
    key = module_content_key(course=course, module=module)
    # The local copy goes by the shared cache's full key, prefix included, so it is
    # dropped whenever the shared one would be (a new prefix, a cleared test cache).
    return _local.get_or_render(cache.make_key(key), lambda: _shared(key, course=course, module=module))


def html_for(request, *, progress: CourseProgress, step: ModuleStep) -> SafeString:
    """The page of `step`'s module for the learner whose progress this is."""
    orders = [s.module.order for s in progress.modules]
    index = orders.index(step.module.order)
    course = progress.enrollment.course
    content_slot = placeholder("module-content")
    context = {
        "course": course, "enrollment": progress.enrollment, "progress": progress, "module": step.module,
        "step": step, "csrf_token": csrf_placeholder(), "content": content_slot,
        "previous_order": orders[index - 1] if index > 0 else None,
        "next_order": orders[index + 1] if index + 1 < len(orders) else None,
    }

    def render() -> str:
        return render_to_string("courses/module.html", context, request)

    if page_is_shared(request):
        html = pages.get_or_render(page_key(progress=progress, module=step.module), render)
    else:
        html = render()
    return with_csrf_token(request, html.replace(content_slot, module_content_html(course=course, module=step.module)))


def page_is_shared(request) -> bool:
    """Staff see more in the navigation, and a pending message is for one learner alone."""
    user = request.user
    return not (user.is_staff or user.is_superuser) and not len(messages.get_messages(request))


def page_key(*, progress: CourseProgress, module: Module) -> tuple:
    """Everything the page shows, beyond its content and what every learner's page shows."""
    enrollment, course = progress.enrollment, progress.enrollment.course
    return (
        # The shared cache's prefix: a page is dropped whenever the content would be.
        cache.make_key("module-page"), course.id, course.slug, course.title, module.id, module.order,
        enrollment.disclosures_acknowledged_at is not None, enrollment.post_test_passed_at is not None,
        enrollment.evaluation_submitted_at is not None, enrollment.completed_at is not None,
        tuple((step.module.id, step.module.order, step.module.title, step.module.estimated_minutes,
               step.is_complete, step.is_unlocked) for step in progress.modules),
    )

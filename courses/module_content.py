"""The part of a module page that is the same for every learner: the module's body and its
knowledge-check questions, rendered from Markdown and sanitized. That rendering is the
costly part of the page, so it is kept in the shared cache under the course's content
revision (see `authoring_services.course_content_changed`): an author's edit makes a new key, and
learners see the edit on their next view.

What is cached is rendered without a request, so it cannot hold anything of a learner's:
the forms around the questions, their CSRF token, progress and messages are rendered on
every response (templates/courses/module.html). The course's outline (its modules' titles
and order) is shared the same way; which of them a learner completed is read per response.
"""

import functools
import hashlib
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from django.core.cache import cache, caches
from django.db.models import Prefetch
from django.template.loader import get_template, render_to_string
from django.urls import get_script_prefix, reverse
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from courses import markdown
from courses.markdown import render_markdown
from courses.models import Course, Module, Option, Question, QuizKind

# Keys change with every revision; the timeout only clears out keys no longer asked for.
CACHE_SECONDS = 24 * 60 * 60
# What a key names does not change while the database and the release stay the same, so
# each process keeps a copy of the entries it was asked for in its own memory (the "local"
# cache, `cache_config()` in lms/env.py) and reads the shared cache only for those it has
# not seen: the page's round trip to Redis was a tenth of its work. (A database restored
# from a backup can reuse revision numbers: docs/operations.md restarts the web with it.)
LOCAL_CACHE = "local"
KNOWLEDGE_CHECK_TEMPLATE = "courses/partials/knowledge_check_question.html"


@functools.cache
def content_format() -> str:
    """Part of every key: a fingerprint of what decides how content renders and what shape is
    cached (this module, courses/markdown.py, the knowledge-check template, the Markdown,
    sanitizer and Django releases, and the shape of the addresses the entries hold). A deploy
    that changes any of them reads fresh keys, with no number for anyone to remember to raise;
    processes still on the old release keep theirs.
    """
    prefix = get_script_prefix()
    # The routes' shapes, without the script prefix (that is in the key itself).
    routes = [
        reverse("courses:module", args=["slug", 1]).removeprefix(prefix),
        reverse("courses:knowledge_check_answer", args=["slug", 1, 1]).removeprefix(prefix),
    ]
    sources = [
        Path(__file__).read_bytes(),
        Path(markdown.__file__).read_bytes(),
        get_template(KNOWLEDGE_CHECK_TEMPLATE).template.source.encode(),
        *(version(package).encode() for package in ("django", "markdown-it-py", "nh3")),
        *(route.encode() for route in routes),
    ]
    return hashlib.sha256(b"\0".join(sources)).hexdigest()[:12]


@dataclass(frozen=True)
class OutlineModule:
    """A module as the course's navigation shows it."""

    id: int
    order: int
    title: str
    estimated_minutes: int
    # Reversed once when the outline is built: its key names the course's slug and the
    # site's script prefix, the two things besides the order that the address depends on.
    path: str


@dataclass(frozen=True)
class KnowledgeCheckQuestion:
    id: int
    # The stem and the choices; the form around them is the learner's own.
    html: SafeString
    # Where the form posts (the same for every learner).
    check_path: str


@dataclass(frozen=True)
class ModuleContent:
    body_html: SafeString
    questions: tuple[KnowledgeCheckQuestion, ...]


def _key(kind: str, course: Course, *parts) -> str:
    # Within one revision a module's place is fixed: the admin bumps the revision on every save.
    # The slug and the script prefix are in the paths the entries hold.
    return ":".join(
        str(part)
        for part in (
            kind,
            content_format(),
            course.id,
            course.content_revision,
            course.slug,
            get_script_prefix(),
            *parts,
        )
    )


def course_outline_key(*, course: Course) -> str:
    return _key("course-outline", course)


def module_content_key(*, course: Course, order: int) -> str:
    return _key("module-content", course, order, get_language())


def _outline(course: Course) -> tuple[OutlineModule, ...]:
    rows = (
        Module.objects.filter(course_id=course.id)
        .order_by("order")
        .values_list("id", "order", "title", "estimated_minutes")
    )
    return tuple(OutlineModule(*row, path=reverse("courses:module", args=[course.slug, row[1]])) for row in rows)


def _render(course: Course, module: OutlineModule) -> ModuleContent:
    module_id = module.id
    body = Module.objects.filter(pk=module_id).values_list("body", flat=True).get()
    questions = (
        Question.objects.filter(quiz__module_id=module_id, quiz__kind=QuizKind.KNOWLEDGE_CHECK)
        .order_by("order", "id")
        .only("id", "type", "stem")
        .prefetch_related(
            Prefetch("options", queryset=Option.objects.order_by("order", "id").only("id", "question_id", "text"))
        )
    )
    return ModuleContent(
        body_html=render_markdown(body),
        questions=tuple(
            KnowledgeCheckQuestion(
                id=question.id,
                html=render_to_string(KNOWLEDGE_CHECK_TEMPLATE, {"question": question, "number": number}),
                check_path=reverse("courses:knowledge_check_answer", args=[course.slug, module.order, question.id]),
            )
            for number, question in enumerate(questions, start=1)
        ),
    )


def module_page_content(*, course: Course, order: int) -> tuple[tuple[OutlineModule, ...], ModuleContent | None]:
    """The course's outline and the shared content of its module at `order` (None if it has
    none there): from this process's copies when it showed this revision before, else in one
    round trip to the shared cache when another process did.
    `course` must carry its content_revision, as read with the learner's enrollment."""
    outline_key, content_key = course_outline_key(course=course), module_content_key(course=course, order=order)
    found = _cached_many([outline_key, content_key])
    outline = found.get(outline_key)
    if outline is None:
        outline = _outline(course)
        _store(outline_key, outline)
    module = next((module for module in outline if module.order == order), None)
    if module is None:
        return outline, None
    content = found.get(content_key)
    if content is None:
        content = _render(course, module)
        _store(content_key, content)
    return outline, content


def _cached_many(keys: list[str]) -> dict:
    """This process's copies first, then the shared cache for the rest (kept here from then on)."""
    local = caches[LOCAL_CACHE]
    found = local.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        shared = cache.get_many(missing)
        local.set_many(shared, CACHE_SECONDS)
        found.update(shared)
    return found


def _store(key: str, value) -> None:
    cache.set(key, value, CACHE_SECONDS)
    caches[LOCAL_CACHE].set(key, value, CACHE_SECONDS)

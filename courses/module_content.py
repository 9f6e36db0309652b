"""The part of a module page that is the same for every learner: the module's body and its
knowledge-check questions, rendered from Markdown and sanitized. That rendering is the
costly part of the page, so it is kept in the shared cache under the course's content
revision (see `services.course_content_changed`): an author's edit makes a new key, and
learners see the edit on their next view.

What is cached is rendered without a request, so it cannot hold anything of a learner's:
the forms around the questions, their CSRF token, progress and messages are rendered on
every response (templates/courses/module.html).
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from courses.markdown import render_markdown
from courses.models import Course, Module, Option, Question, QuizKind

# Keys change with every revision; the timeout only clears out keys no longer asked for.
CACHE_SECONDS = 24 * 60 * 60
# Part of the key: raise it when a release renders content differently (the templates
# below, courses/markdown.py) or changes the cached shape, so no process reads the old one.
CONTENT_FORMAT = 1


@dataclass(frozen=True)
class KnowledgeCheckQuestion:
    id: int
    # The stem and the choices; the form around them is the learner's own.
    html: SafeString


@dataclass(frozen=True)
class ModuleContent:
    body_html: SafeString
    questions: tuple[KnowledgeCheckQuestion, ...]


def module_content_key(*, course: Course, module: Module) -> str:
    return f"module-content:{CONTENT_FORMAT}:{course.id}:{course.content_revision}:{module.id}:{get_language()}"


def _render(module: Module) -> ModuleContent:
    full = Module.objects.only("id", "body").get(pk=module.pk)
    questions = (
        Question.objects.filter(quiz__module_id=module.pk, quiz__kind=QuizKind.KNOWLEDGE_CHECK)
        .order_by("order", "id")
        .only("id", "type", "stem")
        .prefetch_related(Prefetch("options", queryset=Option.objects.order_by("order", "id").only(
            "id", "question_id", "text")))
    )
    return ModuleContent(
        body_html=render_markdown(full.body),
        questions=tuple(
            KnowledgeCheckQuestion(id=question.id, html=render_to_string(
                "courses/partials/knowledge_check_question.html", {"question": question, "number": number}))
            for number, question in enumerate(questions, start=1)
        ),
    )


def module_content_for(*, course: Course, module: Module) -> ModuleContent:
    """`module`'s shared content, from the cache when this revision was rendered before.
    `course` must carry its content_revision, as read with the learner's enrollment."""
    key = module_content_key(course=course, module=module)
    content = cache.get(key)
    if content is None:
        content = _render(module)
        cache.set(key, content, CACHE_SECONDS)
    return content

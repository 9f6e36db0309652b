"""Course.content_revision goes up whenever a module's body or a knowledge check changes.

The module page caches its content (rendered Markdown and knowledge-check forms) under a
key holding the course's revision, which the page reads in the query it makes anyway. This
is cache coherence, not a business rule, and it has to catch every write — the admin and
its inlines, the YAML and GIFT importers, the shell — so it hangs on the models' save and
delete signals rather than on each of those paths. The bump runs inside the writer's
transaction: a reader sees the new revision only once the new content is committed, so
no reader can file old content under the new key. The course's slug and the module's
order, also part of the content (its form URLs), are in the key themselves.
"""

from django.db.models import F, Subquery
from django.db.models.signals import post_delete, post_save

from courses.models import Course, Module, Option, Question, Quiz


def _bump(courses) -> None:
    courses.update(content_revision=F("content_revision") + 1)


def _module_or_quiz_changed(sender, instance: Module | Quiz, **kwargs) -> None:
    if not kwargs.get("raw"):
        _bump(Course.objects.filter(pk=instance.course_id))


def _question_changed(sender, instance: Question, **kwargs) -> None:
    if not kwargs.get("raw"):
        _bump(Course.objects.filter(pk=Subquery(Quiz.objects.filter(pk=instance.quiz_id).values("course_id"))))


def _option_changed(sender, instance: Option, **kwargs) -> None:
    # While a whole quiz is deleted its options go first; the quiz's own signal then counts.
    if not kwargs.get("raw"):
        _bump(Course.objects.filter(
            pk=Subquery(Quiz.objects.filter(questions__id=instance.question_id).values("course_id")[:1])))


def connect() -> None:
    for model, receiver in ((Module, _module_or_quiz_changed), (Quiz, _module_or_quiz_changed),
                            (Question, _question_changed), (Option, _option_changed)):
        post_save.connect(receiver, sender=model, dispatch_uid=f"content_revision_{model.__name__}_save")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"content_revision_{model.__name__}_delete")

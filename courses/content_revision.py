"""Course.content_revision goes up whenever a module's body or a knowledge check changes.

The module page caches its content (rendered Markdown and knowledge-check forms) under a
key holding the course's revision, which the page reads in the query it makes anyway. This
is cache coherence, not a business rule, and it has to catch every write — the admin and
its inlines, the YAML and GIFT importers, the shell — so it hangs on the models' save and
delete signals rather than on each of those paths. The bump runs inside the writer's
transaction: a reader sees the new revision only once the new content is committed, so
no reader can file old content under the new key. A row moved to another course (a quiz
or a question edited in the admin) bumps the course it left as well as the one it joined.
The course's slug and the module's order, also part of the content (its form URLs), are
in the key themselves; Course.save never writes the revision back.
"""

from django.db.models import F, Q
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from courses.models import Course, Module, Option, Question, Quiz

# From each model a module page shows to the course it belongs to.
COURSE_OF = {Module: "course_id", Quiz: "course_id", Question: "quiz__course_id", Option: "question__quiz__course_id"}


def _course_in_database(sender, instance) -> int | None:
    return sender.objects.filter(pk=instance.pk).values_list(COURSE_OF[sender], flat=True).first()


def _remember_course(sender, instance, **kwargs) -> None:
    """Before a save or a delete: the course the row belongs to now, while it can be read."""
    if instance.pk is not None and not kwargs.get("raw"):
        instance._content_course_before = _course_in_database(sender, instance)


def _bump(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    courses = Q(pk=getattr(instance, "_content_course_before", None))
    if kwargs.get("signal") is post_save:
        # The course it belongs to after the save, in the statement that bumps it.
        courses |= Q(pk__in=sender.objects.filter(pk=instance.pk).values(COURSE_OF[sender]))
    Course.objects.filter(courses).update(content_revision=F("content_revision") + 1)


def connect() -> None:
    for model in COURSE_OF:
        name = model.__name__
        pre_save.connect(_remember_course, sender=model, dispatch_uid=f"content_revision_{name}_pre_save")
        pre_delete.connect(_remember_course, sender=model, dispatch_uid=f"content_revision_{name}_pre_delete")
        post_save.connect(_bump, sender=model, dispatch_uid=f"content_revision_{name}_save")
        post_delete.connect(_bump, sender=model, dispatch_uid=f"content_revision_{name}_delete")

"""What the course, quiz and question admin pages share: the lock on graded content and
the bump of the content revision that module pages are cached under."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db import models, transaction
from django.http import HttpResponseRedirect
from django.urls import reverse

from courses.authoring_services import course_content_changed, graded_content_guard, quiz_is_locked
from courses.errors import GRADED_FIELDS_LOCKED, GradedContentLocked
from courses.models import Quiz

# Modules whose order changes are first parked above every real position, so that
# swapping two modules never meets the one-module-per-position constraint halfway.
MODULE_ORDER_PARKING = 1_000_000

SHORT_TEXT = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 60})}}


def admin_url(obj: models.Model, action: str = "change") -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_{action}", args=[obj.pk])


class GradedContentGuard:
    """Refuses, at the moment of writing, edits that would rewrite learners' scores.

    The forms already refuse them with a message beside the field; this repeats the check
    against the stored rows, so neither a skipped form check nor an attempt submitted
    while the author was typing can slip a change through.
    """

    def save_model(self, request, obj, form, change):
        graded_content_guard(saving=[obj])
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if change:  # rows under a parent created just now cannot have been graded
            deleted = formset.deleted_forms
            graded_content_guard(
                saving=[f.instance for f in formset.forms if f.has_changed() and f not in deleted],
                deleting=[f.instance for f in deleted if f.instance.pk],
            )
        super().save_formset(request, form, formset, change)

    def delete_model(self, request, obj):
        graded_content_guard(deleting=[obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        graded_content_guard(deleting=list(queryset))
        super().delete_queryset(request, queryset)

    def _refused(self, request, message: str, url: str) -> HttpResponseRedirect:
        self.message_user(request, message, messages.ERROR)
        return HttpResponseRedirect(url)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except GradedContentLocked as error:  # the admin's transaction has rolled back
            return self._refused(request, error.message, request.get_full_path())

    def changelist_view(self, request, extra_context=None):
        if request.method != "POST":
            return super().changelist_view(request, extra_context)
        try:
            # Atomic, so the deletion log "delete selected" writes first is undone with it.
            with transaction.atomic():
                return super().changelist_view(request, extra_context)
        except GradedContentLocked as error:  # "delete selected" on a locked question
            return self._refused(request, error.message, request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        try:
            # Asked before the confirmation page too, so nobody confirms a deletion that is refused.
            if obj is not None:
                graded_content_guard(deleting=[obj])
            return super().delete_view(request, object_id, extra_context)
        except GradedContentLocked as error:
            return self._refused(request, error.message, admin_url(obj))

    @admin.display(description="Graded content")
    def lock_status(self, obj) -> str:
        quiz_id = obj.pk if isinstance(obj, Quiz) else getattr(obj, "quiz_id", None)
        if obj.pk and quiz_is_locked(quiz_id):
            return f"{GRADED_FIELDS_LOCKED} Stems, option wording, feedback and explanations stay editable."
        return "Editable: no learner has submitted an attempt at this quiz yet."


class RevisesModulePages:
    """Every save or delete on this admin page changes what module pages show, so it bumps
    the content revision of the course a row belongs to, and of the one it left when it
    moved (authoring_services.course_content_changed), in the admin's own transaction."""

    # The path from this page's model to its course's id.
    course_id_path: str

    def _course_ids(self, objects) -> set[int]:
        pks = [obj.pk for obj in objects if obj.pk is not None]
        return set(self.model.objects.filter(pk__in=pks).values_list(self.course_id_path, flat=True))

    def save_model(self, request, obj, form, change):
        left = self._course_ids([obj]) if change else set()
        super().save_model(request, obj, form, change)
        # Inlines (modules, questions, options) are saved after this, in the same transaction.
        course_content_changed(course_ids=left | self._course_ids([obj]))

    def delete_model(self, request, obj):
        course_ids = self._course_ids([obj])
        super().delete_model(request, obj)
        course_content_changed(course_ids=course_ids)

    def delete_queryset(self, request, queryset):
        course_ids = self._course_ids(queryset)
        super().delete_queryset(request, queryset)
        course_content_changed(course_ids=course_ids)

"""Course authoring in the admin, for the "Course authors" group (migration 0002).

Publishing goes through `courses.services.course_publish`, so the admin applies exactly
the checks every other writer does; graded content is locked once learners have
submitted attempts (`courses.services.graded_content_guard`).
"""

from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Count, F, Prefetch
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.views.decorators.http import require_POST

from courses.errors import GRADED_FIELDS_LOCKED, CoursePublishError, GradedContentLocked
from courses.forms_admin import (
    CourseAdminForm,
    CourseYamlUploadForm,
    DisclosureForm,
    GiftUploadForm,
    ModuleFormSet,
    OptionFormSet,
    QuestionAdminForm,
    QuestionFormSet,
    QuizAdminForm,
)
from courses.markdown import html_to_text, render_markdown
from courses.models import (
    Answer,
    Attempt,
    Course,
    CourseMocRegistration,
    Disclosure,
    Enrollment,
    EvaluationItem,
    Faculty,
    Module,
    Option,
    Question,
    Quiz,
    QuizKind,
    Topic,
)
from courses.selectors import post_test_for, question_problems
from courses.services import (
    course_content_changed,
    course_publish,
    course_unpublish,
    evaluation_items_seed_standard,
    graded_content_guard,
    quiz_is_locked,
)

# Modules whose order changes are first parked above every real position, so that
# swapping two modules never meets the one-module-per-position constraint halfway.
MODULE_ORDER_PARKING = 1_000_000

SHORT_TEXT = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 60})}}


def _admin_url(obj: models.Model, action: str = "change") -> str:
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
            return self._refused(request, error.message, _admin_url(obj))

    @admin.display(description="Graded content")
    def lock_status(self, obj) -> str:
        quiz_id = obj.pk if isinstance(obj, Quiz) else getattr(obj, "quiz_id", None)
        if obj.pk and quiz_is_locked(quiz_id):
            return (f"{GRADED_FIELDS_LOCKED} Stems, option wording, feedback and explanations "
                    "stay editable.")
        return "Editable: no learner has submitted an attempt at this quiz yet."


class RevisesModulePages:
    """Every save or delete on this admin page changes what module pages show, so it bumps
    the content revision of the course a row belongs to, and of the one it left when it
    moved (services.course_content_changed), in the admin's own transaction."""

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


# --- Courses ------------------------------------------------------------------------


class FacultyInline(admin.StackedInline):
    model = Faculty
    extra = 0
    fields = ["order", "name", "degrees", "role", "disclosure_summary"]
    readonly_fields = ["disclosure_summary"]
    ordering = ["order", "id"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(disclosure_count=Count("disclosures"))

    @admin.display(description="Disclosures (ACCME Standard 3)")
    def disclosure_summary(self, faculty) -> str:
        if faculty.pk is None:
            return "Save, then record this person's disclosures."
        count = getattr(faculty, "disclosure_count", None)
        label = "None recorded yet: add one" if not count else f"{count} recorded: edit"
        return format_html('<a href="{}">{}</a>', _admin_url(faculty), label)


class ModuleInline(admin.StackedInline):
    model = Module
    formset = ModuleFormSet
    extra = 0
    ordering = ["order"]
    fields = ["order", "title", "estimated_minutes", "body", "knowledge_check_link"]
    readonly_fields = ["knowledge_check_link"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 14, "cols": 90})}}

    class Media:
        js = ["courses/module-order.js"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("knowledge_check")

    @admin.display(description="Knowledge check")
    def knowledge_check_link(self, module) -> str:
        if module.pk is None:
            return "Save the module, then add its knowledge check."
        try:
            quiz = module.knowledge_check
        except Quiz.DoesNotExist:
            query = urlencode({"course": module.course_id, "module": module.pk, "kind": QuizKind.KNOWLEDGE_CHECK})
            return format_html('<a href="{}?{}">Add a knowledge check</a>', reverse("admin:courses_quiz_add"), query)
        return format_html('<a href="{}">Edit the knowledge check</a>', _admin_url(quiz))


class EvaluationItemInline(admin.StackedInline):
    model = EvaluationItem
    extra = 0
    fields = ["order", "kind", "prompt", "code", "is_required"]
    ordering = ["order", "id"]


class MocRegistrationInline(admin.TabularInline):
    model = CourseMocRegistration
    extra = 0
    fields = ["board", "credit_type", "points"]
    verbose_name_plural = "MOC registrations (as registered in PARS; none means CME only)"


@admin.register(Course)
class CourseAdmin(RevisesModulePages, admin.ModelAdmin):
    course_id_path = "id"
    form = CourseAdminForm
    list_display = ["title", "status", "credits_max", "release_date", "expiry_date", "module_count"]
    list_filter = ["status", "activity_format", "topics"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["status", "published_at", "standard_statements", "post_test_link"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "description", "topics"]}),
        ("Learners", {"fields": ["learning_objectives", "target_audience"]}),
        ("CME facts", {"fields": [
            "activity_format", "estimated_minutes", "credits_max", "passing_score_percent",
            "release_date", "expiry_date", "provider_name", "accme_activity_id", "is_reported_to_pars",
        ]}),
        ("Statements", {
            "fields": ["accreditation_statement", "designation_statement", "standard_statements"],
            "description": "Leave a statement blank to use the standard wording shown below.",
        }),
        ("Post-test and status", {
            "fields": ["post_test_link", "status", "published_at"],
            "description": "Publish with the button at the top or the list's actions: both check the course first.",
        }),
    ]
    # Disclosure before content (ACCME Standard 3): faculty come first on the page too.
    inlines = [FacultyInline, ModuleInline, EvaluationItemInline, MocRegistrationInline]
    actions = ["publish_selected", "unpublish_selected", "archive_selected"]
    save_on_top = True

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        # The content revision is the module-page cache's key and only course_content_changed
        # moves it. Writing back the number this form was built on would undo a bump made by
        # another author meanwhile, and the bump below would then land on a revision whose
        # cached pages predate this edit.
        obj.save(update_fields=[field.name for field in Course._meta.get_fields()
                                if field.concrete and not field.primary_key and not field.many_to_many
                                and field.name != "content_revision"])
        course_content_changed(course_ids={obj.pk})
    def changelist_view(self, request, extra_context=None):
        may_import = self.has_add_permission(request) and self.has_change_permission(request)
        return super().changelist_view(request, {**(extra_context or {}), "may_import": may_import})

    def view_on_site(self, course):
        # Drafts are not on the site; "Preview as learner" shows them to authors.
        return course.get_absolute_url() if course.is_published else None

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(module_count=Count("modules", distinct=True))

    @admin.display(description="Modules", ordering="module_count")
    def module_count(self, course) -> int:
        return course.module_count

    @admin.display(description="Statements learners will see")
    def standard_statements(self, course) -> str:
        rows = []
        if not course.accreditation_statement:
            rows.append(("Accreditation (standard wording)", course.accreditation_statement_text))
        if not course.designation_statement:
            rows.append(("Designation (standard wording)", course.designation_statement_text))
        if not rows:
            return "Both statements use the wording written above."
        return format_html_join("", "<p><strong>{}:</strong> {}</p>", rows)

    @admin.display(description="Post-test")
    def post_test_link(self, course) -> str:
        if course.pk is None:
            return "Save the course, then add its post-test."
        quiz = post_test_for(course)
        if quiz is not None:
            return format_html('<a href="{}">Edit the post-test settings and question bank</a>', _admin_url(quiz))
        query = urlencode({"course": course.pk, "kind": QuizKind.POST_TEST})
        return format_html('<a href="{}?{}">Add the post-test</a>', reverse("admin:courses_quiz_add"), query)

    def save_formset(self, request, form, formset, change):
        if formset.model is Module:
            deleted = formset.deleted_forms
            moving = [f.instance.pk for f in formset.initial_forms
                      if f.instance.pk and (f in deleted or "order" in f.changed_data)]
            Module.objects.filter(pk__in=moving).update(order=F("order") + MODULE_ORDER_PARKING)
        super().save_formset(request, form, formset, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        course = form.instance
        if not change and not course.evaluation_items.exists():
            evaluation_items_seed_standard(course=course)
            self.message_user(request, "The standard CME evaluation items were added; edit them below if needed.")

    # --- Publishing

    def _publish(self, request, course: Course) -> bool:
        try:
            course_publish(course=course)
        except CoursePublishError as error:
            for problem in error.problems:
                self.message_user(request, f"{course.title}: {problem}", messages.ERROR)
            return False
        return True

    @admin.action(description="Publish selected courses", permissions=["change"])
    def publish_selected(self, request, queryset):
        published = [course.title for course in queryset if self._publish(request, course)]
        if published:
            self.message_user(request, f"Published: {', '.join(published)}.", messages.SUCCESS)

    @admin.action(description="Unpublish (back to draft)", permissions=["change"])
    def unpublish_selected(self, request, queryset):
        for course in queryset:
            course_unpublish(course=course)
        self.message_user(request, f"{len(queryset)} course(s) moved back to draft.", messages.SUCCESS)

    @admin.action(description="Archive", permissions=["change"])
    def archive_selected(self, request, queryset):
        for course in queryset:
            course_unpublish(course=course, archive=True)
        self.message_user(request, f"{len(queryset)} course(s) archived.", messages.SUCCESS)

    # --- Pages of our own: publish, preview, uploads

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(function)

        return [
            path("import/", view(self.import_yaml_view), name="courses_course_import_yaml"),
            path("<int:object_id>/publish/", view(require_POST(self.publish_view)), name="courses_course_publish"),
            path("<int:object_id>/preview/", view(self.preview_view), name="courses_course_preview"),
            path("<int:object_id>/import-gift/", view(self.import_gift_view), name="courses_course_import_gift"),
            *super().get_urls(),
        ]

    def _course(self, request, object_id, may) -> Course:
        course = self.get_object(request, str(object_id))
        if course is None:
            raise Http404("No such course.")
        if not may(request, course):
            raise PermissionDenied
        return course

    def publish_view(self, request, object_id):
        course = self._course(request, object_id, self.has_change_permission)
        if self._publish(request, course):
            self.message_user(request, f"{course.title} is published.", messages.SUCCESS)
        return redirect(_admin_url(course))

    def preview_view(self, request, object_id):
        course = self._course(request, object_id, self.has_view_permission)
        ordered_options = Prefetch("options", queryset=Option.objects.order_by("order", "id"))
        quizzes = list(Quiz.objects.filter(course=course).prefetch_related(
            Prefetch("questions", queryset=Question.objects.order_by("order", "id").prefetch_related(ordered_options))
        ))
        checks = {quiz.module_id: quiz for quiz in quizzes if not quiz.is_post_test}
        modules = list(Module.objects.filter(course=course).order_by("order"))
        faculty = Faculty.objects.filter(course=course).prefetch_related(
            Prefetch("disclosures", queryset=Disclosure.objects.order_by("id")))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Preview as learner: {course.title}",
            "course": course,
            "topics": course.topics.all(),
            "faculty": faculty,
            "modules": [(module, checks.get(module.id)) for module in modules],
            "post_test": next((quiz for quiz in quizzes if quiz.is_post_test), None),
        }
        return TemplateResponse(request, "admin/courses/course_preview.html", context)

    def _upload_page(self, request, *, form, errors, title, intro, course=None, warnings=()):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts, "title": title, "intro": intro, "form": form, "errors": errors,
            "warnings": warnings, "course": course,
        }
        return TemplateResponse(request, "admin/courses/course/upload.html", context)

    def import_yaml_view(self, request):
        # Importing may create a course or replace one: it needs both permissions.
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        from courses.importers.course_yaml import CourseImportError, course_import_yaml

        form = CourseYamlUploadForm(request.POST or None, request.FILES or None)
        errors = []
        if request.method == "POST" and form.is_valid():
            try:
                with transaction.atomic():
                    course = course_import_yaml(text=form.cleaned_data["upload"], replace=form.cleaned_data["replace"])
            except CourseImportError as error:
                errors = [(problem.line, problem.message) for problem in error.problems]
            else:
                self.message_user(request, f"Imported {course.title} as a {course.get_status_display().lower()} "
                                           "course.", messages.SUCCESS)
                return redirect(_admin_url(course))
        return self._upload_page(
            request, form=form, errors=errors, title="Import course (YAML)",
            intro="Upload a course file in the docere-course/1 or /2 format. Nothing is imported unless the whole file "
                  "is correct.",
        )

    def import_gift_view(self, request, object_id):
        course = self._course(request, object_id, self.has_change_permission)
        from courses.importers.gift import GiftImportError
        from courses.importers.gift_import import gift_import

        form = GiftUploadForm(request.POST or None, request.FILES or None)
        errors, warnings = [], []
        if request.method == "POST" and form.is_valid():
            try:
                with transaction.atomic():
                    imported = gift_import(course=course, text=form.cleaned_data["upload"])
            except GiftImportError as error:
                errors = [(gift_error.line, gift_error.message) for gift_error in error.errors]
                warnings = [(warning.line, warning.message) for warning in error.warnings]
            else:
                self.message_user(request, f"Imported {len(imported.questions)} question(s) into {course.title}.",
                                  messages.SUCCESS)
                # Shown on the course page the import returns to, so a reload cannot import twice.
                for warning in imported.warnings:
                    self.message_user(request, f"GIFT file, line {warning.line}: {warning.message}",
                                      messages.WARNING)
                return redirect(_admin_url(course))
        return self._upload_page(
            request, form=form, errors=errors, warnings=warnings, course=course,
            title=f"Import GIFT questions: {course.title}",
            intro="Upload questions in Moodle's GIFT format. Nothing is imported unless every question is correct; "
                  "what Docere leaves out (categories, tags, HTML it does not show) is listed as a warning.",
        )


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class DisclosureInline(admin.StackedInline):
    model = Disclosure
    form = DisclosureForm

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if obj is None or not obj.disclosures.exists() else 0


@admin.register(Faculty)
class FacultyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "role", "course", "disclosure_count"]
    list_filter = ["role"]
    list_select_related = ["course"]
    search_fields = ["name", "course__title"]
    fields = ["course", "order", "name", "degrees", "role"]
    inlines = [DisclosureInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(disclosure_count=Count("disclosures"))

    @admin.display(description="Disclosures", ordering="disclosure_count")
    def disclosure_count(self, faculty) -> int:
        return faculty.disclosure_count


# --- Quizzes ------------------------------------------------------------------------


class QuestionInline(admin.StackedInline):
    model = Question
    formset = QuestionFormSet
    extra = 0
    fields = ["order", "title", "type", "stem", "option_count"]
    readonly_fields = ["option_count"]
    ordering = ["order", "id"]
    show_change_link = True
    formfield_overrides = SHORT_TEXT

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(option_count=Count("options"))

    @admin.display(description="Options")
    def option_count(self, question) -> int | str:
        return getattr(question, "option_count", "—")


@admin.register(Quiz)
class QuizAdmin(RevisesModulePages, GradedContentGuard, admin.ModelAdmin):
    course_id_path = "course_id"
    form = QuizAdminForm
    list_display = ["__str__", "kind", "question_count", "draw_count", "max_attempts", "grading_method"]
    list_filter = ["kind"]
    list_select_related = ["course", "module"]
    search_fields = ["course__title", "module__title"]
    readonly_fields = ["lock_status"]
    fieldsets = [
        (None, {"fields": ["course", "kind", "module", "lock_status"]}),
        ("Post-test settings", {
            "fields": ["draw_count", "shuffle_questions", "shuffle_options", "max_attempts", "grading_method",
                       "time_limit_minutes", "late_submission_policy", "review_policy"],
            "description": "A knowledge check is formative: only its shuffling applies.",
        }),
    ]
    inlines = [QuestionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(question_count=Count("questions"))

    @admin.display(description="Questions in the bank", ordering="question_count")
    def question_count(self, quiz) -> int:
        return quiz.question_count

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "module":
            kwargs["queryset"] = Module.objects.select_related("course").order_by("course__title", "order")
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "module":
            field.label_from_instance = lambda module: f"{module.course.title} — module {module}"
        return field


class OptionInline(admin.StackedInline):
    model = Option
    formset = OptionFormSet
    fields = ["order", "text", "weight_percent", "feedback"]
    ordering = ["order", "id"]
    formfield_overrides = SHORT_TEXT

    def get_extra(self, request, obj=None, **kwargs):
        return 4 if obj is None else 0


@admin.register(Question)
class QuestionAdmin(RevisesModulePages, GradedContentGuard, admin.ModelAdmin):
    course_id_path = "quiz__course_id"
    form = QuestionAdminForm
    list_display = ["stem_text", "title", "quiz", "type", "order"]
    list_filter = ["type", "quiz__kind"]
    list_select_related = ["quiz__course", "quiz__module"]
    search_fields = ["title", "stem", "quiz__course__title"]
    fields = ["quiz", "order", "title", "type", "stem", "explanation", "lock_status", "problems"]
    readonly_fields = ["lock_status", "problems"]
    inlines = [OptionInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "quiz":
            kwargs["queryset"] = Quiz.objects.select_related("course", "module")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="Question", ordering="stem")
    def stem_text(self, question) -> str:
        # The words a learner reads, not the Markdown or HTML (an imported GIFT stem) behind them.
        return Truncator(" ".join(html_to_text(render_markdown(question.stem)).split())).chars(80)

    @admin.display(description="Before publishing")
    def problems(self, question) -> str:
        if question.pk is None:
            return "Checked once the question is saved."
        found = question_problems(question, label="This question")
        if not found:
            return "No problems found."
        return format_html_join("", "<p>{}</p>", ((problem,) for problem in found))


# --- The learners' record: read-only ------------------------------------------------


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by learners' actions; staff look, services write."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Enrollment)
class EnrollmentAdmin(ReadOnlyAdmin):
    list_display = ["user", "course", "enrolled_at", "disclosures_acknowledged_at", "post_test_passed_at",
                    "evaluation_submitted_at", "completed_at"]
    list_select_related = ["user", "course"]
    list_filter = [("completed_at", admin.EmptyFieldListFilter), "course"]
    search_fields = ["user__email", "course__title"]


class AnswerInline(admin.TabularInline):
    model = Answer
    fields = ["question", "selected_option_ids", "saved_at", "points"]
    readonly_fields = fields
    can_delete = False
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("question")


@admin.register(Attempt)
class AttemptAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "quiz", "started_at", "submitted_at", "score_percent", "passed", "is_late"]
    list_select_related = ["enrollment__user", "enrollment__course", "quiz__course", "quiz__module"]
    list_filter = ["passed", "is_late", ("submitted_at", admin.EmptyFieldListFilter)]
    search_fields = ["enrollment__user__email", "enrollment__course__title"]
    inlines = [AnswerInline]

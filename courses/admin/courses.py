"""The course admin: CME facts, faculty and disclosures, modules, evaluation items and MOC
registrations, publication and the learner's preview; the course file and GIFT imports are
pages of their own (courses/admin/imports.py)."""

from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, F, Prefetch
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST

from courses.admin.common import MODULE_ORDER_PARKING, RevisesModulePages, admin_url
from courses.admin.imports import CourseImportViews
from courses.authoring_services import (
    course_content_changed,
    course_publish,
    course_unpublish,
    evaluation_items_seed_standard,
)
from courses.errors import CoursePublishError
from courses.forms_admin import (
    CourseAdminForm,
    DisclosureForm,
    ModuleFormSet,
)
from courses.models import (
    Course,
    CourseMocRegistration,
    Disclosure,
    EvaluationItem,
    Faculty,
    Module,
    Option,
    Question,
    Quiz,
    QuizKind,
    Topic,
)
from courses.selectors import post_test_for


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
        return format_html('<a href="{}">{}</a>', admin_url(faculty), label)


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
        return format_html('<a href="{}">Edit the knowledge check</a>', admin_url(quiz))


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
class CourseAdmin(CourseImportViews, RevisesModulePages, admin.ModelAdmin):
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
        (
            "CME facts",
            {
                "fields": [
                    "activity_format",
                    "estimated_minutes",
                    "credits_max",
                    "passing_score_percent",
                    "release_date",
                    "expiry_date",
                    "provider_name",
                    "accme_activity_id",
                    "is_reported_to_pars",
                ]
            },
        ),
        (
            "Statements",
            {
                "fields": ["accreditation_statement", "designation_statement", "standard_statements"],
                "description": "Leave a statement blank to use the standard wording shown below.",
            },
        ),
        (
            "Post-test and status",
            {
                "fields": ["post_test_link", "status", "published_at"],
                "description": "Publish with the button at the top or the list's actions: both check the course first.",
            },
        ),
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
        obj.save(
            update_fields=[
                field.name
                for field in Course._meta.get_fields()
                if field.concrete
                and not field.primary_key
                and not field.many_to_many
                and field.name != "content_revision"
            ]
        )
        course_content_changed(course_ids={obj.pk})

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
            return format_html('<a href="{}">Edit the post-test settings and question bank</a>', admin_url(quiz))
        query = urlencode({"course": course.pk, "kind": QuizKind.POST_TEST})
        return format_html('<a href="{}?{}">Add the post-test</a>', reverse("admin:courses_quiz_add"), query)

    def save_formset(self, request, form, formset, change):
        if formset.model is Module:
            deleted = formset.deleted_forms
            moving = [
                f.instance.pk
                for f in formset.initial_forms
                if f.instance.pk and (f in deleted or "order" in f.changed_data)
            ]
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
        return redirect(admin_url(course))

    def preview_view(self, request, object_id):
        course = self._course(request, object_id, self.has_view_permission)
        ordered_options = Prefetch("options", queryset=Option.objects.order_by("order", "id"))
        quizzes = list(
            Quiz.objects.filter(course=course).prefetch_related(
                Prefetch(
                    "questions", queryset=Question.objects.order_by("order", "id").prefetch_related(ordered_options)
                )
            )
        )
        checks = {quiz.module_id: quiz for quiz in quizzes if not quiz.is_post_test}
        modules = list(Module.objects.filter(course=course).order_by("order"))
        faculty = Faculty.objects.filter(course=course).prefetch_related(
            Prefetch("disclosures", queryset=Disclosure.objects.order_by("id"))
        )
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

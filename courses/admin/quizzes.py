"""The quiz and question admin, with the question bank's options inline."""

from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html_join
from django.utils.text import Truncator

from courses.admin.common import SHORT_TEXT, GradedContentGuard, RevisesModulePages
from courses.forms_admin import (
    OptionFormSet,
    QuestionAdminForm,
    QuestionFormSet,
    QuizAdminForm,
)
from courses.markdown import html_to_text, render_markdown
from courses.models import (
    POST_TEST_SETTING_FIELDS,
    Module,
    Option,
    Question,
    Quiz,
)
from courses.selectors import question_problems


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
        (
            "Post-test settings",
            {
                "fields": POST_TEST_SETTING_FIELDS,
                "description": "A knowledge check is formative: only its shuffling applies.",
            },
        ),
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

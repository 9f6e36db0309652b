"""Forms of the course-authoring admin.

The graded content lock is a rule of `courses.services` (`graded_content_guard`): the quiz,
question and option forms ask it about the rows as the author edited them and show its
refusal (GradedContentLocked) beside the field; the admin's save asks again just before it
writes.
"""

from functools import cached_property

from django import forms
from django.core.exceptions import ValidationError
from django.forms.formsets import DELETION_FIELD_NAME

from courses.authoring_services import graded_content_guard, quiz_is_locked
from courses.errors import GradedContentLocked
from courses.models import (
    POST_TEST_SETTING_FIELDS,
    ActivityFormat,
    Course,
    Disclosure,
    Question,
    Quiz,
    QuizKind,
    latest_expiry_date,
)

UPLOAD_MAX_BYTES = 2 * 1024 * 1024


def _refusal(*, saving=(), deleting=()) -> str | None:
    """The graded content lock's refusal of these edits, to show beside the field, or None."""
    try:
        graded_content_guard(saving=saving, deleting=deleting)
    except GradedContentLocked as locked:
        return locked.message
    return None


# --- Course -----------------------------------------------------------------------


class LinesField(forms.Field):
    """A list of strings edited as one line each (learning objectives)."""

    widget = forms.Textarea(attrs={"rows": 5})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(str(item) for item in value)
        return value

    def to_python(self, value) -> list[str]:
        if isinstance(value, list):
            return value
        return [line.strip() for line in (value or "").splitlines() if line.strip()]


class CourseAdminForm(forms.ModelForm):
    learning_objectives = LinesField(
        required=False, help_text="One objective per line, in the order learners should read them."
    )

    class Meta:
        model = Course
        fields = [
            "title",
            "slug",
            "summary",
            "description",
            "topics",
            "learning_objectives",
            "target_audience",
            "activity_format",
            "estimated_minutes",
            "credits_max",
            "passing_score_percent",
            "release_date",
            "expiry_date",
            "provider_name",
            "accme_activity_id",
            "is_reported_to_pars",
            "accreditation_statement",
            "designation_statement",
        ]
        # Plain labelled checkboxes: the admin's two-box filter widget fails WCAG checks.
        widgets = {"topics": forms.CheckboxSelectMultiple}
        help_texts = {
            "expiry_date": "An enduring material needs one, at most 3 years after its release date: ACCME expects "
            "enduring materials to be reviewed at least every three years.",
        }

    def clean(self):
        cleaned = super().clean()
        release, expiry = cleaned.get("release_date"), cleaned.get("expiry_date")
        if release and expiry and expiry < release:
            self.add_error("expiry_date", "The expiry date is before the release date.")
        elif (
            release
            and expiry
            and cleaned.get("activity_format") == ActivityFormat.ENDURING_MATERIAL
            and expiry > latest_expiry_date(release)
        ):
            # Said while editing, not only at publishing: such a course could never be published.
            self.add_error(
                "expiry_date",
                f"An enduring material is reviewed at least every three years: set "
                f"the expiry date to {latest_expiry_date(release):%Y-%m-%d} or earlier.",
            )
        return cleaned


class DisclosureForm(forms.ModelForm):
    class Meta:
        model = Disclosure
        fields = ["has_no_relevant_relationships", "ineligible_company", "relationship", "is_mitigated"]

    def clean(self):
        cleaned = super().clean()
        nothing_to_disclose = cleaned.get("has_no_relevant_relationships")
        company = (cleaned.get("ineligible_company") or "").strip()
        if nothing_to_disclose and company:
            self.add_error(
                "ineligible_company", "Either name a company or tick “no relevant financial relationships”, not both."
            )
        elif not nothing_to_disclose and not company:
            self.add_error(
                "ineligible_company",
                "Name the ineligible company, or tick “no relevant financial "
                "relationships” if there is nothing to disclose.",
            )
        return cleaned


def _is_deleted(formset, form) -> bool:
    # Read the DELETE box directly: `formset.deleted_forms` is empty while any form has an error.
    return formset.can_delete and bool(getattr(form, "cleaned_data", {}).get(DELETION_FIELD_NAME))


def _kept_forms(formset) -> list[forms.ModelForm]:
    """The forms whose rows will exist after saving: not deleted, and not blank extras."""
    return [
        form for form in formset.forms if not _is_deleted(formset, form) and (form.instance.pk or form.has_changed())
    ]


class ModuleFormSet(forms.BaseInlineFormSet):
    def get_form_kwargs(self, index):
        # A new module goes after the last one: its Order is filled in with the next number
        # (the blank form the admin copies for "Add another module" has index None).
        kwargs = super().get_form_kwargs(index)
        if index is None or index >= self.initial_form_count():
            extra_position = 0 if index is None else index - self.initial_form_count()
            kwargs["initial"] = {"order": self._next_order + extra_position, **kwargs.get("initial", {})}
        return kwargs

    @cached_property
    def _next_order(self) -> int:
        # The formset's own queryset, already read for the existing modules' forms.
        return max((module.order for module in self.get_queryset()), default=0) + 1

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        orders = sorted(form.cleaned_data["order"] for form in _kept_forms(self))
        # Learners and their progress find module n at position n, so gaps would break the path.
        if orders != list(range(1, len(orders) + 1)):
            shown = ", ".join(str(order) for order in orders)
            raise ValidationError(
                f"Number the modules 1, 2, 3 … in the order learners take them, without gaps or repeats (now: {shown})."
            )


# --- Quizzes, questions, options ----------------------------------------------------


class QuizAdminForm(forms.ModelForm):
    class Meta:
        model = Quiz
        fields = [
            "course",
            "kind",
            "module",
            *POST_TEST_SETTING_FIELDS,
        ]

    def clean(self):
        cleaned = super().clean()
        kind, module, course = cleaned.get("kind"), cleaned.get("module"), cleaned.get("course")
        if kind == QuizKind.POST_TEST and module is not None:
            self.add_error("module", "A post-test belongs to the whole course; leave the module empty.")
        if kind == QuizKind.KNOWLEDGE_CHECK and module is None and "module" not in self.errors:
            self.add_error("module", "Choose the module this knowledge check follows.")
        if module is not None and course is not None and module.course_id != course.pk:
            self.add_error("module", "This module belongs to another course.")
        if self.instance.pk and "draw_count" in self.changed_data:
            edited = Quiz(pk=self.instance.pk, draw_count=cleaned.get("draw_count"))
            if refusal := _refusal(saving=[edited]):
                self.add_error("draw_count", refusal)
        return cleaned


class QuestionFormSet(forms.BaseInlineFormSet):
    """The question bank on a quiz's page."""

    def clean(self):
        super().clean()
        if not quiz_is_locked(self.instance.pk):
            return
        # Each form's instance already holds the author's edits (the forms have been cleaned).
        refused_deletions = []
        for form in self.initial_forms:
            if _is_deleted(self, form):
                if refusal := _refusal(deleting=[form.instance]):
                    refused_deletions.append(f"“{form.instance}”: {refusal}")
            elif refusal := _refusal(saving=[form.instance]):
                form.add_error("type", refusal)
        if refused_deletions:
            raise ValidationError(refused_deletions)


class QuestionAdminForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["quiz", "order", "title", "type", "stem", "explanation"]
        widgets = {"stem": forms.Textarea(attrs={"rows": 4}), "explanation": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        cleaned = super().clean()
        quiz = cleaned.get("quiz")
        edited = Question(pk=self.instance.pk, type=cleaned.get("type"), quiz_id=quiz.pk if quiz else None)
        if self.instance.pk and (refusal := _refusal(saving=[edited])):
            for field in ("type", "quiz"):
                if field in self.changed_data:
                    self.add_error(field, refusal)
        return cleaned


class OptionFormSet(forms.BaseInlineFormSet):
    """The options on a question's page."""

    def clean(self):
        super().clean()
        if self.instance.pk is None or not quiz_is_locked(self.instance.quiz_id):
            return
        # Each form's instance already holds the author's edits (the forms have been cleaned).
        problems = []
        for form in self.forms:
            if _is_deleted(self, form):
                if form.instance.pk and (refusal := _refusal(deleting=[form.instance])):
                    problems.append(f"Deleting the option “{form.instance}”: {refusal}")
            elif not form.instance.pk:
                if form.has_changed() and (refusal := _refusal(saving=[form.instance])):
                    problems.append(f"Adding an option: {refusal}")
            elif refusal := _refusal(saving=[form.instance]):
                form.add_error("weight_percent", refusal)
        if problems:
            raise ValidationError(problems)


# --- Uploads ------------------------------------------------------------------------


class _UploadForm(forms.Form):
    def clean_upload(self) -> str:
        upload = self.cleaned_data["upload"]
        if upload.size > UPLOAD_MAX_BYTES:
            raise ValidationError(f"The file is larger than {UPLOAD_MAX_BYTES // (1024 * 1024)} MB.")
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValidationError("The file is not UTF-8 text; save it as UTF-8 and upload it again.") from error


class CourseYamlUploadForm(_UploadForm):
    upload = forms.FileField(
        label="Course file (YAML)", help_text="A docere-course/1 or docere-course/2 file, as course_export writes."
    )
    replace = forms.BooleanField(
        label="Replace existing",
        required=False,
        help_text="If a course with the same slug exists, replace its content with the file's.",
    )


class GiftUploadForm(_UploadForm):
    upload = forms.FileField(label="Questions file (GIFT)", help_text="Moodle GIFT format, UTF-8.")

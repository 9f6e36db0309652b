"""Forms of the course-authoring admin, and the rule that locks graded content.

Graded content lock (see docs/course-format.md, "Editing graded content after learners
have taken a quiz"): once a quiz has a submitted attempt, what decides a score — option
weights, which options exist, a question's type, which questions are in the bank and how
many are drawn — is refused. The forms say so next to the field; `refuse_graded_edits`
repeats the check against the stored rows just before the admin writes, so a form that
skipped its checks (or an attempt submitted meanwhile) cannot slip past.
"""

from collections.abc import Iterable
from functools import cached_property

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.formsets import DELETION_FIELD_NAME

from courses.errors import GradedContentLocked
from courses.models import (
    ActivityFormat,
    Course,
    Disclosure,
    Option,
    Question,
    Quiz,
    QuizKind,
    latest_expiry_date,
)
from courses.selectors import quiz_has_submitted_attempts

GRADED_FIELDS_LOCKED = (
    "Learners have already submitted attempts at this post-test; graded fields are locked so their scores stay true."
)
QUESTION_CHANGE_REFUSED = GRADED_FIELDS_LOCKED + " Add a new question instead of changing this one."
QUESTION_DELETE_REFUSED = GRADED_FIELDS_LOCKED + " Questions cannot leave the bank now; add a new question instead."
DRAW_COUNT_REFUSED = GRADED_FIELDS_LOCKED + " The number of questions drawn per attempt can no longer change."

UPLOAD_MAX_BYTES = 2 * 1024 * 1024


def quiz_is_locked(quiz_id: int | None) -> bool:
    return quiz_id is not None and quiz_has_submitted_attempts(Quiz(pk=quiz_id))


def _stored(model: type[models.Model], pk, *fields: str) -> dict | None:
    return model.objects.filter(pk=pk).values(*fields).first() if pk is not None else None


def graded_edit_refusal(obj: models.Model) -> str | None:
    """Why saving `obj` as it is in memory would change a locked quiz's grading, or None."""
    if isinstance(obj, Quiz):
        stored = _stored(Quiz, obj.pk, "draw_count")
        if stored and stored["draw_count"] != obj.draw_count and quiz_is_locked(obj.pk):
            return DRAW_COUNT_REFUSED
    elif isinstance(obj, Question):
        stored = _stored(Question, obj.pk, "type", "quiz_id")
        changed = stored and (stored["type"] != obj.type or stored["quiz_id"] != obj.quiz_id)
        if changed and quiz_is_locked(stored["quiz_id"]):
            return QUESTION_CHANGE_REFUSED
    elif isinstance(obj, Option):
        stored = _stored(Option, obj.pk, "weight_percent", "question_id")
        if stored is None:
            # A new option changes how the question is graded just as a new weight does.
            if quiz_is_locked(_question_quiz_id(obj.question_id)):
                return QUESTION_CHANGE_REFUSED
        elif stored["weight_percent"] != obj.weight_percent or stored["question_id"] != obj.question_id:
            if quiz_is_locked(_question_quiz_id(stored["question_id"])):
                return QUESTION_CHANGE_REFUSED
    return None


def graded_delete_refusal(obj: models.Model) -> str | None:
    """Why deleting `obj` would change a locked quiz's grading, or None."""
    if isinstance(obj, Question) and quiz_is_locked(_question_quiz_id(obj.pk)):
        return QUESTION_DELETE_REFUSED
    if isinstance(obj, Option) and quiz_is_locked(_question_quiz_id(_stored_question_id(obj))):
        return QUESTION_CHANGE_REFUSED
    return None


def refuse_graded_edits(*, saving: Iterable[models.Model] = (), deleting: Iterable[models.Model] = ()) -> None:
    """Raise GradedContentLocked before any write that would rewrite learners' scores."""
    for obj in saving:
        if message := graded_edit_refusal(obj):
            raise GradedContentLocked(message)
    for obj in deleting:
        if message := graded_delete_refusal(obj):
            raise GradedContentLocked(message)


def _question_quiz_id(question_id: int | None) -> int | None:
    stored = _stored(Question, question_id, "quiz_id")
    return stored["quiz_id"] if stored else None


def _stored_question_id(option: Option) -> int | None:
    stored = _stored(Option, option.pk, "question_id")
    return stored["question_id"] if stored else option.question_id


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
            "title", "slug", "summary", "description", "topics", "learning_objectives", "target_audience",
            "activity_format", "estimated_minutes", "credits_max", "passing_score_percent", "release_date",
            "expiry_date", "provider_name", "accme_activity_id", "is_reported_to_pars", "accreditation_statement",
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
        elif (release and expiry and cleaned.get("activity_format") == ActivityFormat.ENDURING_MATERIAL
              and expiry > latest_expiry_date(release)):
            # Said while editing, not only at publishing: such a course could never be published.
            self.add_error("expiry_date", f"An enduring material is reviewed at least every three years: set "
                                          f"the expiry date to {latest_expiry_date(release):%Y-%m-%d} or earlier.")
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
            self.add_error("ineligible_company", "Either name a company or tick “no relevant financial "
                                                 "relationships”, not both.")
        elif not nothing_to_disclose and not company:
            self.add_error("ineligible_company", "Name the ineligible company, or tick “no relevant financial "
                                                 "relationships” if there is nothing to disclose.")
        return cleaned


def _is_deleted(formset, form) -> bool:
    # Read the DELETE box directly: `formset.deleted_forms` is empty while any form has an error.
    return formset.can_delete and bool(getattr(form, "cleaned_data", {}).get(DELETION_FIELD_NAME))


def _kept_forms(formset) -> list[forms.ModelForm]:
    """The forms whose rows will exist after saving: not deleted, and not blank extras."""
    return [form for form in formset.forms
            if not _is_deleted(formset, form) and (form.instance.pk or form.has_changed())]


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
                f"Number the modules 1, 2, 3 … in the order learners take them, without gaps or repeats "
                f"(now: {shown})."
            )


# --- Quizzes, questions, options ----------------------------------------------------


class QuizAdminForm(forms.ModelForm):
    class Meta:
        model = Quiz
        fields = [
            "course", "kind", "module", "draw_count", "shuffle_questions", "shuffle_options", "max_attempts",
            "grading_method", "time_limit_minutes", "late_submission_policy", "review_policy",
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
        if self.instance.pk and "draw_count" in self.changed_data and quiz_is_locked(self.instance.pk):
            self.add_error("draw_count", DRAW_COUNT_REFUSED)
        return cleaned


class QuestionFormSet(forms.BaseInlineFormSet):
    """The question bank on a quiz's page."""

    def clean(self):
        super().clean()
        if not quiz_is_locked(self.instance.pk):
            return
        deleted = [form.instance for form in self.initial_forms if _is_deleted(self, form)]
        for form in self.initial_forms:
            if not _is_deleted(self, form) and "type" in form.changed_data:
                form.add_error("type", QUESTION_CHANGE_REFUSED)
        if deleted:
            raise ValidationError(
                [f"“{question}”: {QUESTION_DELETE_REFUSED}" for question in deleted]
            )


class QuestionAdminForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["quiz", "order", "title", "type", "stem", "explanation"]
        widgets = {"stem": forms.Textarea(attrs={"rows": 4}), "explanation": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        cleaned = super().clean()
        stored = _stored(Question, self.instance.pk, "quiz_id")
        if stored and quiz_is_locked(stored["quiz_id"]):
            for field in ("type", "quiz"):
                if field in self.changed_data:
                    self.add_error(field, QUESTION_CHANGE_REFUSED)
        return cleaned


class OptionFormSet(forms.BaseInlineFormSet):
    """The options on a question's page."""

    def clean(self):
        super().clean()
        if not quiz_is_locked(_question_quiz_id(self.instance.pk)):
            return
        problems = []
        for form in self.forms:
            if _is_deleted(self, form):
                if form.instance.pk:
                    problems.append(f"Deleting the option “{form.instance}”: {QUESTION_CHANGE_REFUSED}")
            elif not form.instance.pk:
                if form.has_changed():
                    problems.append(f"Adding an option: {QUESTION_CHANGE_REFUSED}")
            elif "weight_percent" in form.changed_data:
                form.add_error("weight_percent", QUESTION_CHANGE_REFUSED)
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
    upload = forms.FileField(label="Course file (YAML)", help_text="A docere-course/1 or docere-course/2 file, as course_export writes.")
    replace = forms.BooleanField(
        label="Replace existing", required=False,
        help_text="If a course with the same slug exists, replace its content with the file's.",
    )


class GiftUploadForm(_UploadForm):
    upload = forms.FileField(label="Questions file (GIFT)", help_text="Moodle GIFT format, UTF-8.")

from django import forms

from courses.models import Course
from reports.period import Period


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class PeriodForm(forms.Form):
    date_from = forms.DateField(
        label="From", required=False, widget=DateInput, help_text="First day included. Leave empty for the beginning."
    )
    date_to = forms.DateField(
        label="To", required=False, widget=DateInput, help_text="Last day included. Leave empty for today."
    )

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned

    def period(self) -> Period:
        """The valid period, or all time for an unbound form."""
        if not self.is_bound:
            return Period()
        return Period(date_from=self.cleaned_data["date_from"], date_to=self.cleaned_data["date_to"])


def _courses():
    return Course.objects.order_by("title")


class ExportFilterForm(PeriodForm):
    course = forms.ModelChoiceField(
        queryset=_courses(), to_field_name="slug", required=False, empty_label="All courses", label="Course"
    )

    field_order = ["course", "date_from", "date_to"]


class ParsForm(PeriodForm):
    course = forms.ModelChoiceField(
        queryset=_courses(),
        to_field_name="slug",
        label="Course",
        error_messages={"required": "Choose the course to report."},
    )
    include_exported = forms.BooleanField(
        label="Include completions already exported to an earlier PARS file",
        required=False,
        help_text="Leave unticked to report each completion once. Tick it to send a file again, "
        "for example after PARS rejected it.",
    )

    field_order = ["course", "date_from", "date_to", "include_exported"]


class ParsDownloadForm(ParsForm):
    file_format = forms.ChoiceField(
        choices=[("xlsx", "Excel learner template (.xlsx)"), ("tab", "Tab-delimited learner batch file (.txt)")],
        label="File format",
    )


class ItemAnalysisForm(PeriodForm):
    attempts = forms.ChoiceField(
        choices=[("first", "Each learner's first attempt"), ("all", "Every submitted attempt")],
        required=False,
        label="Attempts analysed",
        help_text="First attempts are the usual basis: later attempts follow feedback on the first.",
    )

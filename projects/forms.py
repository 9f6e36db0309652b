"""Forms for the project pages. Each checks its input; the services write."""

from django import forms

from programs.models import Institution
from projects.models import FINAL_REPORT_MAX_BYTES, Project
from projects.services import final_report_validate


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["title", "aim", "institution", "team"]
        widgets = {"aim": forms.Textarea(attrs={"rows": 6}), "team": forms.Textarea(attrs={"rows": 4})}
        labels = {"aim": "Aim", "team": "Team"}

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        # The institutions taking part in this program: where a participant's project can happen.
        self.fields["institution"].queryset = Institution.objects.filter(programs=cohort.program_id).order_by("name")
        self.fields["institution"].empty_label = None


class MilestoneForm(forms.Form):
    title = forms.CharField(max_length=200)
    due_date = forms.DateField(label="Due date", widget=forms.DateInput(attrs={"type": "date"}))


class MilestoneDoneForm(forms.Form):
    completed_on = forms.DateField(
        label="Done on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty to mark the milestone not done.",
    )


class FinalReportForm(forms.Form):
    report = forms.FileField(
        label="Final report (PDF)",
        help_text=f"A PDF of at most {FINAL_REPORT_MAX_BYTES // (1024 * 1024)} MB.",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_report(self):
        report = self.cleaned_data["report"]
        final_report_validate(report)
        return report


class ReviewAction:
    FEEDBACK = "feedback"
    ACCEPT = "accept"
    SEND_BACK = "send_back"


class ReviewForm(forms.Form):
    body = forms.CharField(label="Your feedback", required=False, widget=forms.Textarea(attrs={"rows": 5}))
    action = forms.ChoiceField(
        choices=[
            (ReviewAction.FEEDBACK, "Send feedback"),
            (ReviewAction.ACCEPT, "Accept the final report"),
            (ReviewAction.SEND_BACK, "Send the report back"),
        ],
        widget=forms.HiddenInput,
    )


class ShowcaseForm(forms.Form):
    is_showcased = forms.BooleanField(label="Show this project on the public project showcase", required=False)
    showcase_summary = forms.CharField(
        label="Showcase summary",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Shown publicly with the title, your name, your institution and the cohort year.",
    )

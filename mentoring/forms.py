from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from mentoring.errors import MentoringError
from mentoring.models import MentoringMeeting
from mentoring.selectors import DEFAULT_NOT_MET_WEEKS, cohort_active_participants
from mentoring.services import meeting_date_check
from programs.models import Cohort

MAX_MEETING_MINUTES = 8 * 60


class ParticipantChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, participant) -> str:
        return f"{participant.display_name} — {participant.institution.short_name or participant.institution.name}"


class PairingForm(forms.Form):
    participant = ParticipantChoiceField(queryset=None, empty_label="Choose a participant")
    mentor_email = forms.EmailField(
        label="Mentor's e-mail address",
        help_text="The address of the mentor's Docere account. They are e-mailed when paired.",
    )

    def __init__(self, *args, cohort: Cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = cohort_active_participants(cohort=cohort)

    def clean_mentor_email(self):
        email = self.cleaned_data["mentor_email"]
        mentor = get_user_model().objects.filter(email__iexact=email).order_by("pk").first()
        if mentor is None:
            raise forms.ValidationError(
                f"No Docere account uses {email}. Ask the mentor to sign up with that address, then pair them."
            )
        self.mentor = mentor
        return email


class NotMetFilterForm(forms.Form):
    weeks = forms.IntegerField(
        label="Not met in how many weeks", min_value=1, max_value=52, required=False, initial=DEFAULT_NOT_MET_WEEKS
    )

    @property
    def weeks_value(self) -> int:
        if self.is_valid() and self.cleaned_data["weeks"]:
            return self.cleaned_data["weeks"]
        return DEFAULT_NOT_MET_WEEKS


class MeetingForm(forms.ModelForm):
    class Meta:
        model = MentoringMeeting
        fields = ["met_on", "duration_minutes", "notes"]
        labels = {"met_on": "Date you met", "duration_minutes": "Length in minutes (optional)"}
        widgets = {
            "met_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["met_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        duration = self.fields["duration_minutes"]
        duration.widget.attrs.update(min=1, max=MAX_MEETING_MINUTES)
        duration.validators.append(_minutes_range)
        self.fields["notes"].help_text = "Markdown. " + self.fields["notes"].help_text

    def clean_met_on(self):
        met_on = self.cleaned_data["met_on"]
        try:
            meeting_date_check(met_on)
        except MentoringError as error:
            raise forms.ValidationError(error.message) from error
        return met_on


def _minutes_range(value) -> None:
    if value is not None and not 1 <= value <= MAX_MEETING_MINUTES:
        raise forms.ValidationError(f"Give a length between 1 and {MAX_MEETING_MINUTES} minutes.")

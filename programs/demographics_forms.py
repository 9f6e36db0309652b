"""The self-identification form: consent first, then questions that may all be left blank."""

from django import forms

from programs.models import SelfIdentification

CONSENT_TEXT = (
    "Only the program directors of Docere's programs see these answers. They are never shown to "
    "facilitators, mentors or other participants, never printed on anything, and left out of every "
    "export unless a director chooses to include them, which is logged. You can change or delete "
    "them at any time."
)

FIRST_GENERATION_CHOICES = [("", "I prefer not to say"), ("yes", "Yes"), ("no", "No")]


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class SelfIdentificationForm(forms.ModelForm):
    consented = forms.BooleanField(
        label="I agree that Docere keeps the answers below, seen only as described.",
        help_text=CONSENT_TEXT,
        required=False,
    )
    first_generation_physician = forms.TypedChoiceField(
        label="Are you the first in your family to become a physician?",
        choices=FIRST_GENERATION_CHOICES,
        coerce=_yes_no,
        empty_value=None,
        required=False,
    )

    class Meta:
        model = SelfIdentification
        fields = ["underrepresented_in_medicine", "race_ethnicity", "gender_identity", "first_generation_physician"]
        labels = {
            "underrepresented_in_medicine": "Do you identify as underrepresented in medicine?",
            "race_ethnicity": "Your race and ethnicity, in your own words",
            "gender_identity": "Your gender identity, in your own words",
        }

    field_order = ["consented", *Meta.fields]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["underrepresented_in_medicine"].choices = [
            ("", "Leave unanswered"),
            *[choice for choice in self.fields["underrepresented_in_medicine"].choices if choice[0]],
        ]
        if self.instance.pk:
            self.initial["consented"] = True
            self.initial["first_generation_physician"] = {True: "yes", False: "no"}.get(
                self.instance.first_generation_physician, ""
            )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("consented"):
            self.add_error("consented", "Tick the consent box to save your answers; without it nothing is stored.")
        return cleaned


class ParticipantExportForm(forms.Form):
    include_self_identification = forms.BooleanField(
        label="include self-identification (sensitive)",
        required=False,
        help_text="Adds each participant's self-identification answers to the file. The export log records that you did.",
    )

"""The director's form that designates a live session for credit. It parses; the rules
(the credit step, the session's length, the ACCME ID, disclosures) live in the service."""

from django import forms

from courses.credits import CREDIT_STEP
from courses.models import FacultyRole
from programs.credit_services import LiveFaculty


class DesignateForm(forms.Form):
    credits_max = forms.DecimalField(
        label="Maximum credits",
        decimal_places=2,
        max_digits=5,
        widget=forms.NumberInput(attrs={"step": f"{CREDIT_STEP}", "min": f"{CREDIT_STEP}", "inputmode": "decimal"}),
    )
    accme_activity_id = forms.CharField(
        label="ACCME activity ID",
        max_length=9,
        required=False,
        help_text="The 9-digit PARS activity ID. Leave blank if the activity is not reported to PARS.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class FacultyForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200, required=False)
    degrees = forms.CharField(label="Degrees", max_length=100, required=False)
    role = forms.ChoiceField(label="Role", choices=FacultyRole.choices, initial=FacultyRole.PRESENTER)
    ineligible_company = forms.CharField(
        label="Ineligible company",
        max_length=200,
        required=False,
        help_text="Leave blank for no relevant financial relationships.",
    )
    relationship = forms.CharField(label="Nature of the relationship", max_length=200, required=False)
    is_mitigated = forms.BooleanField(label="Relationship mitigated", required=False)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("name", "").strip() and cleaned.get("ineligible_company", "").strip():
            self.add_error("name", "Name the person whose relationship this is.")
        return cleaned

    def as_faculty(self) -> LiveFaculty | None:
        data = self.cleaned_data
        if not data.get("name", "").strip():
            return None
        return LiveFaculty(
            name=data["name"],
            degrees=data["degrees"],
            role=data["role"],
            ineligible_company=data["ineligible_company"],
            relationship=data["relationship"],
            is_mitigated=data["is_mitigated"],
        )


FacultyFormSet = forms.formset_factory(FacultyForm, extra=3, max_num=10, absolute_max=10)

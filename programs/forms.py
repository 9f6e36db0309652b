from django import forms

from programs.models import Application, Cohort, Institution
from programs.services import ApplicationError, support_letter_check


class ApplicationForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = ["institution", "residency_program", "training_year", "statement", "support_letter"]
        widgets = {
            "statement": forms.Textarea(attrs={"rows": 8}),
            "support_letter": forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
        }

    def __init__(self, *args, cohort: Cohort, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the program's participating institutions may be chosen.
        self.fields["institution"].queryset = Institution.objects.filter(programs=cohort.program_id).order_by("name")
        self.fields["institution"].label = "Your institution"
        self.fields["support_letter"].label = "Letter of support (PDF)"

    def clean_support_letter(self):
        letter = self.cleaned_data.get("support_letter")
        if letter:
            try:
                support_letter_check(letter)
            except ApplicationError as error:
                raise forms.ValidationError(error.message) from error
        return letter


class DecisionForm(forms.Form):
    ACCEPT, WAITLIST, DECLINE = "accept", "waitlist", "decline"
    decision = forms.ChoiceField(choices=[(ACCEPT, "Accept"), (WAITLIST, "Waitlist"), (DECLINE, "Decline")])
    note = forms.CharField(
        label="Private note (directors only)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )


class OfferResponseForm(forms.Form):
    ACCEPT, DECLINE, WITHDRAW = "accept", "decline", "withdraw"
    response = forms.ChoiceField(choices=[(ACCEPT, "Accept"), (DECLINE, "Decline"), (WITHDRAW, "Withdraw")])

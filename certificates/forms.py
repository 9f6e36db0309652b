from decimal import Decimal

from django import forms

from certificates.models import CODE_PATTERN, normalize_code
from courses.credits import CREDIT_STEP


class ClaimForm(forms.Form):
    """Parses the claim; the rules (range, 0.25 steps, completion, profile) live in the service."""

    credits = forms.DecimalField(
        label="Credits to claim",
        decimal_places=2,
        max_digits=5,
        widget=forms.NumberInput(attrs={"step": f"{CREDIT_STEP}", "min": f"{CREDIT_STEP}", "inputmode": "decimal"}),
    )
    attest = forms.BooleanField(
        label="I attest that I completed this activity and that the credit I claim reflects the time I spent on it.",
        required=False,
    )

    def __init__(self, *args, credits_max: Decimal, participation: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if participation:
            # A certificate of participation states hours, as it is worded everywhere else.
            self.fields["credits"].label = "Hours of participation to claim"
        self.fields["credits"].widget.attrs["max"] = f"{credits_max.normalize():f}"
        self.fields["credits"].help_text = f"In steps of {CREDIT_STEP}, at most {credits_max.normalize():f}."
        self.fields["credits"].initial = credits_max


class VerifyUploadForm(forms.Form):
    pdf = forms.FileField(label="Certificate PDF to compare", help_text="The file is compared and not kept.")

    @classmethod
    def refused(cls, message: str) -> "VerifyUploadForm":
        """The empty form again, `message` under the file field: for an upload turned away
        before its body was read, so there is nothing to bind."""
        form = cls(data={}, files={})
        form.full_clean()
        form.errors["pdf"] = form.error_class([message])
        return form


class VerifyCodeForm(forms.Form):
    """The code printed on a certificate, typed the way people type it (see `normalize_code`)."""

    code = forms.CharField(
        label="Certificate code",
        max_length=40,
        error_messages={"required": "Enter the code printed on the certificate."},
        help_text="The 10 letters and digits printed on the certificate, for example 7K3QD-9XMPA.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    def clean_code(self) -> str:
        code = normalize_code(self.cleaned_data["code"])
        if not CODE_PATTERN.fullmatch(code):
            raise forms.ValidationError(
                "A certificate code has 10 letters and digits, for example 7K3QD-9XMPA. "
                "Check the code printed on the certificate.",
                code="code_format",
            )
        return code

import calendar

from django import forms

from accounts.models import Profile

MONTH_CHOICES = [("", "Month")] + [(number, calendar.month_name[number]) for number in range(1, 13)]
DAY_CHOICES = [("", "Day")] + [(number, str(number)) for number in range(1, 32)]
# Leap day is a real birthday, so February allows 29 whatever the year.
DAYS_IN_MONTH = {1: 31, 2: 29, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30, 12: 31}


class ProfileForm(forms.ModelForm):
    birth_month = forms.TypedChoiceField(
        label="Birth month", choices=MONTH_CHOICES, coerce=int, empty_value=None, required=False
    )
    birth_day = forms.TypedChoiceField(
        label="Birth day",
        choices=DAY_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Boards match on month and day only; we never ask for or store the year.",
    )

    class Meta:
        model = Profile
        fields = [
            "first_name",
            "last_name",
            "certificate_name",
            "credentials",
            "profession",
            "institution",
            "specialty",
            "npi",
            "licence_state",
            "licence_number",
            "certifying_board",
            "board_id",
            "birth_month",
            "birth_day",
            "reporting_consent",
        ]
        help_texts = {
            "npi": "Your 10-digit National Provider Identifier, if you have one.",
            "reporting_consent": "Leave unticked if you do not want completions reported. "
            "You can change this at any time.",
        }

    def clean_npi(self) -> str:
        return self.cleaned_data["npi"].replace(" ", "").replace("-", "")

    def clean(self):
        cleaned = super().clean()
        month, day = cleaned.get("birth_month"), cleaned.get("birth_day")
        if (month is None) != (day is None):
            self.add_error("birth_day", "Give both the month and the day of birth, or neither.")
        elif month is not None and day > DAYS_IN_MONTH[month]:
            self.add_error("birth_day", f"{calendar.month_name[month]} has only {DAYS_IN_MONTH[month]} days.")
        if cleaned.get("licence_number") and not cleaned.get("licence_state"):
            self.add_error("licence_state", "Choose the state that issued this licence.")
        return cleaned

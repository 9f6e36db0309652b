"""Forms for live sessions: the check-in code, one roster mark, and moving a session."""

from datetime import datetime

from django import forms

from programs.models.sessions import LiveSession


class CheckInForm(forms.Form):
    code = forms.CharField(
        label="Check-in code",
        max_length=20,
        help_text="The six letters and digits on the screen in the room. Upper or lower case both work.",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "inputmode": "text"}
        ),
    )


class AttendanceMarkForm(forms.Form):
    """One participant's mark: each roster button posts its own participant and nothing else."""

    participant = forms.IntegerField(min_value=1)
    present = forms.TypedChoiceField(choices=[("1", "Present"), ("0", "Absent")], coerce=lambda value: value == "1")


class _LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self):
        super().__init__(format="%Y-%m-%dT%H:%M")


class SessionRescheduleForm(forms.Form):
    """Times are read in the session's own zone, as the session page shows them."""

    starts_at = forms.DateTimeField(label="Starts", widget=_LocalDateTimeInput(), input_formats=["%Y-%m-%dT%H:%M"])
    ends_at = forms.DateTimeField(label="Ends", widget=_LocalDateTimeInput(), input_formats=["%Y-%m-%dT%H:%M"])
    location = forms.CharField(label="Room and building", max_length=300, required=False)
    video_url = forms.URLField(label="Video link", max_length=200, required=False, assume_scheme="https")

    def __init__(self, *args, session: LiveSession, **kwargs):
        self.session = session
        zone = session.zone
        initial = {
            "starts_at": session.starts_at.astimezone(zone).replace(tzinfo=None),
            "ends_at": session.ends_at.astimezone(zone).replace(tzinfo=None),
            "location": session.location,
            "video_url": session.video_url,
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["starts_at"].help_text = f"In the session's time zone, {session.time_zone}."
        self.fields["ends_at"].help_text = f"In the session's time zone, {session.time_zone}."

    def _in_session_zone(self, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=self.session.zone)

    def clean_starts_at(self):
        return self._in_session_zone(self.cleaned_data.get("starts_at"))

    def clean_ends_at(self):
        return self._in_session_zone(self.cleaned_data.get("ends_at"))

    def clean(self):
        cleaned = super().clean()
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", "The session must end after it starts.")
        if not cleaned.get("location") and not cleaned.get("video_url") and "video_url" not in self.errors:
            self.add_error("location", "Give a room, a video link, or both.")
        return cleaned

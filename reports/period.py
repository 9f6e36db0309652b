"""The date range every report and export is filtered by: whole days, both ends included,
in the site's time zone."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone


@dataclass(frozen=True)
class Period:
    date_from: date | None = None
    date_to: date | None = None

    @property
    def is_all_time(self) -> bool:
        return self.date_from is None and self.date_to is None

    @property
    def label(self) -> str:
        if self.is_all_time:
            return "all time"
        start = self.date_from.strftime("%-d %b %Y") if self.date_from else "the beginning"
        end = self.date_to.strftime("%-d %b %Y") if self.date_to else "today"
        return f"{start} to {end}"

    def moment_filter(self, field: str) -> dict:
        """Lookups for a datetime field: from midnight of the first day to midnight after the last."""
        lookups = {}
        if self.date_from:
            lookups[f"{field}__gte"] = _midnight(self.date_from)
        if self.date_to:
            lookups[f"{field}__lt"] = _midnight(self.date_to + timedelta(days=1))
        return lookups

    def day_filter(self, field: str) -> dict:
        """Lookups for a date field."""
        lookups = {}
        if self.date_from:
            lookups[f"{field}__gte"] = self.date_from
        if self.date_to:
            lookups[f"{field}__lte"] = self.date_to
        return lookups

    def as_query(self) -> dict:
        """The period as GET parameters, for links that keep it."""
        query = {}
        if self.date_from:
            query["date_from"] = self.date_from.isoformat()
        if self.date_to:
            query["date_to"] = self.date_to.isoformat()
        return query


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))

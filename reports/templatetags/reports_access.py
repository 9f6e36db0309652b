"""`{% if user|can_view_reports %}` for the navigation's Reports link."""

from django import template

from reports.access import can_view_reports as _can_view_reports

register = template.Library()


@register.filter
def can_view_reports(user) -> bool:
    return _can_view_reports(user)

"""Credit amounts with their unit, worded by `certificates.models.credit_text`."""

from django import template

from certificates.models import credit_text

register = template.Library()


@register.filter
def credit_amount(amount, credit_type: str) -> str:
    """{{ certificate.credits|credit_amount:certificate.credit_type }} → "0.5 hours of participation"."""
    if amount is None or amount == "":
        return "—"
    return credit_text(amount, credit_type)

"""The course pages' credit wording, from courses.credit_wording."""

from django import template

from courses.credit_wording import credit_amount

register = template.Library()


@register.filter
def ama_credits(amount) -> str:
    """1.5 → "1.5 AMA PRA Category 1 Credits™"; nothing → an em dash."""
    if amount is None or amount == "":
        return "—"
    return credit_amount(amount)

"""Numbers as the report pages print them."""

from django import template

register = template.Library()


@register.filter
def percent(value) -> str:
    """0.4567 → "46 %"; nothing to divide by → an em dash."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.0f} %"


@register.filter
def decimal2(value) -> str:
    """A statistic to two decimals (−0.12), or an em dash when it cannot be computed."""
    if value is None or value == "":
        return "—"
    return f"{float(value):.2f}".replace("-", "−")


@register.filter
def credits(value) -> str:
    return f"{value:.2f}" if value is not None else "—"

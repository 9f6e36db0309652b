"""`{% load account_pages %}{{ heading|sentence_case }}`: the site writes headings, buttons and
labels in sentence case; django-allauth ships its strings in Title Case ("Sign In",
"Two-Factor Authentication"), so its pages pass their text through this filter."""

import re

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# A capitalised word part such as "In" or "Factor"; acronyms ("TOTP", "QR") and mixed-case
# names ("WebAuthn") do not match and keep their capitals, and so does the pronoun "I".
_CAPITALISED = re.compile(r"(?<![\w&#])([A-Z])([a-z']+)\b")


def _lower_capitalised(match: re.Match) -> str:
    return match.group(1).lower() + match.group(2)


@register.filter(name="sentence_case")
def sentence_case(value) -> str:
    text = " ".join(str(value).split())
    if not text or "<" in text:
        # Markup (a link inside a label) is left alone rather than risk changing a tag.
        return value
    first, rest = text[:1], text[1:]
    # The first word (up to a hyphen: "Two-Factor" becomes "Two-factor") keeps its capital.
    head = re.match(r"[^\s-]*", rest).group(0)
    lowered = first + head + _CAPITALISED.sub(_lower_capitalised, rest[len(head) :])
    # Already-safe text with no markup, only letters changed case: it stays safe.
    return mark_safe(lowered) if isinstance(value, SafeString) else lowered  # noqa: S308


@register.filter(name="without_placeholder")
def without_placeholder(bound_field) -> str:
    """The control without allauth's placeholder, which only repeats the label (in Title Case)
    and looks like a value already typed. Django leaves out an attribute set to False."""
    return bound_field.as_widget(attrs={"placeholder": False})

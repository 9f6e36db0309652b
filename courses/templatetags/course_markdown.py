"""`{% load course_markdown %}{{ module.body|markdown }}` renders author Markdown, sanitized."""

from django import template

from courses.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown(value) -> str:
    return render_markdown("" if value is None else str(value))

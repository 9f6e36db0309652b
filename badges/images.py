"""The picture of a course's achievement: an SVG badge in the course's certificate colour,
with its title, so a wallet or a badge backpack shows something a person recognises."""

import textwrap

from django.template.loader import render_to_string

from courses.models import Course

TITLE_LINE_CHARACTERS = 18
TITLE_MAX_LINES = 4


def _is_light(hex_colour: str) -> bool:
    # WCAG relative luminance: above about 0.18, dark text reads better than white.
    def channel(pair: str) -> float:
        value = int(pair, 16) / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(hex_colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue > 0.18


def title_lines(title: str) -> list[str]:
    lines = textwrap.wrap(title, TITLE_LINE_CHARACTERS) or [""]
    if len(lines) > TITLE_MAX_LINES:
        lines = lines[:TITLE_MAX_LINES]
        lines[-1] = lines[-1][: TITLE_LINE_CHARACTERS - 1].rstrip() + "…"
    return lines


def achievement_svg(course: Course, *, accent_colour: str) -> str:
    lines = title_lines(course.title)
    first_line_y = 250 - (len(lines) - 1) * 17
    return render_to_string(
        "badges/achievement.svg",
        {
            "course": course,
            "accent": accent_colour,
            "ink": "#1d2433" if _is_light(accent_colour) else "#ffffff",
            "lines": [(first_line_y + number * 34, line) for number, line in enumerate(lines)],
        },
    )

"""The questions both importers produce, GIFT files (gift.py) and YAML course files
(course_yaml_checks.py), and that gift_import.quiz_questions_append writes into a quiz."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from courses.models import Question

TITLE_MAX_LENGTH = Question._meta.get_field("title").max_length  # as long as Moodle's question names


@dataclass(frozen=True)
class ParsedOption:
    text: str
    weight_percent: Decimal
    feedback: str


@dataclass(frozen=True)
class ParsedQuestion:
    line: int
    title: str
    category: str
    type: str
    stem: str
    explanation: str
    options: tuple[ParsedOption, ...]

"""Write parsed questions into a quiz: a GIFT file into a course's post-test bank, and
(through `quiz_questions_append`) the questions of a YAML course file."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Max

from courses.importers.gift import GiftError, read_gift
from courses.importers.parsed_questions import ParsedQuestion
from courses.models import Course, Option, Question, Quiz, QuizKind

# Option.weight_percent keeps two decimals; GIFT allows weights such as %33.33333%. Grading
# counts weights as shares of the positive ones (courses.grading), so 3 × 33.33 is still the
# whole point and one of them exactly a third.
WEIGHT_STEP = Decimal("0.01")


def quiz_questions_append(*, quiz: Quiz, questions: Sequence[ParsedQuestion]) -> list[Question]:
    """Add questions after the quiz's last one, in the given order, with their options."""
    last_order = quiz.questions.aggregate(last=Max("order"))["last"] or 0
    created = []
    for offset, parsed in enumerate(questions, start=1):
        question = Question.objects.create(
            quiz=quiz,
            order=last_order + offset,
            type=parsed.type,
            title=parsed.title,
            stem=parsed.stem,
            explanation=parsed.explanation,
        )
        # Rounded here rather than by the database, so the returned rows equal the stored ones.
        Option.objects.bulk_create(
            [
                Option(
                    question=question,
                    order=order,
                    text=option.text,
                    feedback=option.feedback,
                    weight_percent=option.weight_percent.quantize(WEIGHT_STEP),
                )
                for order, option in enumerate(parsed.options, start=1)
            ]
        )
        created.append(question)
    return created


@dataclass(frozen=True)
class GiftImported:
    questions: list[Question]
    # What the file had that Docere left out, each with its line (see courses.importers.gift).
    warnings: tuple[GiftError, ...]


def gift_import(*, course: Course, text: str) -> GiftImported:
    """Append every question of a GIFT file to the course's post-test bank, or none of them.

    A file with any error raises GiftImportError (every error, with its line) before anything
    is written; warnings alone do not stop the import. Adding to a bank is allowed even after
    learners submitted attempts: each attempt froze its draw when it started, so no past
    result changes.
    """
    parsed = read_gift(text)
    with transaction.atomic():
        # The lock keeps two imports into the same bank from numbering questions alike.
        post_test, _ = Quiz.objects.select_for_update().get_or_create(course=course, kind=QuizKind.POST_TEST)
        questions = quiz_questions_append(quiz=post_test, questions=parsed.questions)
    return GiftImported(questions=questions, warnings=parsed.warnings)

"""Scoring rules, kept pure so every path (post-test, knowledge check, reports) agrees."""

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from courses.models import GradingMethod, QuestionType

ONE = Decimal("1")
ZERO = Decimal("0")


def question_points(*, question_type: str, weights_by_option: dict[int, Decimal], selected: Iterable[int]) -> Decimal:
    """The share (0–1) of one question's point earned by a set of selected options.

    Single answer and true/false: all or nothing, and only with exactly the correct option.
    Multiple answers: the selected options' weights add up (wrong ones may subtract),
    clamped to 0–1, as Moodle grades weighted multiple-answer questions. The weights count
    as shares of the question's positive weights, not of exactly 100: thirds are stored as
    33.33 (Moodle files say 33.33333), and all three must still be the whole point, read as
    "correct" — where Moodle relies on a tolerance (a fraction above 0.9999999 is right),
    this is exact. A publishable question's positive weights sum to 100 within 0.05, so
    nothing else moves by more than that rounding.
    """
    chosen = set(selected)
    if question_type in (QuestionType.SINGLE, QuestionType.TRUE_FALSE):
        if len(chosen) != 1:
            return ZERO
        (option_id,) = chosen
        return ONE if weights_by_option.get(option_id, ZERO) > 0 else ZERO
    full = sum((weight for weight in weights_by_option.values() if weight > 0), ZERO)
    if full <= 0:
        return ZERO  # a draft question with no right option yet
    # .get: an option removed from a draft bank after the draw simply earns nothing.
    total = sum((weights_by_option.get(option_id, ZERO) for option_id in chosen), ZERO) / full
    return min(ONE, max(ZERO, total)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def score_percent(points: list[Decimal], question_count: int) -> Decimal:
    if question_count == 0:
        return ZERO
    return (sum(points, ZERO) * 100 / question_count).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def overall_grade(*, method: str, scores_in_order: list[Decimal]) -> Decimal | None:
    """The post-test grade across submitted attempts, by the quiz's grading method."""
    if not scores_in_order:
        return None
    if method == GradingMethod.LAST:
        return scores_in_order[-1]
    if method == GradingMethod.FIRST:
        return scores_in_order[0]
    if method == GradingMethod.AVERAGE:
        return (sum(scores_in_order, ZERO) / len(scores_in_order)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return max(scores_in_order)

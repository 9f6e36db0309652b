"""The credit step, the one rule for how credit is counted: in quarters.

AMA PRA Category 1 Credit™ is designated per quarter hour (the AMA's own increment), so a
course's maximum and every learner's claim are multiples of 0.25. The model validators, the
course publication check, the YAML importer and the credit claim all ask this module.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError

CREDIT_STEP = Decimal("0.25")
# How the rule is said to people, with examples that are on the step.
CREDIT_STEP_RULE = "in steps of 0.25 (for example 1.25 or 1.75)"


def is_on_credit_step(amount: Decimal) -> bool:
    """1.75 → True, 1.3 → False. Decimal arithmetic, so no float rounding hides 1.2500001."""
    if not amount.is_finite():
        return False
    steps = amount / CREDIT_STEP
    return steps == steps.to_integral_value()


def validate_credit_step(value: Decimal | None) -> None:
    """Model-field validator for any amount of credit (a course's maximum, a learner's claim)."""
    if value is not None and not is_on_credit_step(value):
        raise ValidationError(f"Credits are counted {CREDIT_STEP_RULE}.", code="credit_step")


def credits_for_duration(minutes: int) -> Decimal:
    """The most credit an activity of this length may be designated for: its hours rounded
    down to the step (90 minutes → 1.5, 100 minutes → 1.5, 10 minutes → 0)."""
    hours = Decimal(max(minutes, 0)) / Decimal(60)
    return (hours / CREDIT_STEP).to_integral_value(rounding="ROUND_FLOOR") * CREDIT_STEP

"""Credit comes in quarter steps: one rule, asked by the course, the YAML import and the claim."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from certificates.models import CreditClaim
from courses.credits import CREDIT_STEP, is_on_credit_step
from courses.models import Course


@pytest.mark.parametrize("amount", ["0.25", "1", "1.50", "1.75", "100.00"])
def test_quarter_amounts_are_on_the_step(amount):
    assert is_on_credit_step(Decimal(amount))


@pytest.mark.parametrize("amount", ["0.1", "1.3", "0.60", "1.2500001", "NaN", "Infinity"])
def test_amounts_between_quarters_are_off_the_step(amount):
    assert not is_on_credit_step(Decimal(amount))


@pytest.mark.parametrize(
    "field",
    [Course._meta.get_field("credits_max"), CreditClaim._meta.get_field("credits_claimed")],
    ids=["course maximum", "learner claim"],
)
def test_a_course_maximum_and_a_claim_refuse_the_same_amount_with_the_same_words(field):
    field.run_validators(Decimal("1.75"))
    with pytest.raises(ValidationError) as refused:
        field.run_validators(Decimal("1.3"))
    assert refused.value.error_list[0].code == "credit_step"
    assert f"in steps of {CREDIT_STEP} (for example 1.25 or 1.75)" in refused.value.messages[0]

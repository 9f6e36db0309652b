"""How an amount of credit is written, everywhere it is shown: pages, emails, PDFs, exports.

AMA PRA Category 1 Credit™ keeps the AMA's exact designation (the ™ after "Credit" or
"Credits"); a certificate of participation states hours. Singular only for exactly 1:
"1 AMA PRA Category 1 Credit™", "1.5 AMA PRA Category 1 Credits™", "0.5 hours of participation".
"""

from decimal import Decimal

AMA_PRA_CATEGORY_1_CREDIT = "AMA PRA Category 1 Credit™"


def credit_number(amount: Decimal | float | int | str) -> str:
    """1.50 → "1.5", 2.00 → "2", 0.25 → "0.25": credits come in quarter steps, so no rounding is needed."""
    value = Decimal(str(amount)).normalize()
    return f"{value:f}"


def credit_amount(amount: Decimal | float | int | str, *, participation: bool = False) -> str:
    number = credit_number(amount)
    is_one = Decimal(str(amount)) == 1
    if participation:
        return f"{number} hour{'' if is_one else 's'} of participation"
    return f"{number} AMA PRA Category 1 Credit{'' if is_one else 's'}™"

from django.core.exceptions import ValidationError

# CMS's NPI check digit is the Luhn digit of the 9-digit base prefixed with 80840
# (the ISO 7812 issuer prefix for US health applications).
_NPI_ISSUER_PREFIX = "80840"


def npi_has_valid_check_digit(npi: str) -> bool:
    if len(npi) != 10 or not npi.isdigit():
        return False
    digits = [int(d) for d in _NPI_ISSUER_PREFIX + npi]
    total = 0
    # Luhn: double every second digit counting from the right, check digit excluded.
    for position, digit in enumerate(reversed(digits)):
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def validate_npi(value: str) -> None:
    if not value.isdigit() or len(value) != 10:
        raise ValidationError("An NPI is exactly 10 digits.", code="npi_format")
    if not npi_has_valid_check_digit(value):
        raise ValidationError(
            "This NPI fails its check digit: please compare it with your NPPES record.",
            code="npi_check_digit",
        )

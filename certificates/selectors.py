"""Reads for certificates, the transcript and public verification."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from certificates.models import Certificate, CertificateStatus, CreditClaim, normalize_code


def certificates_for(*, user) -> QuerySet[Certificate]:
    return Certificate.objects.filter(user=user).select_related("course").order_by("-created_at")


def certificate_for_owner(*, user, code: str) -> Certificate:
    """The learner's own certificate; anyone else's raises DoesNotExist (a 404 for the view)."""
    return Certificate.objects.get(user=user, code=normalize_code(code))


def certificate_for_verification(*, code: str) -> Certificate:
    return Certificate.objects.get(code=normalize_code(code))


@dataclass
class Transcript:
    claims: list[CreditClaim]
    totals_by_year: dict[int, dict[str, Decimal]] = field(default_factory=dict)
    totals_by_type: dict[str, Decimal] = field(default_factory=dict)

    @property
    def years(self) -> list[tuple[int, dict[str, Decimal]]]:
        return sorted(self.totals_by_year.items(), reverse=True)


def transcript_for(*, user) -> Transcript:
    """Every claimed activity, with totals per year and per credit type (revoked ones left out)."""
    claims = list(
        CreditClaim.objects.filter(enrollment__user=user)
        .exclude(certificate__status=CertificateStatus.REVOKED)
        .select_related("enrollment__course", "certificate")
        .order_by("-claimed_at")
    )
    by_year: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    by_type: dict[str, Decimal] = defaultdict(Decimal)
    for claim in claims:
        label = claim.get_credit_type_display()
        by_year[claim.claimed_at.year][label] += claim.credits_claimed
        by_type[label] += claim.credits_claimed
    return Transcript(
        claims=claims,
        totals_by_year={year: dict(types) for year, types in by_year.items()},
        totals_by_type=dict(by_type),
    )

"""Reads for certificates, the transcript and public verification."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from certificates.models import (
    Certificate,
    CertificateStatus,
    CreditClaim,
    CreditType,
    TranscriptPdf,
    normalize_code,
)


def certificates_for(*, user) -> QuerySet[Certificate]:
    return Certificate.objects.filter(user=user).select_related("course").order_by("-created_at")


def certificate_for_owner(*, user, code: str) -> Certificate:
    """The learner's own certificate; anyone else's raises DoesNotExist (a 404 for the view)."""
    return Certificate.objects.get(user=user, code=normalize_code(code))


def certificate_for_verification(*, code: str) -> Certificate:
    return Certificate.objects.get(code=normalize_code(code))


@dataclass(frozen=True)
class CreditTotal:
    credit_type: str
    total: Decimal

    @property
    def label(self) -> str:
        return CreditType(self.credit_type).label


@dataclass
class Transcript:
    claims: list[CreditClaim]
    totals_by_year: dict[int, list[CreditTotal]] = field(default_factory=dict)
    totals_by_type: list[CreditTotal] = field(default_factory=list)

    @property
    def years(self) -> list[tuple[int, list[CreditTotal]]]:
        return sorted(self.totals_by_year.items(), reverse=True)


def _totals(amounts: dict[str, Decimal]) -> list[CreditTotal]:
    # Physician credit first, then participation: the order of CreditType.
    return [
        CreditTotal(credit_type, amounts[credit_type]) for credit_type in CreditType.values if credit_type in amounts
    ]


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
        by_year[claim.claimed_at.year][claim.credit_type] += claim.credits_claimed
        by_type[claim.credit_type] += claim.credits_claimed
    return Transcript(
        claims=claims,
        totals_by_year={year: _totals(amounts) for year, amounts in by_year.items()},
        totals_by_type=_totals(by_type),
    )


def transcript_pdf_for(*, user) -> TranscriptPdf | None:
    """The learner's own transcript PDF, if ever asked for; nobody else's is reachable."""
    return TranscriptPdf.objects.filter(user=user).first()

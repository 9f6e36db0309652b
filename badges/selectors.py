"""Reads for Open Badges: which certificates have credentials, and which are revoked."""

from certificates.models import Certificate, CertificateStatus, normalize_code


def ready_certificate_for_owner(*, user, code: str) -> Certificate:
    """The learner's own ready certificate; anything else raises DoesNotExist (a 404)."""
    return Certificate.objects.select_related("course", "user").get(
        user=user, code=normalize_code(code), status=CertificateStatus.READY)


def issued_certificate(*, code: str) -> Certificate:
    """A certificate that was ever issued (ready or since revoked)."""
    return Certificate.objects.select_related("course", "user").get(
        code=normalize_code(code), status__in=[CertificateStatus.READY, CertificateStatus.REVOKED])


def revoked_ids_between(*, first_id: int, last_id: int) -> list[int]:
    return list(Certificate.objects.filter(status=CertificateStatus.REVOKED, pk__gte=first_id, pk__lte=last_id)
                .values_list("pk", flat=True))

"""Reads for Open Badges: which certificates have credentials, and which are revoked."""

from django.db.models import Q

from badges.models import StatusListEntry
from certificates.models import Certificate, CertificateKind, CertificateLook, CertificateStatus, normalize_code
from courses.models import Course


def _certificates_with_credentials():
    # A credential's achievement is a course and the credit earned in it. A program
    # certificate of completion has neither, so it has no Open Badges credential.
    return Certificate.objects.filter(kind=CertificateKind.CME_CREDIT).select_related("course", "user")


def ready_certificate_for_owner(*, user, code: str) -> Certificate:
    """The learner's own ready credit certificate; anything else raises DoesNotExist (a 404)."""
    return _certificates_with_credentials().get(user=user, code=normalize_code(code), status=CertificateStatus.READY)


def issued_certificate(*, code: str) -> Certificate:
    """A credit certificate that was ever issued (ready or since revoked)."""
    return _certificates_with_credentials().get(
        code=normalize_code(code), status__in=[CertificateStatus.READY, CertificateStatus.REVOKED]
    )


def revoked_indexes_in(*, list_number: int) -> list[int]:
    """The positions set in a status list: revoked certificates, and certificates since
    deleted (their credentials no longer stand, and their positions are never reused)."""
    return list(
        StatusListEntry.objects.filter(list_number=list_number)
        .filter(Q(certificate__isnull=True) | Q(certificate__status=CertificateStatus.REVOKED))
        .values_list("index", flat=True)
    )


def course_with_credentials(*, course_id: int) -> Course:
    """A course some issued certificate is for; anything else raises DoesNotExist (a 404)."""
    return (
        Course.objects.filter(
            pk=course_id, certificates__status__in=[CertificateStatus.READY, CertificateStatus.REVOKED]
        )
        .distinct()
        .get()
    )


def accent_colour_of(course: Course) -> str:
    look = CertificateLook.objects.filter(course=course).only("accent_colour").first()
    return look.accent_colour if look else CertificateLook._meta.get_field("accent_colour").default

"""Open Badges endpoints: the learner's download, the public credential linked from the
verify page, the issuer profile, the signing keys and the revocation status lists."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from badges import credentials, keys, selectors
from certificates.models import Certificate, CertificateStatus
from lms import ratelimit

JWT_CONTENT_TYPE = "application/jwt"
PUBLIC_LIMIT_PER_MINUTE = 30


def _jwt_response(token: str, *, filename: str | None = None, max_age: int = 0) -> HttpResponse:
    response = HttpResponse(token, content_type=JWT_CONTENT_TYPE)
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = f"public, max-age={max_age}" if max_age else "no-store"
    return response


@login_required
@require_GET
def credential_download(request: HttpRequest, code: str) -> HttpResponse:
    """The learner's Open Badges credential for one of their ready certificates."""
    try:
        certificate = selectors.ready_certificate_for_owner(user=request.user, code=code)
    except Certificate.DoesNotExist as error:
        raise Http404("No ready certificate of yours has this code.") from error
    return _jwt_response(credentials.signed_credential(certificate),
                         filename=f"docere-credential-{certificate.code}.jwt")


@require_GET
def credential(request: HttpRequest, code: str) -> HttpResponse:
    """The credential's own id URL, linked from the public verification page."""
    if not ratelimit.allow(request, scope="credential", limit=PUBLIC_LIMIT_PER_MINUTE, per_seconds=60):
        return JsonResponse({"message": "Too many requests; try again in a minute."}, status=429)
    try:
        certificate = selectors.issued_certificate(code=code)
    except Certificate.DoesNotExist as error:
        raise Http404("No issued certificate has this code.") from error
    if certificate.status == CertificateStatus.REVOKED:
        return JsonResponse({"message": "This certificate was revoked; its credential is no longer issued."},
                            status=410)
    return _jwt_response(credentials.signed_credential(certificate))


@require_GET
def issuer(request: HttpRequest) -> JsonResponse:
    profile = {"@context": [credentials.VC_CONTEXT, credentials.OB_CONTEXT], **credentials.issuer_profile()}
    return JsonResponse(profile, content_type="application/ld+json")


@require_GET
def key(request: HttpRequest, thumbprint: str) -> JsonResponse:
    """The public JWK a credential's `kid` names. Retired keys stay here for old credentials."""
    found = keys.key_for(thumbprint)
    if found is None:
        raise Http404("No Docere signing key has this thumbprint.")
    return JsonResponse(found.public_jwk())


@require_GET
def key_set(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"keys": [published.public_jwk() for published in keys.published_keys()]})


@require_GET
def status_list(request: HttpRequest, list_number: int) -> HttpResponse:
    """A Bitstring Status List computed from the certificate rows it covers, so a revocation
    shows as soon as it is committed."""
    first_id = list_number * credentials.STATUS_LIST_BITS
    revoked = selectors.revoked_ids_between(first_id=first_id, last_id=first_id + credentials.STATUS_LIST_BITS - 1)
    token = credentials.signed_status_list(list_number, [pk - first_id for pk in revoked])
    # Verifiers may cache it briefly; a revocation reaches them within five minutes.
    return _jwt_response(token, max_age=300)

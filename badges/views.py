"""Open Badges endpoints: the learner's download, the public credential linked from the
verify page, the issuer profile, the signing keys and the revocation status lists."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from badges import credentials, images, keys, selectors, services
from certificates.models import Certificate, CertificateStatus
from courses.models import Course
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
    return _jwt_response(
        services.credential_sign(certificate=certificate), filename=f"docere-credential-{certificate.code}.jwt"
    )


def _wants_page(request: HttpRequest) -> bool:
    # Browsers put text/html first; software asking for */*, application/jwt or nothing at all
    # keeps receiving the JWT at the credential's id, as it always has.
    return request.get_preferred_type([JWT_CONTENT_TYPE, "text/html"]) == "text/html"


@require_GET
def credential(request: HttpRequest, code: str) -> HttpResponse:
    """The credential's own id URL, linked from the public verification page: a page of its
    facts for people who follow the link, the VC-JWT for software."""
    if _wants_page(request):
        response = _credential_page(request, code)
    else:
        response = _signed_credential_response(request, code, as_download=False)
    patch_vary_headers(response, ["Accept"])
    return response


def _credential_page(request: HttpRequest, code: str) -> HttpResponse:
    if not ratelimit.allow(request, scope="credential", limit=PUBLIC_LIMIT_PER_MINUTE, per_seconds=60):
        return ratelimit.refusal(request, per_seconds=60)
    try:
        certificate = selectors.issued_certificate(code=code)
    except Certificate.DoesNotExist as error:
        raise Http404("No issued certificate has this code.") from error
    return render(
        request,
        "badges/credential.html",
        {
            "certificate": certificate,
            "issuer_name": settings.OPEN_BADGES_ISSUER_NAME,
            "is_revoked": certificate.status == CertificateStatus.REVOKED,
        },
    )


@require_GET
def credential_jwt(request: HttpRequest, code: str) -> HttpResponse:
    """The signed credential itself, whatever the client asks for: the page's download link."""
    return _signed_credential_response(request, code, as_download=True)


def _signed_credential_response(request: HttpRequest, code: str, *, as_download: bool) -> HttpResponse:
    if not ratelimit.allow(request, scope="credential", limit=PUBLIC_LIMIT_PER_MINUTE, per_seconds=60):
        return ratelimit.refusal(request, per_seconds=60, as_json=True)
    try:
        certificate = selectors.issued_certificate(code=code)
    except Certificate.DoesNotExist as error:
        raise Http404("No issued certificate has this code.") from error
    if certificate.status == CertificateStatus.REVOKED:
        return JsonResponse(
            {"message": "This certificate was revoked; its credential is no longer issued."}, status=410
        )
    filename = f"docere-credential-{certificate.code}.jwt" if as_download else None
    return _jwt_response(services.credential_sign(certificate=certificate), filename=filename)


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
    token = credentials.signed_status_list(list_number, selectors.revoked_indexes_in(list_number=list_number))
    return _jwt_response(token, max_age=credentials.STATUS_LIST_TTL_SECONDS)


@require_GET
def achievement_image(request: HttpRequest, course_id: int) -> HttpResponse:
    """The image every credential for this course names as its achievement's `image`."""
    try:
        course = selectors.course_with_credentials(course_id=course_id)
    except Course.DoesNotExist as error:
        raise Http404("No credential has been issued for this course.") from error
    svg = images.achievement_svg(course, accent_colour=selectors.accent_colour_of(course))
    response = HttpResponse(svg, content_type="image/svg+xml")
    # Shown inside wallets and other sites' pages: nothing in it may run or load anything.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response["Cache-Control"] = "public, max-age=3600"
    return response

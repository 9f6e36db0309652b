"""Learner-facing certificate pages and the public verification page."""

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.selectors import profile_for, profile_is_complete_for_credit
from certificates import selectors, services, transcript_export, transcript_services
from certificates.forms import ClaimForm, VerifyCodeForm, VerifyUploadForm
from certificates.models import Certificate, CertificateStatus, TranscriptPdfStatus
from courses.models import Course, Enrollment
from lms import ratelimit
from lms.files import private_file_open

VERIFY_LIMIT_PER_MINUTE = 30
VERIFY_UPLOAD_MAX_BYTES = 2 * 1024 * 1024


@login_required
@require_http_methods(["GET", "POST"])
def claim(request: HttpRequest, slug: str) -> HttpResponse:
    # A live session's activity (unlisted) is claimed on its session's credit page, which
    # checks the attendance first.
    course = get_object_or_404(Course, slug=slug, is_listed=True)
    enrollment = get_object_or_404(Enrollment, course=course, user=request.user)
    existing = Certificate.objects.filter(enrollment=enrollment).first()
    if existing:
        messages.info(request, "You have already claimed credit for this course.")
        return redirect("certificates:list")
    profile = profile_for(request.user)
    is_physician = bool(profile and profile.is_physician)
    form = ClaimForm(request.POST or None, credits_max=course.credits_max, participation=not is_physician)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.credit_claim_create(
                enrollment=enrollment,
                user=request.user,
                credits=form.cleaned_data["credits"],
                attested=form.cleaned_data["attest"],
            )
        except services.ClaimError as error:
            form.add_error(None, error.message)
            status = error.status_code
        else:
            messages.success(request, "Credit claimed. Your certificate is queued and will be ready in a moment.")
            return redirect("certificates:list")
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "certificates/claim.html",
        {
            "course": course,
            "enrollment": enrollment,
            "form": form,
            "readiness": profile_is_complete_for_credit(request.user),
            "is_physician": is_physician,
        },
        status=status,
    )


@login_required
def certificate_list(request: HttpRequest) -> HttpResponse:
    return render(request, "certificates/list.html", {"certificates": selectors.certificates_for(user=request.user)})


@login_required
def certificate_status(request: HttpRequest, code: str) -> HttpResponse:
    """The status cell, polled by htmx while the certificate is pending or rendering."""
    try:
        certificate = selectors.certificate_for_owner(user=request.user, code=code)
    except Certificate.DoesNotExist as error:
        raise Http404("No such certificate.") from error
    context = {"certificate": certificate, "credential_cell": request.GET.get("credential_cell") == "1", "polled": True}
    return render(request, "certificates/partials/status.html", context)


@login_required
def certificate_download(request: HttpRequest, code: str) -> FileResponse:
    try:
        certificate = selectors.certificate_for_owner(user=request.user, code=code)
    except Certificate.DoesNotExist as error:
        raise Http404("No such certificate.") from error
    # A certificate being regenerated keeps its previous file until the new one replaces it.
    if not certificate.pdf_path or certificate.status == CertificateStatus.REVOKED:
        raise Http404("This certificate is not ready.")
    # Streamed through this view, from whichever store holds it: the ownership check above
    # guards every byte, and the store needs no address a browser could reach.
    try:
        handle = private_file_open(certificate.pdf_path)
    except FileNotFoundError as error:
        raise Http404("This certificate's file is missing.") from error
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"docere-certificate-{certificate.code}.pdf",
        content_type="application/pdf",
    )


@login_required
def transcript(request: HttpRequest) -> HttpResponse:
    data = selectors.transcript_for(user=request.user)
    if request.GET.get("format", "") == "csv":
        response = HttpResponse(transcript_export.transcript_csv(data), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="docere-transcript.csv"'
        return response
    return render(
        request,
        "certificates/transcript.html",
        {
            "transcript": data,
            "transcript_pdf": selectors.transcript_pdf_for(user=request.user),
        },
    )


@login_required
@require_POST
def transcript_pdf_request(request: HttpRequest) -> HttpResponse:
    """The PDF is rendered by the worker; the transcript page shows it being prepared, then a link."""
    transcript_services.transcript_pdf_request(user=request.user)
    messages.info(request, "Your transcript PDF is being prepared. This page updates by itself.")
    return redirect("certificates:transcript")


@login_required
def transcript_pdf_status(request: HttpRequest) -> HttpResponse:
    """The PDF's status block, polled by htmx while it is being prepared."""
    return render(
        request,
        "certificates/partials/transcript_pdf.html",
        {"transcript_pdf": selectors.transcript_pdf_for(user=request.user)},
    )


@login_required
def transcript_pdf_download(request: HttpRequest) -> FileResponse:
    # Only the signed-in learner's own row is ever looked up: no URL names anyone else's file.
    transcript_pdf = selectors.transcript_pdf_for(user=request.user)
    if transcript_pdf is None or transcript_pdf.status != TranscriptPdfStatus.READY:
        raise Http404("Your transcript PDF is not ready.")
    return FileResponse(
        default_storage.open(transcript_pdf.file_name, "rb"),
        as_attachment=True,
        filename="docere-transcript.pdf",
        content_type="application/pdf",
    )


@require_GET
def verify_lookup(request: HttpRequest) -> HttpResponse:
    """The form behind "Verify a certificate": a typed code leads to that certificate's page."""
    if "code" not in request.GET:
        return render(request, "certificates/verify_lookup.html", {"form": VerifyCodeForm()})
    # A lookup form must not become a way around the limit on guessing codes.
    if not ratelimit.allow(request, scope="verify", limit=VERIFY_LIMIT_PER_MINUTE, per_seconds=60):
        return ratelimit.refusal(request, per_seconds=60)
    form = VerifyCodeForm(request.GET)
    if form.is_valid():
        return redirect("certificates:verify", form.cleaned_data["code"])
    return render(request, "certificates/verify_lookup.html", {"form": form}, status=400)


def _unknown_code(request: HttpRequest, code: str) -> HttpResponse:
    """A mistyped code gets the lookup form back with the code in it, to correct in place."""
    form = VerifyCodeForm({"code": code})
    if form.is_valid():
        form.add_error(
            "code",
            "No certificate with this code has been issued. "
            "Check each character against the code printed on the certificate.",
        )
    return render(request, "certificates/verify_lookup.html", {"form": form}, status=404)


def _upload_refusal(request: HttpRequest, certificate: Certificate) -> HttpResponse | None:
    """A 413 (or 411) for an upload that would be too big, judged by its declared length alone."""
    try:
        declared_bytes = int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        # No length (a chunked body): Django would read it as empty; say so instead.
        message, status = "The upload did not state its size. Choose the file again and press Compare.", 411
    else:
        if declared_bytes <= VERIFY_UPLOAD_MAX_BYTES:
            return None
        message = (
            f"This file is larger than {VERIFY_UPLOAD_MAX_BYTES // (1024 * 1024)} MB, so it was not read. "
            "A Docere certificate is far smaller: check that you chose the certificate PDF."
        )
        status = 413
    form = VerifyUploadForm.refused(message)
    return render(
        request, "certificates/verify.html", {"certificate": certificate, "form": form, "match": None}, status=status
    )


# The CSRF middleware would read the whole body (request.POST) before this view runs, so the
# view checks CSRF itself, after the answers that need no body: the rate limit, an unknown
# code, a missing or too large declared length. Certificates are tens of kilobytes; the
# documented proxy refuses bodies over this size too.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, code: str) -> HttpResponse:
    if not ratelimit.allow(request, scope="verify", limit=VERIFY_LIMIT_PER_MINUTE, per_seconds=60):
        return ratelimit.refusal(request, per_seconds=60)
    try:
        certificate = selectors.certificate_for_verification(code=code)
    except Certificate.DoesNotExist:
        return _unknown_code(request, code)
    # Once issued, a certificate stays verifiable, also while it is being regenerated.
    if certificate.issued_at is None and certificate.status != CertificateStatus.REVOKED:
        return _unknown_code(request, code)
    if request.method == "POST" and (refusal := _upload_refusal(request, certificate)):
        return refusal
    return _verify_page(request, certificate)


@csrf_protect
def _verify_page(request: HttpRequest, certificate: Certificate) -> HttpResponse:
    form = VerifyUploadForm(request.POST or None, request.FILES or None)
    match = None
    if request.method == "POST" and form.is_valid():
        digest = hashlib.sha256()
        for chunk in form.cleaned_data["pdf"].chunks():
            digest.update(chunk)
        match = digest.hexdigest() == certificate.pdf_sha256
    return render(
        request,
        "certificates/verify.html",
        {"certificate": certificate, "form": form, "match": match},
        status=400 if request.method == "POST" and not form.is_valid() else 200,
    )

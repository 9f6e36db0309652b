"""Project-wide request and response rules that no single app owns."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from lms.nul import has_nul, params_have_nul

NOT_ALLOWED = "The address contains a character that is not allowed (a NUL byte, %00). Check the link and try again."


class DropNulCookiesMiddleware:
    """Forgets cookies whose name or value contains NUL, before the session is looked up by
    its cookie. Docere never sets such a cookie, so only a forged one is dropped, and the
    visitor carries on as if it had not been sent."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for name in [name for name, value in request.COOKIES.items() if has_nul(name) or has_nul(value)]:
            del request.COOKIES[name]
        return self.get_response(request)


class RejectNulAddressesMiddleware:
    """Answers 400, with a page that says why, when the path or the query string contains NUL,
    so that no view has to guard each parameter it reads. Runs last, so the answer carries the
    usual security headers and the visitor's own navigation. The API answers in JSON."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.api_prefix = reverse("api:not_found", kwargs={"rest": ""})

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_nul(request.path) or params_have_nul(request.GET):
            if request.path.startswith(self.api_prefix):
                return JsonResponse({"message": NOT_ALLOWED}, status=400)
            return render(request, "400.html", {"message": NOT_ALLOWED}, status=400)
        return self.get_response(request)


class SignedInResponsesNotStoredMiddleware:
    """Nothing answered to a signed-in person, or to an API token, is kept by a cache.

    Those pages and files carry personal data (profiles, transcripts, certificate PDFs,
    reports with NPIs and birth dates, exports): a shared computer's browser cache, or the
    Back button after signing out, must not show them to the next person. A view that chose
    its own Cache-Control (a public credential, the signing keys) keeps it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Read after the view: a launch or a login signs the person in during the request.
        is_personal = request.user.is_authenticated or "HTTP_AUTHORIZATION" in request.META
        if is_personal and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response

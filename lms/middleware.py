"""Requests carrying text the database cannot hold are answered before any view runs."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse

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

"""Project-wide response rules that no single app owns."""

from django.utils.cache import add_never_cache_headers


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

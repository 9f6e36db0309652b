"""A browser session that began with an LTI launch lives inside the platform's iframe."""

from lti.framing import EMBED_SESSION_KEY, allow_framing_by


def _embedded_origins(request) -> list[str]:
    session = getattr(request, "session", None)
    return session.get(EMBED_SESSION_KEY, []) if session is not None else []


class EmbeddedFramingMiddleware:
    """Innermost: lets the launching platform frame this session's pages. It runs before the
    CSP and X-Frame-Options middleware read the response, so it only sets their hints."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        origins = _embedded_origins(request)
        if origins:
            allow_framing_by(response, origins)
        return response


class EmbeddedSessionCookiesMiddleware:
    """Outermost of the cookie writers: a framed page is a third-party context, where
    browsers send only SameSite=None cookies, and only Secure ones, so on HTTPS this
    session's cookies are rewritten that way after the session and CSRF middleware set them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.is_secure() and _embedded_origins(request):
            for morsel in response.cookies.values():
                morsel["samesite"] = "None"
                morsel["secure"] = True
        return response

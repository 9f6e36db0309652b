"""Which sites may show Docere in a frame. Nobody, by default (CSP frame-ancestors 'none');
after an LTI launch, the launching platform's origins only, for that browser session."""

from django.http import HttpResponse
from lti_tool.models import LtiRegistration

from lti.models import frame_origins_for

EMBED_SESSION_KEY = "docere_lti_frame_origins"


def allow_framing_by(response: HttpResponse, origins: list[str]) -> HttpResponse:
    if origins:
        replace = dict(getattr(response, "_csp_replace", None) or {})
        replace["frame-ancestors"] = list(origins)
        response._csp_replace = replace
        # CSP frame-ancestors now says who may frame; X-Frame-Options cannot name origins.
        response.xframe_options_exempt = True
    return response


def registered_platform_origins() -> list[str]:
    origins: set[str] = set()
    for registration in LtiRegistration.objects.active():
        origins.update(frame_origins_for(registration))
    return sorted(origins)


def allow_form_posts_to(response: HttpResponse, origins: list[str]) -> HttpResponse:
    update = dict(getattr(response, "_csp_update", None) or {})
    update["form-action"] = [*update.get("form-action", []), *origins]
    response._csp_update = update
    return response

"""LTI 1.3 endpoints: Docere's JWKS, OIDC login initiation, the launch, deep linking, and
the cookie fallback. Every refusal is a page that says what happened, never a 500."""

import logging

from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from lti_tool.models import Key, LtiRegistration
from pylti1p3.exception import LtiException, OIDCException

from courses.models import Course, CourseStatus
from lms.nul import params_have_nul
from lti import launches, selectors, services
from lti.framing import (
    EMBED_SESSION_KEY,
    allow_form_posts_to,
    allow_framing_by,
    registered_platform_origins,
)
from lti.models import frame_origins_for, origin_of

logger = logging.getLogger(__name__)
# What a malformed launch message raises inside pylti1p3 and django-lti besides LtiException.
MALFORMED = (LtiException, OIDCException, KeyError, TypeError, ValueError, AttributeError)


def lti_error(request: HttpRequest, message: str, *, status: int = 400) -> HttpResponse:
    response = render(request, "lti/error.html", {"message": message}, status=status)
    return allow_framing_by(response, registered_platform_origins())


def refused(request: HttpRequest, refusal: services.LaunchRefused) -> HttpResponse:
    """The refusal page in Docere's words; the technical reason goes to the log only."""
    if refusal.reason:
        logger.warning("LTI request to %s refused (%s): %s", request.path, refusal.status_code, refusal.reason)
    return lti_error(request, refusal.message, status=refusal.status_code)


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    """Docere's public keys: platforms verify the client assertions and deep-linking
    responses Docere signs. A rotated-out key stays listed until it is deactivated."""
    services.tool_key_ensure()
    return JsonResponse(Key.objects.as_jwks())


@csrf_exempt
@require_http_methods(["GET", "POST"])
def oidc_login(request: HttpRequest, registration_uuid=None) -> HttpResponse:
    params = request.POST if request.method == "POST" else request.GET
    if params_have_nul(params):
        return lti_error(
            request, "The LMS sent a value Docere cannot read (it contains a NUL byte). Try opening Docere again."
        )
    missing = [name for name in ("iss", "login_hint", "target_link_uri") if not params.get(name)]
    if missing:
        return lti_error(request, "The LMS did not send " + ", ".join(missing) + ". Try opening Docere again.")
    try:
        authorize_url, cookies = launches.login_redirect(request, registration_uuid)
    except MALFORMED as error:
        logger.warning("LTI login refused: %s: %s", type(error).__name__, error)
        return lti_error(
            request,
            "Docere does not know this LMS (or this LMS connection is switched off). "
            "Ask a Docere administrator to register it.",
        )
    if params.get("new_window"):
        response = redirect(authorize_url)
    else:
        # Inside the LMS's frame: check that the browser keeps our cookie before going on,
        # and offer a new tab when it does not (static/lti/launch.js).
        new_tab = request.build_absolute_uri("?") + "?" + _with_new_window(params)
        response = render(request, "lti/login.html", {"authorize_url": authorize_url, "new_tab_url": new_tab})
        registration = _registration_for(params, registration_uuid)
        allow_framing_by(response, frame_origins_for(registration) if registration else [])
    cookies.update_response(response)
    return response


def _with_new_window(params) -> str:
    query = params.copy()
    query["new_window"] = "1"
    return query.urlencode()


def _registration_for(params, registration_uuid) -> LtiRegistration | None:
    registrations = LtiRegistration.objects.active().filter(issuer=params.get("iss"))
    if registration_uuid:
        registrations = registrations.filter(uuid=registration_uuid)
    elif params.get("client_id"):
        registrations = registrations.filter(client_id=params.get("client_id"))
    return registrations.first()


@csrf_exempt
@require_POST
def launch(request: HttpRequest) -> HttpResponse:
    try:
        lti_launch = launches.validated_launch(request)
        if lti_launch.is_deep_link_launch:
            return _deep_link_picker(request, lti_launch)
        if not lti_launch.is_resource_launch:
            return lti_error(
                request,
                "Docere opens courses and lets instructors add them; this kind of LMS request is not supported.",
            )
        registration = lti_launch.registration
        recorded = services.resource_launch_record(
            registration=registration, resource_link=lti_launch.resource_link, claims=lti_launch.get_launch_data()
        )
    except services.LaunchRefused as refusal:
        return refused(request, refusal)
    except MALFORMED as error:
        logger.warning("LTI launch refused: %s: %s", type(error).__name__, error)
        return lti_error(
            request,
            "Docere could not accept this launch from the LMS. Open Docere again from your "
            "course; if it keeps happening, tell your course's instructor.",
        )
    login(request, recorded.user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[EMBED_SESSION_KEY] = frame_origins_for(registration)
    token = services.launch_handoff_create(user=recorded.user, course=recorded.course, registration=registration)
    return redirect("lti:arrived", token=token)


@never_cache
@require_GET
def arrived(request: HttpRequest, token: str) -> HttpResponse:
    """First page after a launch, good once. If the session cookie came back, go to the
    course; if the browser blocked it inside the frame, offer to continue in a new tab."""
    try:
        arrival = services.launch_arrival(token=token, user=request.user)
    except services.LaunchRefused as refusal:
        return refused(request, refusal)
    if not arrival.resume_secret:
        return redirect("courses:detail", arrival.course.slug)
    # The secret goes in a form field, never a URL: it stays out of history, logs and
    # Referer, so only this framed page — in the browser that launched — can open the tab.
    response = render(request, "lti/new_tab.html", {"resume_secret": arrival.resume_secret})
    return allow_framing_by(response, registered_platform_origins())


@never_cache
@csrf_exempt  # the framed page's CSRF cookie is as blocked as its session cookie; the one-use secret stands in
@require_http_methods(["GET", "POST"])
def resume(request: HttpRequest, token: str = "") -> HttpResponse:
    """The new tab opened by the framed page's form: redeems the posted secret, once, and
    signs its learner in. An address alone (a GET, or an old arrival token) signs nobody in."""
    if request.method == "GET":
        handoff = selectors.handoff_for_arrival_token(token=token) if token else None
        where = f"go back to your course in {services.platform_name(handoff)} and open Docere again."
        message = (
            f"This link was already used or was opened in another browser; {where}"
            if handoff
            else f"This link cannot sign you in; {where}"
        )
        return lti_error(request, message, status=403)
    if request.headers.get("Origin", _own_origin(request)) != _own_origin(request):
        # Another site posting a secret it holds would sign this visitor in as someone else.
        return lti_error(
            request,
            "Docere refused a sign-in sent from another site. Go back to your course in your "
            "LMS and open Docere again.",
            status=403,
        )
    try:
        handoff = services.launch_resume(secret=request.POST.get("secret", ""))
    except services.LaunchRefused as refusal:
        return refused(request, refusal)
    login(request, handoff.user, backend="django.contrib.auth.backends.ModelBackend")
    return redirect("courses:detail", handoff.course.slug)


def _own_origin(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _deep_link_picker(request: HttpRequest, lti_launch) -> HttpResponse:
    settings_claim = lti_launch.get_claim("https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings")
    courses = Course.objects.open_for_learners().order_by("title")
    launches.deep_link_launch_remember(request, lti_launch.get_launch_id())
    # The picker lives in the LMS's frame: this session's pages may be framed by it, and on
    # HTTPS its session and CSRF cookies go out SameSite=None so the choice posts back with
    # them (lti/middleware.py). A browser that blocks them anyway was sent to a new tab at login.
    request.session[EMBED_SESSION_KEY] = frame_origins_for(lti_launch.registration)
    response = render(
        request,
        "lti/deep_link_pick.html",
        {
            "courses": courses,
            "launch_id": lti_launch.get_launch_id(),
            "accept_multiple": str(settings_claim.get("accept_multiple", "")).lower() == "true",
        },
    )
    return allow_framing_by(response, frame_origins_for(lti_launch.registration))


@require_POST
def deep_link(request: HttpRequest) -> HttpResponse:
    """The instructor's choice, posted with a CSRF token from the session that received the
    deep-linking launch; answered once with the signed LtiDeepLinkingResponse."""
    launch_id = request.POST.get("launch_id", "")
    try:
        lti_launch = launches.stored_deep_link_launch(request, launch_id)
        chosen = list(
            Course.objects.filter(
                status=CourseStatus.PUBLISHED,
                is_listed=True,
                pk__in=[int(value) for value in request.POST.getlist("course") if value.isdigit()],
            ).order_by("title")
        )
        if not chosen:
            raise services.LaunchRefused("Choose at least one course to add.", status_code=400)
        return_url, token = launches.deep_link_response(request, lti_launch, chosen)
        launches.deep_link_launch_forget(request, launch_id)
    except services.LaunchRefused as refusal:
        return refused(request, refusal)
    except MALFORMED as error:
        logger.warning("Deep linking refused: %s: %s", type(error).__name__, error)
        return lti_error(request, "This request to add Docere content has expired. Start again from the LMS.")
    response = render(request, "lti/deep_link_return.html", {"return_url": return_url, "jwt": token, "courses": chosen})
    allow_form_posts_to(response, [origin_of(return_url)])
    return allow_framing_by(response, frame_origins_for(lti_launch.registration))

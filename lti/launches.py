"""The LTI 1.3 message flow on pylti1p3 and django-lti: OIDC login initiation, launch
validation and the deep-linking response."""

import jwt
from django.http import HttpRequest
from django.urls import reverse
from lti_tool.models import LtiLaunch
from lti_tool.utils import DjangoToolConfig, sync_data_from_launch
from pylti1p3.contrib.django import DjangoCacheDataStorage, DjangoMessageLaunch, DjangoOIDCLogin
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.deployment import Deployment
from pylti1p3.lineitem import LineItem

from courses.models import Course
from lti import services
from lti.ags import PlatformSession
from lti.launch_checks import CheckedMessageLaunch
from lti.services import COURSE_PARAMETER, LaunchRefused, nonce_consume, tool_key_ensure

# pylti1p3 leaves `exp` optional; a platform's id_token always carries it, so insist.
# The audience is checked by finding the registration from `aud` (issuer + client id).
ID_TOKEN_CHECKS = {"verify_aud": False, "require": ["exp", "iat"]}
DEEP_LINK_SESSION_KEY = "docere_lti_deep_link_launches"
DEEP_LINKS_REMEMBERED = 5


class ToolConfig(DjangoToolConfig):
    """django-lti's configuration, plus: a login URL that names the registration (its UUID)
    may omit client_id, which LTI 1.3 makes optional in login initiation."""

    def find_registration_by_params(self, iss, client_id, *args, **kwargs):
        if not client_id and self.registration_uuid is not None:
            return self.find_registration_by_issuer(iss)
        return super().find_registration_by_params(iss, client_id, *args, **kwargs)

    def find_deployment(self, iss, deployment_id):
        return self.find_deployment_by_params(iss, deployment_id, None)

    def find_deployment_by_params(self, iss, deployment_id, client_id, *args, **kwargs):
        """Only a platform found by the registration check may add a deployment row
        (django-lti's lookup adds one for any unknown id, without limit), and only up to the cap."""
        if self.registration is None:
            return None
        self.deployment = services.deployment_for_launch(
            registration=self.registration, deployment_id=str(deployment_id)
        )
        return Deployment().set_deployment_id(self.deployment.deployment_id)


def launch_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("lti:launch"))


def login_redirect(request: HttpRequest, registration_uuid) -> tuple[str, object]:
    """The platform authorization URL to send the browser to, and the cookie service that
    must set the state cookie on whatever response does the sending."""
    tool_key_ensure()
    oidc = DjangoOIDCLogin(request, ToolConfig(registration_uuid), launch_data_storage=DjangoCacheDataStorage())
    # Always our own launch URL: target_link_uri is the platform's to choose, not a redirect target.
    redirect = oidc.get_redirect_object(launch_url(request))
    return redirect.get_redirect_url(), oidc._cookie_service


def validated_launch(request: HttpRequest) -> LtiLaunch:
    """A launch whose id_token verified against the platform's JWKS, with state, nonce,
    registration, deployment and message checked; its rows synced by django-lti."""
    tool_key_ensure()
    message_launch = CheckedMessageLaunch(
        request, ToolConfig(), launch_data_storage=DjangoCacheDataStorage(), requests_session=PlatformSession()
    )
    message_launch.set_jwt_verify_options(ID_TOKEN_CHECKS)
    message_launch.validate()
    launch = LtiLaunch(message_launch)
    nonce_consume(issuer=launch.get_claim("iss"), nonce=launch.get_claim("nonce"))
    sync_data_from_launch(launch)
    if not launch.deployment.is_active:
        raise LaunchRefused(
            "This LMS connection to Docere is waiting for a Docere administrator to activate it "
            f"(deployment “{launch.deployment.deployment_id}”). Please try again later."
        )
    return launch


def deep_link_launch_remember(request: HttpRequest, launch_id: str) -> None:
    """Deep Linking 2.0: the response is the tool's signed word on what the instructor
    chose, so only the browser that received the deep-linking launch may ask for it. The
    launch id goes in that browser's session; a launch id alone (from a log, a Referer, a
    colleague) signs nothing. A few are kept, for an instructor with several LMS tabs."""
    remembered = [known for known in request.session.get(DEEP_LINK_SESSION_KEY, []) if known != launch_id]
    request.session[DEEP_LINK_SESSION_KEY] = [*remembered, launch_id][-DEEP_LINKS_REMEMBERED:]


def deep_link_launch_forget(request: HttpRequest, launch_id: str) -> None:
    """One signed response per launch: going back and posting again gets a refusal."""
    request.session[DEEP_LINK_SESSION_KEY] = [
        known for known in request.session.get(DEEP_LINK_SESSION_KEY, []) if known != launch_id
    ]


def stored_deep_link_launch(request: HttpRequest, launch_id: str) -> LtiLaunch:
    if not launch_id or launch_id not in request.session.get(DEEP_LINK_SESSION_KEY, []):
        raise LaunchRefused(
            "This request to add Docere content was not started in this browser, or was already "
            "answered. Start again from your course in the LMS.",
            status_code=403,
            reason=f"launch id {launch_id[:80]!r} is not one this session received",
        )
    message_launch = DjangoMessageLaunch.from_cache(
        launch_id, request, ToolConfig(), launch_data_storage=DjangoCacheDataStorage()
    )
    launch = LtiLaunch(message_launch)
    if not launch.is_deep_link_launch:
        raise LaunchRefused("This page only answers a request to add Docere content.", status_code=400)
    return launch


def deep_link_response(request: HttpRequest, launch: LtiLaunch, courses: list[Course]) -> tuple[str, str]:
    """(return URL, signed JWT) for the platform: one LTI resource link per chosen course,
    each with a 0–100 line item so the platform can take the post-test score."""
    resources = [
        DeepLinkResource()
        .set_url(launch_url(request))
        .set_title(course.title)
        .set_custom_params({COURSE_PARAMETER: course.slug})
        .set_lineitem(
            LineItem().set_score_maximum(100).set_label(f"{course.title}: post-test").set_resource_id(course.slug)
        )
        for course in courses
    ]
    deep_link = launch.get_message_launch().get_deep_link()
    settings = launch.get_claim("https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings")
    return settings["deep_link_return_url"], deep_link.get_response_jwt(resources)


def unverified_claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})

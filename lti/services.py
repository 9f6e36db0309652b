"""Writes for the LTI tool: Docere's key, accounts for platform users, what a launch
records, and the life of a score on its way back to the LMS gradebook."""

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from lti_tool.lti_core.constants import ContextRole
from lti_tool.lti_core.utils import normalize_role
from lti_tool.models import Key, LtiDeployment, LtiRegistration, LtiResourceLink

from courses import services as course_services
from courses.errors import CourseError
from courses.models import Course, CourseStatus, Enrollment
from lti import selectors
from lti.models import CourseLink, GradeLink, GradeStatus, LaunchHandoff, PlatformAccount, handoff_key

logger = logging.getLogger(__name__)

CUSTOM_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/custom"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
ROLES_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/roles"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
COURSE_PARAMETER = "docere_course"  # the custom parameter deep linking puts on each link
NONCE_LIFETIME = timedelta(hours=1)
PENDING_STUCK_AFTER = timedelta(minutes=5)
HANDOFF_LIFETIME = timedelta(minutes=5)
# Used handoffs stay a day so a late click is told "already used" rather than "unknown".
HANDOFF_KEPT = timedelta(days=1)


class LaunchRefused(Exception):
    """A launch Docere turns away: `message` is for the person at the browser; `reason`,
    when there is one, is the technical cause, for the administrator's log only."""

    def __init__(self, message: str, *, status_code: int = 403, reason: str = ""):
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.reason = reason


@dataclass(frozen=True)
class ResourceLaunch:
    user: object
    course: Course
    enrollment: Enrollment | None


def tool_key_ensure() -> Key:
    """Docere's current LTI key pair, made on first use; `manage.py rotate_keys` adds a newer one."""
    key = Key.objects.active().order_by("-datetime_created").first()
    return key or Key.objects.generate()


def nonce_consume(*, issuer: str, nonce: str) -> None:
    """A launch's id_token is good once: the nonce it carries may not come back."""
    key = "lti-used-nonce:" + hashlib.sha256(f"{issuer}\0{nonce}".encode()).hexdigest()
    if not cache.add(key, 1, timeout=int(NONCE_LIFETIME.total_seconds())):
        raise LaunchRefused(
            "This launch has already been used. Open Docere again from your course in the LMS.", status_code=400
        )


def deployment_for_launch(*, registration: LtiRegistration, deployment_id: str) -> LtiDeployment:
    """The deployment a launch verified against this registration names. One seen for the
    first time is recorded inactive for an administrator to review, up to LTI_UNKNOWN_DEPLOYMENTS_MAX
    waiting per platform, so a platform (or a stolen key) cannot fill the table."""
    if not deployment_id or len(deployment_id) > 255:
        # Core §5.3.3: a deployment_id is 1–255 characters.
        raise LaunchRefused(
            "The LMS sent a launch Docere cannot read (its deployment is missing or too long). "
            "Ask a Docere administrator to check this LMS connection.",
            status_code=400,
            reason=f"deployment_id of {len(deployment_id)} characters",
        )
    known = LtiDeployment.objects.filter(registration=registration, deployment_id=deployment_id).first()
    if known is not None:
        return known
    with transaction.atomic():
        # One launch at a time per platform counts the waiting rows, so racing launches cannot pass the cap.
        LtiRegistration.objects.select_for_update().filter(pk=registration.pk).first()
        known = LtiDeployment.objects.filter(registration=registration, deployment_id=deployment_id).first()
        if known is not None:
            return known
        waiting = LtiDeployment.objects.filter(registration=registration, is_active=False).count()
        if waiting >= settings.LTI_UNKNOWN_DEPLOYMENTS_MAX:
            raise LaunchRefused(
                f"Docere does not know this deployment of {registration.name} (“{deployment_id}”). Ask a Docere "
                "administrator to add and activate it.",
                status_code=403,
                reason=f"{waiting} unknown deployments already wait for review (LTI_UNKNOWN_DEPLOYMENTS_MAX)",
            )
        return LtiDeployment.objects.create(registration=registration, deployment_id=deployment_id, is_active=False)


def platform_account_user(*, registration: LtiRegistration, claims: dict):
    """The Docere account of a platform user, linked by (issuer, sub); made on first launch."""
    issuer, subject = claims["iss"], claims["sub"]
    account = PlatformAccount.objects.select_related("user").filter(issuer=issuer, subject=subject).first()
    if account is None:
        account = _platform_account_create(registration=registration, claims=claims)
    if account.user.is_staff or account.user.is_superuser:
        # Staff sign in with their second factor; an LMS launch must not become a way around it.
        raise LaunchRefused("Docere staff accounts cannot be opened from an LMS. Sign in to Docere directly.")
    if not account.user.is_active:
        raise LaunchRefused("This Docere account is disabled. Contact your CME office.")
    return account.user


def _platform_account_create(*, registration: LtiRegistration, claims: dict) -> PlatformAccount:
    User = get_user_model()
    digest = hashlib.sha256(f"{claims['iss']}\0{claims['sub']}".encode()).hexdigest()[:24]
    email = (claims.get("email") or "").strip()
    # An address already on another account stays there: a platform asserting someone
    # else's email must not take over that account.
    if email and (
        EmailAddress.objects.filter(email__iexact=email).exists() or User.objects.filter(email__iexact=email).exists()
    ):
        email = ""
    try:
        with transaction.atomic():
            user = User(
                username=f"lti-{digest}",
                email=email,
                first_name=(claims.get("given_name") or "")[:150],
                last_name=(claims.get("family_name") or "")[:150],
            )
            user.set_unusable_password()
            user.save()
            if email:
                # The platform has verified the address with its own sign-in (LTI Core §5.3.6).
                EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            return PlatformAccount.objects.create(
                issuer=claims["iss"], subject=claims["sub"], user=user, registration=registration
            )
    except IntegrityError:
        # A second tab launched at the same moment and made the account first.
        return PlatformAccount.objects.select_related("user").get(issuer=claims["iss"], subject=claims["sub"])


def _is_learner(claims: dict) -> bool:
    return ContextRole.LEARNER in [normalize_role(role) for role in claims.get(ROLES_CLAIM) or []]


def _course_for(resource_link: LtiResourceLink, claims: dict) -> Course:
    slug = str((claims.get(CUSTOM_CLAIM) or {}).get(COURSE_PARAMETER) or "")
    if slug:
        course = Course.objects.filter(slug=slug, status=CourseStatus.PUBLISHED, is_listed=True).first()
        if course is None:
            raise LaunchRefused(
                f"This link points to the Docere course “{slug}”, which is not published.", status_code=404
            )
        CourseLink.objects.update_or_create(resource_link=resource_link, defaults={"course": course})
        return course
    link = CourseLink.objects.select_related("course").filter(resource_link=resource_link).first()
    if link is None:
        raise LaunchRefused(
            "This LMS link is not tied to a Docere course yet. Ask the course's instructor to add "
            "Docere again and pick a course, or a Docere administrator to link it.",
            status_code=404,
        )
    return link.course


def resource_launch_record(
    *, registration: LtiRegistration, resource_link: LtiResourceLink, claims: dict
) -> ResourceLaunch:
    """What a resource-link launch means for Docere: who, which course, and where grades go."""
    with transaction.atomic():
        user = platform_account_user(registration=registration, claims=claims)
        course = _course_for(resource_link, claims)
        enrollment = None
        if _is_learner(claims):
            try:
                enrollment = course_services.enrollment_create(user=user, course=course)
            except CourseError as error:
                raise LaunchRefused(error.message, status_code=error.status_code) from error
            _grade_link_record(enrollment=enrollment, registration=registration, claims=claims)
    return ResourceLaunch(user=user, course=course, enrollment=enrollment)


@dataclass(frozen=True)
class Arrival:
    course: Course
    resume_secret: str  # empty when the session cookie came back and no new tab is needed


def platform_name(handoff: LaunchHandoff | None) -> str:
    return handoff.registration.name if handoff is not None and handoff.registration is not None else "your LMS"


def _handoff_refused(handoff: LaunchHandoff, *, now) -> LaunchRefused:
    where = f"Go back to your course in {platform_name(handoff)} and open Docere again."
    if handoff.created_at <= now - HANDOFF_LIFETIME:
        return LaunchRefused(f"This link has expired. {where}", status_code=410)
    return LaunchRefused(f"This link was already used; {where[0].lower()}{where[1:]}", status_code=410)


def launch_handoff_create(*, user, course: Course, registration: LtiRegistration) -> str:
    """The token for the arrival link a launch redirects to. Only its digest is stored."""
    now = timezone.now()
    LaunchHandoff.objects.filter(created_at__lt=now - HANDOFF_KEPT).delete()
    token = secrets.token_urlsafe(32)
    LaunchHandoff.objects.create(
        arrival_key=handoff_key(token), user=user, course=course, registration=registration, created_at=now
    )
    return token


def launch_arrival(*, token: str, user) -> Arrival:
    """The arrival link's one use. The launching browser follows the launch's redirect at
    once, so it is the one that gets here first: with its session cookie it goes to the
    course; without (third-party cookies blocked in the frame) its page gets the resume
    secret. Anyone later holding the link, from history or a log, gets a refusal."""
    now = timezone.now()
    handoff = (
        LaunchHandoff.objects.select_related("course", "registration").filter(arrival_key=handoff_key(token)).first()
    )
    if handoff is None:
        raise LaunchRefused(
            "Docere does not know this link. Go back to your course in your LMS and open Docere again.", status_code=404
        )
    resume_secret = "" if user.pk == handoff.user_id else secrets.token_urlsafe(32)
    # One UPDATE claims the arrival: of two requests racing, only one sees a row change.
    claimed = LaunchHandoff.objects.filter(
        pk=handoff.pk, arrived_at__isnull=True, created_at__gt=now - HANDOFF_LIFETIME
    ).update(arrived_at=now, resume_key=handoff_key(resume_secret) if resume_secret else None)
    if not claimed:
        raise _handoff_refused(handoff, now=now)
    return Arrival(course=handoff.course, resume_secret=resume_secret)


def launch_resume(*, secret: str) -> LaunchHandoff:
    """Redeem the secret the framed page posted to a new tab, once: the handoff whose user
    the new tab signs in."""
    now = timezone.now()
    handoff = (
        LaunchHandoff.objects.select_related("user", "course", "registration")
        .filter(resume_key=handoff_key(secret))
        .first()
        if secret
        else None
    )
    if handoff is None:
        raise LaunchRefused(
            "This link cannot sign you in. Go back to your course in your LMS and open Docere again.", status_code=403
        )
    claimed = LaunchHandoff.objects.filter(
        pk=handoff.pk, resumed_at__isnull=True, created_at__gt=now - HANDOFF_LIFETIME
    ).update(resumed_at=now)
    if not claimed:
        raise _handoff_refused(handoff, now=now)
    if not handoff.user.is_active or handoff.user.is_staff or handoff.user.is_superuser:
        raise LaunchRefused("This Docere account cannot be opened from an LMS.", status_code=403)
    return handoff


def _grade_link_record(*, enrollment: Enrollment, registration: LtiRegistration, claims: dict) -> None:
    endpoint = claims.get(AGS_CLAIM) or {}
    scopes = [str(scope) for scope in endpoint.get("scope") or []]
    lineitem = str(endpoint.get("lineitem") or "")
    if not lineitem or SCORE_SCOPE not in scopes:
        return  # the platform takes no score for this link
    link, _ = GradeLink.objects.update_or_create(
        enrollment=enrollment,
        lineitem_url=lineitem[:500],
        defaults={"registration": registration, "scopes": scopes, "platform_user_id": claims["sub"]},
    )
    if enrollment.post_test_passed_at is not None:
        # Passed in Docere before this link existed: the gradebook still deserves the score.
        post_test_passed(enrollment=enrollment)


def post_test_passed(*, enrollment: Enrollment) -> int:
    """Queue the post-test score for every LMS line item this enrollment was launched from.

    Call it inside the transaction that records the pass: the task is queued on commit, so
    nothing is sent for a pass that rolled back. Calling it again does nothing more.
    """
    score = selectors.post_test_score(enrollment=enrollment)
    if score is None:
        return 0
    queued = []
    with transaction.atomic():
        for link in GradeLink.objects.select_for_update().filter(enrollment=enrollment, status=GradeStatus.NOT_DUE):
            now = timezone.now()
            link.status, link.score_percent, link.status_changed_at = GradeStatus.PENDING, score, now
            link.score_changed_at = enrollment.post_test_passed_at or now
            link.save(update_fields=["status", "score_percent", "status_changed_at", "score_changed_at"])
            queued.append(link.pk)
        for link_id in queued:
            transaction.on_commit(lambda link_id=link_id: queue_score(link_id))
    return len(queued)


def queue_score(link_id: int) -> None:
    from lti.tasks import send_score

    try:
        send_score.apply_async(args=[link_id], retry=True, retry_policy=settings.CELERY_TASK_PUBLISH_RETRY_POLICY)
    except Exception:  # noqa: BLE001 — the row stays pending and the sweeper queues it again
        logger.warning(
            "Could not queue the LMS score for grade link %s; the sweeper will retry", link_id, exc_info=True
        )


def score_send_start(*, link_id: int) -> GradeLink | None:
    with transaction.atomic():
        link = GradeLink.objects.select_for_update().select_related("registration").filter(pk=link_id).first()
        if link is None or link.status != GradeStatus.PENDING:
            return None
        link.tries += 1
        link.save(update_fields=["tries"])
    return link


def score_sent(*, link_id: int) -> None:
    now = timezone.now()
    GradeLink.objects.filter(pk=link_id).update(
        status=GradeStatus.SENT, sent_at=now, status_changed_at=now, last_error=""
    )


def score_send_failed(*, link_id: int, error: str, final: bool) -> None:
    # Between tries the row stays pending, touched so the sweeper leaves the retry to Celery.
    GradeLink.objects.filter(pk=link_id).update(
        status=GradeStatus.FAILED if final else GradeStatus.PENDING,
        status_changed_at=timezone.now(),
        last_error=error[:2000],
    )


def score_retry(*, link: GradeLink) -> None:
    """An administrator sends a failed score again."""
    with transaction.atomic():
        updated = GradeLink.objects.filter(pk=link.pk, status=GradeStatus.FAILED).update(
            status=GradeStatus.PENDING, status_changed_at=timezone.now()
        )
        if updated:
            transaction.on_commit(lambda: queue_score(link.pk))


def scores_sweep(*, now=None) -> int:
    """Re-queue scores the queue lost (pending for longer than a send and its retries take),
    and start the ones whose pass was recorded without telling this app."""
    now = now or timezone.now()
    stuck = list(
        GradeLink.objects.filter(
            status=GradeStatus.PENDING, status_changed_at__lt=now - PENDING_STUCK_AFTER
        ).values_list("pk", flat=True)
    )
    for link_id in stuck:
        GradeLink.objects.filter(pk=link_id).update(status_changed_at=now)
        queue_score(link_id)
    unsent = Enrollment.objects.filter(
        grade_links__status=GradeStatus.NOT_DUE, post_test_passed_at__isnull=False
    ).distinct()
    return len(stuck) + sum(post_test_passed(enrollment=enrollment) for enrollment in unsent)

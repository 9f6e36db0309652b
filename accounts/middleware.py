from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django_htmx.http import HttpResponseClientRedirect

from accounts.mfa import has_totp, mfa_enrolment_redirect


class StaffMfaRequiredMiddleware:
    """Staff reach the admin only after enrolling a second factor (TOTP); the reports
    apply the same rule in `reports.access`, after deciding who may see them at all."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.protected_prefixes = (reverse("admin:index"),)

    def __call__(self, request):
        user = request.user
        if (
            request.path.startswith(self.protected_prefixes)
            and user.is_authenticated
            and user.is_staff
            and not has_totp(user)
        ):
            return mfa_enrolment_redirect(request)
        return self.get_response(request)


STAFF_LAST_ACTIVITY_SESSION_KEY = "staff_last_activity"
# Sessions are cached_db: every change is a database write, so a busy administrator's
# session records activity at most once a minute (the timeout may come up to a minute early).
STAFF_ACTIVITY_WRITE_INTERVAL_SECONDS = 60


def is_staff(user) -> bool:
    return user.is_staff or user.is_superuser


def start_staff_idle_clock(sender, request, user, **kwargs) -> None:
    """Connected to user_logged_in (accounts.apps). Every sign-in passes through Django's
    login(): allauth's form, the admin login, an LTI launch, a test's force_login. It saves the
    session anyway, so the idle clock starts at no cost; otherwise the first page afterwards
    would pay a session write of its own."""
    if is_staff(user) and getattr(request, "session", None) is not None:
        request.session[STAFF_LAST_ACTIVITY_SESSION_KEY] = timezone.now().timestamp()


class StaffSessionIdleTimeoutMiddleware:
    """Staff are signed out after STAFF_SESSION_IDLE_MINUTES without a request (ASVS 3.3.2):
    an administrator's unattended browser opens every learner's personal data. Learners keep
    their long sessions."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and is_staff(user):
            now = timezone.now().timestamp()
            last_activity = request.session.get(STAFF_LAST_ACTIVITY_SESSION_KEY)
            if last_activity is not None and now - last_activity > settings.STAFF_SESSION_IDLE_MINUTES * 60:
                return self.sign_out(request)
            # None: a session signed in before the idle timeout existed, or before becoming staff.
            if last_activity is None or now - last_activity >= STAFF_ACTIVITY_WRITE_INTERVAL_SECONDS:
                request.session[STAFF_LAST_ACTIVITY_SESSION_KEY] = now
        return self.get_response(request)

    def sign_out(self, request):
        logout(request)
        # Said after logout, which empties the session: the message travels in its own cookie.
        messages.info(
            request,
            f"You were signed out after {settings.STAFF_SESSION_IDLE_MINUTES} minutes "
            "without activity. Sign in again to continue.",
        )
        # Back to the page they were on once signed in, when it is a page that can be asked for again.
        if request.htmx:
            next_url = request.htmx.current_url_abs_path
        else:
            next_url = request.get_full_path() if request.method == "GET" else None
        login = redirect_to_login(next_url) if next_url else redirect(settings.LOGIN_URL)
        # htmx would swap the login page into the fragment it asked for; the whole page goes instead.
        return HttpResponseClientRedirect(login.url) if request.htmx else login

"""Who may see the reports: superusers, and staff in the "CME administrators" group.

Everyone else gets a 404, not a 403: learners and other staff are not told the pages
exist, and a guessed export URL looks the same as a wrong one.
"""

from functools import wraps

from django.http import Http404

from accounts.mfa import has_totp, mfa_enrolment_redirect

REPORT_VIEWERS_GROUP = "CME administrators"


def can_view_reports(user) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    return user.is_staff and user.groups.filter(name=REPORT_VIEWERS_GROUP).exists()


def report_viewer_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_view_reports(request.user):
            raise Http404("No such page.")
        # The reports show NPIs, licence numbers and birth dates: a second factor first.
        if not has_totp(request.user):
            return mfa_enrolment_redirect(request)
        return view(request, *args, **kwargs)

    return wrapper

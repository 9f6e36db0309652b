"""The second factor that staff need before they see learners' personal data.

The one door other apps use for this rule: the admin applies it in
`accounts.middleware.StaffMfaRequiredMiddleware`, the reports in `reports.access`.
"""

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.shortcuts import redirect


def has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def mfa_enrolment_redirect(request):
    # The enrolment page explains the QR code itself; this message may also land on the
    # "Confirm access" page first, which has no code, so it says only why they are here.
    messages.warning(
        request,
        "Administrators must turn on two-factor authentication before using the admin or the reports.",
    )
    return redirect("mfa_activate_totp")

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse


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

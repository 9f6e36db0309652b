from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse


class StaffMfaRequiredMiddleware:
    """Staff reach the admin only after enrolling a second factor (TOTP)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = reverse("admin:index")

    def __call__(self, request):
        user = request.user
        if (
            request.path.startswith(self.admin_prefix)
            and user.is_authenticated
            and user.is_staff
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            messages.warning(
                request,
                "Administrators must turn on two-factor authentication before using the admin. "
                "Scan the code below with an authenticator app.",
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)

import time

from allauth.account import app_settings as allauth_account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records

from lms import ratelimit


class DocereAccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request) -> str:
        """Login, signup and reset limits count the visitor behind the proxy, exactly as
        Docere's own limits do (allauth's version fails with a 500 on a short header)."""
        return ratelimit.client_ip(request)

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """Sensitive changes (turning on two-factor authentication) ask for the password again
        unless it was typed within ACCOUNT_REAUTHENTICATION_TIMEOUT. allauth counts only a
        password typed on its "Confirm access" page; a sign-in (password, then code if enrolled)
        a moment ago proves the same, so staff sent to enrol right after signing in see the QR
        code at once instead of a second password prompt."""
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        request = self.request
        if request is None or not request.user.is_authenticated:
            return True
        records = get_authentication_records(request, request.user)
        if not records:
            # Signed in some other way (an LTI launch, an old session): nothing proves presence.
            return True
        return time.time() - records[-1]["at"] >= allauth_account_settings.REAUTHENTICATION_TIMEOUT

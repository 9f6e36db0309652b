"""A demo platform registration for `make run`, so the LTI admin has something to show."""

from lti_tool.models import LtiDeployment, LtiRegistration

DEMO_ISSUER = "https://lms.example.edu"
DEMO_CLIENT_ID = "docere-demo-client"
DEMO_DEPLOYMENT_ID = "demo-deployment-1"


def demo_platform_ensure() -> LtiRegistration:
    """Idempotent: the registration and its active deployment, as a real LMS's would look."""
    registration, _ = LtiRegistration.objects.get_or_create(
        issuer=DEMO_ISSUER,
        client_id=DEMO_CLIENT_ID,
        defaults={
            "name": "Demo LMS (example.edu)",
            "auth_url": f"{DEMO_ISSUER}/api/lti/authorize_redirect",
            "token_url": f"{DEMO_ISSUER}/login/oauth2/token",
            "keyset_url": f"{DEMO_ISSUER}/api/lti/security/jwks",
        },
    )
    LtiDeployment.objects.get_or_create(
        registration=registration, deployment_id=DEMO_DEPLOYMENT_ID, defaults={"is_active": True}
    )
    return registration

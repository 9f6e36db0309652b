"""Assignment and Grade Services: posting a score to the platform's line item.

The OAuth2 token request carries a client assertion signed with Docere's current LTI key
(its `kid` is in Docere's JWKS), and the score goes as application/vnd.ims.lis.v1.score+json.
"""

import requests
from django.conf import settings
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.grade import Grade
from pylti1p3.service_connector import ServiceConnector

from lti.models import GradeLink
from lti.services import SCORE_SCOPE, tool_key_ensure

# Docere only posts scores to the line item the launch named (deep linking declares the
# line item; Docere never reads or creates one), so the token asks for the score scope
# alone, whatever else the platform offers: least privilege (Security Framework, access tokens).
SCOPES_USED = [SCORE_SCOPE]


class PlatformSession(requests.Session):
    """Every call to a platform gives up after LTI_HTTP_TIMEOUT_SECONDS instead of hanging a worker."""

    def request(self, method, url, *args, **kwargs):
        kwargs.setdefault("timeout", settings.LTI_HTTP_TIMEOUT_SECONDS)
        return super().request(method, url, *args, **kwargs)


def score_post(link: GradeLink) -> None:
    tool_key_ensure()
    registration = link.registration.to_registration()
    connector = ServiceConnector(registration, PlatformSession())
    grade = (
        Grade()
        .set_score_given(float(link.score_percent))
        .set_score_maximum(100)
        .set_timestamp(link.score_changed_at.isoformat(timespec="milliseconds"))
        .set_activity_progress("Completed")
        .set_grading_progress("FullyGraded")
        .set_user_id(link.platform_user_id)
    )
    AssignmentsGradesService(connector, {"scope": SCOPES_USED, "lineitem": link.lineitem_url}).put_grade(grade)

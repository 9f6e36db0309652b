"""Property-based tests of the whole API against its own OpenAPI document, through the WSGI
app (no network): generated requests never get a 500 and every answer matches the schema."""

from datetime import timedelta

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir
from schemathesis.checks import positive_data_acceptance

from api.models import AccessToken
from api.services import token_digest
from lms.wsgi import application
from tests.api.records import bare_course, certificate, completion

# Hypothesis keeps its example database and caches under the run's VAR_DIR, not in the work tree.
set_hypothesis_home_dir(str(django_settings.VAR_DIR / "hypothesis"))
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
CASES: dict[str, int] = {}
FAILED_CASES: dict[str, int] = {}
# Known before any case is generated (schemathesis asks for it at collection); the row
# holding its hash is created by the `seeded` fixture inside each test's transaction.
SECRET = "dct_schemathesis-seeded-token-0123456789abcdef"


@schema.auth()
class BearerToken:
    """The seeded token, given to schemathesis as the API's documented bearer scheme, so
    requests generated without it are expected to be refused."""

    def get(self, case, context):
        return SECRET

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@pytest.fixture
def same_connection():
    """Keep the test's database connection open across WSGI requests, as Django's own test
    client does: the handler would otherwise close it when each request finishes."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(db, same_connection):
    course = bare_course(slug="seeded-course")
    for days in range(3):
        certificate(completion(course, at=timezone.now() - timedelta(days=days)))
    AccessToken.objects.create(
        name="Schemathesis",
        prefix=SECRET[:12],
        token_sha256=token_digest(SECRET),
        expires_at=timezone.now() + timedelta(days=1),
    )


@pytest.fixture(scope="module", autouse=True)
def _report_case_count():
    yield
    total = sum(CASES.values())
    failed = sum(FAILED_CASES.values())
    print(f"\nschemathesis: {total} cases over {len(CASES)} operations, {failed} failing")  # noqa: T201


@schema.parametrize()
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_answers_every_generated_request_without_error_and_as_documented(case, seeded):
    CASES[case.operation.label] = CASES.get(case.operation.label, 0) + 1
    # Left out: "schema-valid data is accepted". A cursor is documented as an opaque string,
    # but only cursors this API issued mean anything, so a made-up one is rightly a 400.
    try:
        case.call_and_validate(excluded_checks=[positive_data_acceptance])
    except Exception:
        FAILED_CASES[case.operation.label] = FAILED_CASES.get(case.operation.label, 0) + 1
        raise

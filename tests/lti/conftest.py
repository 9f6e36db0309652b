import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from lti_tool.models import LtiDeployment, LtiRegistration

from courses import services as course_services
from courses.models import QuizKind
from lms.celery import app as celery_app
from tests.courses.conftest import build_course, complete_modules, correct_answers
from tests.lti.platform import FakePlatform


@pytest.fixture(autouse=True)
def _own_cache_folder(_isolated_cache, settings, tmp_path):
    """A launch keeps its state, nonce and launch data in the cache. A file cache deletes a
    random third of its entries once its folder holds 300, whoever wrote them, which would
    lose a launch halfway; so each test here gets a folder of its own."""
    if settings.CACHES["default"]["BACKEND"].endswith("FileBasedCache"):
        settings.CACHES = {
            **settings.CACHES,
            "default": {**settings.CACHES["default"], "LOCATION": str(tmp_path / "cache")},
        }


@pytest.fixture
def platform():
    started = FakePlatform().start()
    yield started
    started.stop()


@pytest.fixture
def registration(db, platform):
    """The platform as a Docere administrator registers it in the admin, deployment activated."""
    registration = LtiRegistration.objects.create(
        name="Lakeside LMS",
        issuer=platform.issuer,
        client_id=platform.client_id,
        auth_url=f"{platform.url}/authorize",
        token_url=f"{platform.url}/token",
        keyset_url=f"{platform.url}/jwks",
    )
    LtiDeployment.objects.create(registration=registration, deployment_id=platform.deployment_id, is_active=True)
    return registration


@pytest.fixture
def course(db):
    return build_course(slug="bedside-teaching")


def login_step(client, platform, registration, *, secure=False) -> dict:
    """The platform starts OIDC login; returns the authorization request Docere sends back."""
    page = client.post(
        f"/lti/login/{registration.uuid}/",
        {
            "iss": platform.issuer,
            "login_hint": "lakeside-user-1001",
            "lti_message_hint": "hint-7",
            "target_link_uri": "http://testserver/lti/launch/",
            "client_id": platform.client_id,
        },
        secure=secure,
    )
    assert page.status_code == 200, page.content[:500]
    continue_url = html.unescape(re.search(r'data-continue="([^"]+)"', page.content.decode()).group(1))
    assert continue_url.startswith(f"{platform.url}/authorize?")
    return {key: values[0] for key, values in parse_qs(urlsplit(continue_url).query).items()}


def launch(client, platform, registration, *, secure=False, **token_options):
    """Login → launch, as a browser between the platform and Docere would do it."""
    authorization = login_step(client, platform, registration, secure=secure)
    token_options.setdefault("nonce", authorization["nonce"])
    id_token = platform.id_token(**token_options)
    return client.post("/lti/launch/", {"id_token": id_token, "state": authorization["state"]}, secure=secure)


@pytest.fixture
def eager_celery():
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


def pass_post_test(enrollment):
    complete_modules(enrollment)
    quiz = enrollment.course.quizzes.get(kind=QuizKind.POST_TEST)
    attempt = course_services.attempt_start(enrollment=enrollment, quiz=quiz)
    course_services.attempt_submit(attempt=attempt, answers=correct_answers(attempt))

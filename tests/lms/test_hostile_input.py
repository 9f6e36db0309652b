"""Whatever an attacker puts in an address, a query or a form, Docere answers with a page
or a 4xx, never a server error. Every URL pattern the project serves is requested with a
set of hostile strings, anonymously, as a signed-in learner and as MFA-enrolled staff.

Run it against PostgreSQL too (the CI suite does, through DATABASE_URL): PostgreSQL refuses
text containing NUL where SQLite quietly stores it."""

import re
import sys
from functools import partial
from urllib.parse import unquote, unquote_to_bytes

import pytest
from django.core.signals import got_request_exception
from django.db import DatabaseError, transaction
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils.encoding import repercent_broken_unicode

from certificates import services as certificate_services
from certificates.models import Certificate
from courses import services as course_services
from courses.models import Attempt, EvaluationResponse, Question, QuizKind
from tests.api.conftest import make_token
from tests.certificates.conftest import complete_course
from tests.courses.conftest import build_course, complete_modules, correct_answers
from tests.factories import ProfileFactory, StaffFactory

pytestmark = [
    pytest.mark.django_db,
    # The LTI library puts the hostile values in cache keys; Docere's caches are not memcached.
    pytest.mark.filterwarnings("ignore::django.core.cache.backends.base.CacheKeyWarning"),
]

# Written as they travel in an address (percent-encoded), so invalid UTF-8 can be sent too.
HOSTILE = {
    "NUL": "%00",
    "NUL inside a code": "A%00B",
    "a stray percent sign and an encoded NUL as text": "%zz%2500",
    "5,000 characters": "a" * 5000,
    "a lone surrogate and invalid UTF-8": "%ED%A0%80%FF%FE",
    "parent folders": "..%2F..%2Flms%2Fsettings.py",
    "quotes, a script tag, a right-to-left override and emoji": "%27%22%3B--%3Cscript%3Ealert(1)%3C%2Fscript%3E%E2%80%AEfdp.exe%F0%9F%A9%BA",
    "whitespace only": "%20%09%0A%0D",
    "a header injection": "x%0D%0ASet-Cookie:%20a=b",
    "a number too big for the database": "99999999999999999999999",
    "a negative number": "-1",
    "an infinite number": "1e999",
}

# A posted form travels decoded, so only the values whose meaning survives decoding.
POSTED = ["NUL inside a code", "5,000 characters", "a number too big for the database"]

# Every query parameter a Docere, admin, allauth, API or LTI page reads.
QUERY_NAMES = [
    "q",
    "topic",
    "format",
    "credits",
    "page",
    "cursor",
    "limit",
    "course",
    "since",
    "next",
    "code",
    "date_from",
    "date_to",
    "include_exported",
    "file_format",
    "iss",
    "login_hint",
    "target_link_uri",
    "lti_message_hint",
    "client_id",
    "o",
    "p",
    "all",
    "e",
    "_changelist_filters",
    "status__exact",
    "kind__exact",
    "course__id__exact",
]

# Form fields of the pages that store or look up posted text.
FORM_NAMES = [
    "code",
    "q",
    "login",
    "email",
    "password",
    "credits",
    "launch_id",
    "iss",
    "login_hint",
    "target_link_uri",
    "first_name",
    "last_name",
    "certificate_name",
    "institution",
    "npi",
    "name",
]

# Django's generic admin views are shared by every model (and tested by Django); each model
# still gets the strings that reach its own lookups, search and filters, in its changelist's
# query and in the object id of each of its pages.
FOR_GENERIC_ADMIN_VIEWS = [
    "NUL inside a code",
    "5,000 characters",
    "a lone surrogate and invalid UTF-8",
    "quotes, a script tag, a right-to-left override and emoji",
    "a number too big for the database",
]

# Posting to these would end the session the rest of the run needs.
NOT_POSTED = {"account_logout", "logout"}

ROUTE_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")
REGEX_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")


def url_patterns(resolver=None, prefix=""):
    """(route with {name} placeholders, pattern name, view's dotted path) for every pattern, nested ones included."""
    for entry in (resolver or get_resolver()).url_patterns:
        route = str(entry.pattern)
        if route.startswith("^"):
            route = REGEX_GROUP.sub(r"{\1}", route.lstrip("^").rstrip("$"))
        else:
            route = ROUTE_PARAMETER.sub(r"{\1}", route)
        if isinstance(entry, URLResolver):
            yield from url_patterns(entry, prefix + route)
        elif isinstance(entry, URLPattern):
            yield "/" + prefix + route, entry.name, entry.lookup_str


def reaches_a_view(url: str) -> bool:
    """Whether the decoded path matches a pattern: one a converter refuses (letters for
    <int:…>) only ever gets the resolver's 404."""
    path = repercent_broken_unicode(unquote_to_bytes(url.split("?")[0])).decode()
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def addresses(route: str, plausible: dict[str, str], labels: list[str], *, with_query: bool):
    """The route with each of its parameters in turn hostile (the others plausible), and the
    plausible route with every query parameter hostile."""
    names = re.findall(r"{(\w+)}", route)
    for label in labels:
        for name in names:
            url = route.format(**{**{n: plausible.get(n, "1") for n in names}, name: HOSTILE[label]})
            if reaches_a_view(url):
                yield label, url
        if with_query or not names:
            query = "&".join(f"{name}={HOSTILE[label]}" for name in QUERY_NAMES)
            yield label, route.format(**{n: plausible.get(n, "1") for n in names}) + "?" + query


def hostile_form(label: str) -> dict[str, str]:
    value = unquote(HOSTILE[label])
    evaluation_items = {f"item{number}": value for number in range(1, 12)}
    return {**{name: value for name in FORM_NAMES}, **evaluation_items}


def isolated(send):
    """Send one request in a savepoint: a query PostgreSQL refuses aborts the test's
    transaction, and every later request would fail for that reason instead of its own."""
    response = None
    try:
        with transaction.atomic():
            response = send()
    except DatabaseError:
        pass  # rolled back to the savepoint; the request's own answer was a 500 and is reported
    return response


def is_api(url: str) -> bool:
    # The read-only API answers every GET with JSON, errors included; its docs page is HTML.
    return url.startswith("/api/") and not url.startswith("/api/v1/docs/")


@pytest.fixture
def world(db):
    """A published course, a learner who completed it and claimed credit, staff with TOTP."""
    course = build_course(slug="inclusive-rounds")
    learner = ProfileFactory().user
    complete_course(learner, course)
    enrollment = learner.enrollments.get(course=course)
    certificate_services.credit_claim_create(
        enrollment=enrollment, user=learner, credits=course.credits_max, attested=True
    )
    staff = StaffFactory(email="cme-office@example.org", is_superuser=True)
    plausible = {
        "slug": course.slug,
        "code": Certificate.objects.get(enrollment=enrollment).code,
        "pk": str(Attempt.objects.filter(enrollment=enrollment).first().pk),
        "order": "1",
        "question_id": str(
            Question.objects.filter(quiz__course=course, quiz__kind=QuizKind.KNOWLEDGE_CHECK).first().pk
        ),
        "course_id": str(course.pk),
        "learner_id": str(learner.pk),
        "id": str(learner.pk),
        "object_id": str(course.pk),
        "app_label": "courses",
        "field_name": "logo",
        "registration_uuid": "6f1c1b1e-8f0c-4a53-9d7e-6c2b0c1f9a10",
    }
    return {"learner": learner, "staff": staff, "plausible": plausible, "api_token": make_token()}


def hostile_requests(plausible: dict[str, str]):
    """(method, address, label, form) for every pattern: hostile addresses and queries by GET,
    hostile forms by POST to the pattern's plausible address."""
    for route, pattern_name, view in url_patterns():
        generic_admin = route.startswith("/admin/") and view.startswith("django.")
        labels = FOR_GENERIC_ADMIN_VIEWS if generic_admin else list(HOSTILE)
        for label, url in addresses(route, plausible, labels, with_query=not generic_admin):
            yield "get", url, label, None
        if pattern_name not in NOT_POSTED and not (generic_admin and "{" in route):
            names = re.findall(r"{(\w+)}", route)
            url = route.format(**{name: plausible.get(name, "1") for name in names})
            for label in POSTED:
                yield "post", url, label, hostile_form(label)


def server_errors(client: Client, plausible: dict[str, str]) -> list[str]:
    """Send every hostile request; describe each 5xx (and each API error that is not JSON)."""
    failures = []
    raised = []

    def remember(sender, request=None, **kwargs):
        raised.append(repr(sys.exc_info()[1])[:200])

    got_request_exception.connect(remember)
    try:
        for method, url, label, form in hostile_requests(plausible):
            raised.clear()
            send = client.get if method == "get" else client.post
            response = isolated(partial(send, url, form))
            problem = ""
            if response.status_code >= 500:
                problem = f"{response.status_code} {'; '.join(raised)}"
            elif (
                method == "get"
                and is_api(url)
                and response.status_code >= 400
                and not response["Content-Type"].startswith("application/json")
            ):
                problem = f"{response.status_code} answered as {response['Content-Type']}, not JSON"
            if problem:
                failures.append(f"{method.upper()} {url[:100]} ({label}) → {problem}")
    finally:
        got_request_exception.disconnect(remember)
    return failures


def test_hostile_addresses_never_give_an_anonymous_visitor_a_server_error(world):
    failures = server_errors(Client(raise_request_exception=False), world["plausible"])
    assert not failures, "\n".join(failures)


def test_hostile_addresses_never_give_a_signed_in_learner_a_server_error(world):
    client = Client(raise_request_exception=False)
    client.force_login(world["learner"])
    failures = server_errors(client, world["plausible"])
    assert not failures, "\n".join(failures)


def test_hostile_addresses_never_give_staff_or_an_api_client_a_server_error(world):
    client = Client(raise_request_exception=False, headers={"Authorization": f"Bearer {world['api_token']}"})
    client.force_login(world["staff"])
    failures = server_errors(client, world["plausible"])
    assert not failures, "\n".join(failures)


def test_a_nul_byte_in_an_address_is_refused_with_a_page_that_says_why(client, learner):
    for url in (
        "/verify/A%00B/",
        "/credentials/A%00B/",
        "/courses/?q=%00",
        "/courses/?topic=%00",
        "/courses/?format=A%00B",
    ):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "contains a character that is not allowed" in response.content.decode()
    client.force_login(learner)
    assert client.get("/certificates/A%00B/status/").status_code == 400


def test_a_nul_byte_in_an_api_address_is_refused_in_json(client):
    response = client.get("/api/v1/certificates/A%00B")
    assert response.status_code == 400
    assert "not allowed" in response.json()["message"]


def test_a_forged_session_cookie_with_a_nul_byte_is_ignored(client):
    # Python's cookie parser turns the octal escape \000 inside a quoted value into NUL.
    response = client.get("/courses/", headers={"Cookie": 'sessionid="\\000forged-session-key"'})
    assert response.status_code == 200 and 'href="/accounts/login/' in response.content.decode()


def test_an_evaluation_answer_with_a_nul_byte_is_refused_and_nothing_is_stored(client, learner):
    course = build_course(slug="bias-in-feedback")
    enrollment = course_services.enrollment_create(user=learner, course=course)
    complete_modules(enrollment)
    attempt = course_services.attempt_start(enrollment=enrollment, quiz=course.quizzes.get(kind=QuizKind.POST_TEST))
    course_services.attempt_submit(attempt=attempt, answers=correct_answers(attempt))
    client.force_login(learner)
    answers = {
        f"item{item.id}": ("5" if item.kind == "likert" else "Fine\x00 teaching")
        for item in course.evaluation_items.all()
    }
    response = client.post(reverse("courses:evaluation", args=[course.slug]), answers)
    assert response.status_code == 400
    assert "character that is not allowed" in response.content.decode()
    enrollment.refresh_from_db()
    assert enrollment.evaluation_submitted_at is None and not EvaluationResponse.objects.exists()

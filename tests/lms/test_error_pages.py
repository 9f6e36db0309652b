"""With DEBUG off, as in production, errors show Docere's own pages: the site's look, what
happened in plain words, and a way on."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import include, path

from courses.models import Course


def _forbidden(request):
    raise PermissionDenied


def _broken(request):
    raise ValueError("a bug in a view")


def _needs_the_database(request):
    Course.objects.count()


# The project's URLs, plus views that fail the ways real ones can.
urlpatterns = [
    path("test-forbidden/", _forbidden),
    path("test-broken/", _broken),
    path("test-needs-database/", _needs_the_database),
    path("", include("lms.urls")),
]


@pytest.fixture(autouse=True)
def production_errors(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__


def docere_page(response, status: int) -> str:
    """The page's HTML, once it is known to be Docere's own page with the expected status."""
    html = response.content.decode()
    assert response.status_code == status
    assert "docere.css" in html and "<main" in html and "<footer" in html
    assert 'href="/verify/"' in html
    return html


@pytest.mark.django_db
def test_an_address_that_does_not_exist_shows_docere_not_found_page(client):
    html = docere_page(client.get("/no-such-page/"), 404)
    assert "<h1>Page not found</h1>" in html and 'href="/courses/"' in html


@pytest.mark.django_db
def test_a_forbidden_page_explains_and_offers_sign_in(client):
    html = docere_page(client.get("/test-forbidden/"), 403)
    assert "have access to this page" in html and 'href="/accounts/login/"' in html


@pytest.mark.django_db
def test_a_form_sent_without_its_security_token_explains_what_to_do():
    browser = Client(enforce_csrf_checks=True)
    html = docere_page(browser.post("/accounts/login/", {"login": "a@example.org", "password": "x"}), 403)
    assert "Your form could not be sent" in html and "reload the page" in html


@pytest.mark.django_db
def test_a_failing_view_shows_docere_error_page():
    html = docere_page(Client(raise_request_exception=False).get("/test-broken/"), 500)
    assert "Something went wrong on our side" in html


def test_the_error_page_renders_while_the_database_is_unreachable():
    # No django_db mark: every query in this test raises, as when the database is down.
    html = docere_page(Client(raise_request_exception=False).get("/test-needs-database/"), 500)
    assert "Something went wrong on our side" in html


@pytest.mark.django_db
def test_an_address_with_a_nul_byte_shows_docere_page_saying_why(client):
    html = docere_page(client.get("/verify/A%00B/"), 400)
    assert "<h1>Address not accepted</h1>" in html and "contains a character that is not allowed" in html


@pytest.mark.django_db
def test_a_request_django_refuses_as_suspicious_shows_docere_page(client, settings):
    settings.ALLOWED_HOSTS = ["docere.example.org"]
    html = docere_page(client.get("/", headers={"Host": "attacker.example"}), 400)
    assert "<h1>Address not accepted</h1>" in html

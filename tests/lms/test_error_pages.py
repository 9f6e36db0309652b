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


def _looks_like_docere(html: str) -> None:
    assert "docere.css" in html and "<main" in html and "<footer" in html
    assert 'href="/verify/"' in html


@pytest.mark.django_db
def test_an_address_that_does_not_exist_shows_docere_not_found_page(client):
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in html and 'href="/courses/"' in html
    _looks_like_docere(html)


@pytest.mark.django_db
def test_a_forbidden_page_explains_and_offers_sign_in(client):
    response = client.get("/test-forbidden/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "have access to this page" in html and 'href="/accounts/login/"' in html
    _looks_like_docere(html)


@pytest.mark.django_db
def test_a_form_sent_without_its_security_token_explains_what_to_do():
    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"login": "a@example.org", "password": "x"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "Your form could not be sent" in html and "reload the page" in html
    _looks_like_docere(html)


@pytest.mark.django_db
def test_a_failing_view_shows_docere_error_page():
    response = Client(raise_request_exception=False).get("/test-broken/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html
    _looks_like_docere(html)


def test_the_error_page_renders_while_the_database_is_unreachable():
    # No django_db mark: every query in this test raises, as when the database is down.
    response = Client(raise_request_exception=False).get("/test-needs-database/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html
    _looks_like_docere(html)

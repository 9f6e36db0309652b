"""The sign-in, sign-up, email, password and two-factor pages (django-allauth's) look like the
rest of Docere, speak in sentence case, and put every error beside the field it is about."""

import re
from collections import Counter

import pyotp
import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory
from tests.markup import parse

pytestmark = pytest.mark.django_db

# Words that keep their capital inside a heading or on a button.
PROPER = {"Docere", "CME", "QR", "TOTP", "I"}


def _title_case_words(text: str) -> list[str]:
    """Capitalised words after the first: "Sign In" has "In", "Sign in" has none."""
    words = re.findall(r"[A-Za-z][\w'’]*", text)
    return [word for word in words[1:] if word[0].isupper() and word[1:].islower() and word not in PROPER]


def _texts_a_user_reads_as_names(page) -> list[str]:
    document = parse(page.content)
    title = next(document.iter("title")).text.split(" · ")[0]
    names = [title]
    names += [heading.text for tag in ("h1", "h2") for heading in document.iter(tag)]
    names += [button.text for button in document.iter("button") if button.text]
    names += [link.text for link in document.iter("a") if "button" in (link.get("class") or "").split()]
    names += [control.get("placeholder") for control in document.iter("input") if control.get("placeholder")]
    for label in document.iter("label"):
        # An email address's status badges ("Verified", "Primary") are words of their own.
        badges = [badge.text for badge in label.iter("span") if "tag" in (badge.get("class") or "").split()]
        names.append(re.sub(r"\(required\)$", "", label.text).strip())
        for badge in badges:
            names[-1] = names[-1].replace(badge, "").strip()
        names += badges
    return names


def _assert_site_page_in_sentence_case(page):
    assert page.status_code == 200
    document = parse(page.content)
    assert document.by_id("main") is not None and next(document.iter("footer"), None) is not None
    assert any(link.get("href", "").endswith("css/docere.css") for link in document.iter("link"))
    ids = Counter(element.get("id") for element in document.iter() if element.get("id"))
    assert not [element_id for element_id, count in ids.items() if count > 1], "ids must be unique"
    offenders = {text: words for text in _texts_a_user_reads_as_names(page) if (words := _title_case_words(text))}
    assert not offenders, f"Title Case on {page.request['PATH_INFO']}: {offenders}"
    return document


def _signed_in(user) -> Client:
    client = Client()
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    return client


@pytest.mark.parametrize(
    "name, heading",
    [
        ("account_login", "Sign in"),
        ("account_signup", "Sign up"),
        ("account_reset_password", "Password reset"),
        ("account_reset_password_done", "Password reset"),
        ("account_email_verification_sent", "Verify your email address"),
    ],
)
def test_signed_out_account_pages_use_the_site_layout_in_sentence_case(client, name, heading):
    document = _assert_site_page_in_sentence_case(client.get(reverse(name)))
    assert next(document.iter("h1")).text == heading


def test_signed_in_account_pages_use_the_site_layout_in_sentence_case():
    user = UserFactory(email="pages@example.org")
    client = _signed_in(user)
    expected = {
        "account_email": "Email addresses",
        "account_change_password": "Change password",
        "mfa_index": "Two-factor authentication",
        "mfa_activate_totp": "Activate authenticator app",
        "account_logout": "Sign out",
    }
    for name, heading in expected.items():
        document = _assert_site_page_in_sentence_case(client.get(reverse(name)))
        assert next(document.iter("h1")).text == heading, name
    settings_nav = [
        nav
        for nav in parse(client.get(reverse("account_email")).content).iter("nav")
        if nav.get("aria-label") == "Account settings"
    ]
    assert settings_nav, "the account pages share the profile's settings menu"


def test_two_factor_pages_from_enrolment_to_a_code_sign_in_are_in_sentence_case(settings):
    user = UserFactory(email="codes@example.org")
    client = _signed_in(user)
    activate = client.get(reverse("mfa_activate_totp"))
    secret = parse(activate.content).by_id("authenticator_secret").get("value")
    codes = client.post(reverse("mfa_activate_totp"), {"code": pyotp.TOTP(secret).now()}, follow=True)
    assert codes.redirect_chain[-1][0] == reverse("mfa_view_recovery_codes")
    document = _assert_site_page_in_sentence_case(codes)
    assert next(document.iter("h1")).text == "Recovery codes"
    assert len(document.by_id("recovery_codes").text.split()) >= 8
    _assert_site_page_in_sentence_case(client.get(reverse("mfa_generate_recovery_codes")))

    fresh = Client()
    challenge = fresh.post(reverse("account_login"), {"login": user.email, "password": PASSWORD}, follow=True)
    document = _assert_site_page_in_sentence_case(challenge)
    assert next(document.iter("h1")).text == "Two-factor authentication"

    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 0
    reauthenticate = client.get(reverse("mfa_deactivate_totp"), follow=True)
    document = _assert_site_page_in_sentence_case(reauthenticate)
    assert next(document.iter("h1")).text == "Confirm access"


def test_password_reset_from_the_emailed_link_is_in_sentence_case(client):
    UserFactory(email="reset.pages@example.org")
    client.post(reverse("account_reset_password"), {"email": "reset.pages@example.org"})
    link = re.search(r"/accounts/password/reset/key/\S+/", mail.outbox[0].body).group(0)
    document = _assert_site_page_in_sentence_case(client.get(link, follow=True))
    assert next(document.iter("h1")).text == "Change password"


def test_email_confirmation_page_is_in_sentence_case(client):
    client.post(
        reverse("account_signup"),
        {
            "email": "confirm.pages@example.org",
            "password1": "Correct-Horse-Battery-9",
            "password2": "Correct-Horse-Battery-9",
        },
    )
    link = re.search(r"/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    document = _assert_site_page_in_sentence_case(client.get(link))
    assert next(document.iter("h1")).text == "Confirm email address"


def _control_and_its_error(document, control_id):
    control = document.by_id(control_id)
    assert control.get("aria-invalid") == "true"
    errors = [element for element in control.described_by(document) if "error" in (element.get("class") or "")]
    assert len(errors) == 1, f"{control_id} is not tied to exactly one error"
    return control, errors[0]


def _in_document_order(document, *elements):
    order = list(document.iter())
    return [order.index(element) for element in elements] == sorted(order.index(element) for element in elements)


def test_a_refused_sign_up_password_is_explained_under_the_password_label_and_tied_to_its_box(client):
    response = client.post(
        reverse("account_signup"), {"email": "short@example.org", "password1": "short", "password2": "short"}
    )
    assert response.status_code == 200
    document = parse(response.content)
    password, error = _control_and_its_error(document, "id_password1")
    assert "too short" in error.text
    field = password.parent
    assert error.parent is field, "the error sits in the Password field, not above the form"
    label = next(field.iter("label"))
    assert label.get("for") == "id_password1" and label.text.startswith("Password")
    assert _in_document_order(document, label, error, password)
    # The email was fine: it carries no error and no claim of one.
    assert document.by_id("id_email").get("aria-invalid") is None


def test_a_mismatched_second_password_is_explained_beside_the_second_box(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "twice@example.org", "password1": "Correct-Horse-Battery-9", "password2": "Correct-Horse-Battery-0"},
    )
    document = parse(response.content)
    _, error = _control_and_its_error(document, "id_password2")
    assert "same password" in error.text
    assert document.by_id("id_password1").get("aria-invalid") is None


def test_a_wrong_password_at_sign_in_is_announced_above_the_form(client):
    UserFactory(email="typo@example.org")
    response = client.post(reverse("account_login"), {"login": "typo@example.org", "password": "not-it"})
    alerts = [element for element in parse(response.content).iter("div") if element.get("role") == "alert"]
    assert len(alerts) == 1 and "not correct" in alerts[0].text

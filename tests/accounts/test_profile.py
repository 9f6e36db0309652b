import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from accounts.models import Profile
from accounts.selectors import profile_is_complete_for_credit
from accounts.validators import npi_has_valid_check_digit
from tests.factories import PASSWORD, ProfileFactory, UserFactory
from tests.markup import parse

pytestmark = pytest.mark.django_db

COMPLETE = {
    "first_name": "Grace",
    "last_name": "Hopper-Adeyemi",
    "certificate_name": "Grace Hopper-Adeyemi, DO",
    "credentials": "DO",
    "profession": "physician",
    "institution": "Lakeside",
    "specialty": "Family medicine",
    "npi": "1234567893",
    "licence_state": "MI",
    "licence_number": "4301",
    "certifying_board": "ABFM",
    "board_id": "99",
    "birth_month": "7",
    "birth_day": "4",
    "reporting_consent": "on",
}


def _client_for(user) -> Client:
    client = Client()
    client.login(username=user.username, password=PASSWORD)
    return client


@pytest.mark.parametrize(
    "npi, valid", [("1234567893", True), ("1234567890", False), ("1245319599", True), ("0000000000", False)]
)
def test_npi_check_digit(npi, valid):
    assert npi_has_valid_check_digit(npi) is valid


def test_profile_rejects_an_npi_with_a_bad_check_digit_and_saves_nothing(user):
    response = _client_for(user).post(reverse("accounts:profile"), {**COMPLETE, "npi": "1234567890"})
    assert response.status_code == 200
    assert "fails its check digit" in response.content.decode()
    assert Profile.objects.get(user=user).npi == ""


def test_profile_saves_birth_month_and_day_only_and_timestamps_consent(user):
    response = _client_for(user).post(reverse("accounts:profile"), COMPLETE)
    assert response.status_code == 302
    profile = Profile.objects.get(user=user)
    assert (profile.birth_month, profile.birth_day) == (7, 4)
    assert profile.birth_month_day == "07/04"
    assert not any("year" in field.name for field in Profile._meta.get_fields())
    assert profile.reporting_consent is True
    assert profile.reporting_consent_changed_at is not None
    assert profile_is_complete_for_credit(user).is_complete


def test_consent_is_never_pre_ticked_and_withdrawal_is_recorded(user):
    client = _client_for(user)
    page = client.get(reverse("accounts:profile")).content.decode()
    checkbox = page[page.index('name="reporting_consent"') - 80 : page.index('name="reporting_consent"') + 80]
    assert "checked" not in checkbox

    client.post(reverse("accounts:profile"), COMPLETE)
    given_at = Profile.objects.get(user=user).reporting_consent_changed_at
    withdrawn = {k: v for k, v in COMPLETE.items() if k != "reporting_consent"}
    client.post(reverse("accounts:profile"), withdrawn)
    profile = Profile.objects.get(user=user)
    assert profile.reporting_consent is False
    assert profile.reporting_consent_changed_at > given_at


def test_impossible_birthday_is_refused(user):
    response = _client_for(user).post(reverse("accounts:profile"), {**COMPLETE, "birth_month": "2", "birth_day": "30"})
    assert "February has only 29 days" in response.content.decode()
    assert Profile.objects.get(user=user).birth_month is None


def test_database_refuses_a_day_without_a_month():
    profile = ProfileFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Profile.objects.filter(pk=profile.pk).update(birth_month=None)


def test_missing_fields_for_credit_are_named(user):
    readiness = profile_is_complete_for_credit(user)
    assert not readiness.is_complete
    assert "full name on certificates" in readiness.missing
    page = _client_for(user).get(reverse("accounts:profile")).content.decode()
    assert "Before you can claim credit" in page


def test_one_user_cannot_read_or_change_another_users_profile():
    owner = ProfileFactory(certificate_name="Owner Person, MD").user
    intruder = UserFactory()
    client = _client_for(intruder)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Owner Person" not in page
    assert client.get(f"/account/profile/{owner.profile.pk}/").status_code == 404
    # Naming the other user's id in the form changes nothing of theirs.
    client.post(reverse("accounts:profile"), {**COMPLETE, "user": owner.pk, "id": owner.profile.pk})
    owner.profile.refresh_from_db()
    assert owner.profile.certificate_name == "Owner Person, MD"
    assert Profile.objects.get(user=intruder).certificate_name == COMPLETE["certificate_name"]


def test_profile_requires_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def _still_missing(page) -> list[str]:
    notes = [element for element in parse(page.content).iter("div") if element.get("role") == "note"]
    return [item.text for note in notes for item in note.iter("li")]


def test_a_refused_save_lists_what_is_still_missing_not_the_fields_just_filled_in(user):
    submitted = {**COMPLETE, "certificate_name": "", "npi": "1234567890", "licence_state": "", "licence_number": ""}
    page = _client_for(user).post(reverse("accounts:profile"), submitted)
    assert page.status_code == 200
    # Names, credentials and profession were typed in: only what is still absent or wrong is asked for.
    assert _still_missing(page) == ["full name on certificates", "NPI or state licence"]
    alerts = [element for element in parse(page.content).iter("div") if element.get("role") == "alert"]
    assert len(alerts) == 1 and "not saved" in alerts[0].text
    assert [link.get("href") for link in alerts[0].iter("a")] == ["#id_npi"]
    assert Profile.objects.get(user=user).first_name == "", "a refused save stores nothing"


def test_a_refused_save_that_would_be_complete_says_so_only_once_saved(user):
    page = _client_for(user).post(reverse("accounts:profile"), {**COMPLETE, "npi": "1234567890"})
    assert _still_missing(page) == []
    assert "Once saved, your profile will have everything a certificate needs." in page.content.decode()


def test_each_profile_error_sits_in_its_field_tied_to_the_control_with_its_help_text(user):
    page = _client_for(user).post(
        reverse("accounts:profile"), {**COMPLETE, "npi": "1234567890", "birth_month": "2", "birth_day": "30"}
    )
    document = parse(page.content)
    for control_id, message in [("id_npi", "fails its check digit"), ("id_birth_day", "February has only 29 days")]:
        control = document.by_id(control_id)
        assert control.get("aria-invalid") == "true"
        described = control.described_by(document)
        assert None not in described, f"{control_id} points at a missing id"
        assert [element.get("id") for element in described] == [f"{control_id}_helptext", f"{control_id}_error"]
        error = described[1]
        assert message in error.text and error.parent is control.parent
    assert document.by_id("id_first_name").get("aria-invalid") is None

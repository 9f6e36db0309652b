"""Self-identification: asked of applicants and participants, kept only with consent, deleted
when consent is withdrawn, and seen by program directors alone."""

import pytest
from django.urls import reverse

from programs.demographics_forms import CONSENT_TEXT
from programs.models import SelfIdentification
from tests.factories import StaffFactory, UserFactory
from tests.programs.factories import ApplicationFactory, CohortFactory, ParticipantFactory

pytestmark = pytest.mark.django_db

PAGE = reverse("program_reports:self_identification")
WITHDRAW = reverse("program_reports:self_identification_withdraw")
ANSWERS = {
    "consented": "on",
    "underrepresented_in_medicine": "yes",
    "race_ethnicity": "Black, Nigerian-American",
    "gender_identity": "Woman",
    "first_generation_physician": "yes",
}


@pytest.fixture
def participant(client):
    participant = ParticipantFactory()
    client.force_login(participant.user)
    return participant


def test_the_page_says_exactly_who_sees_the_answers_before_the_questions(client, participant):
    response = client.get(PAGE)
    assert response.status_code == 200
    page = response.content.decode()
    expected = (
        "Only the program directors of Docere&#x27;s programs see these answers. They are never shown to "
        "facilitators, mentors or other participants, never printed on anything, and left out of every "
        "export unless a director chooses to include them, which is logged. You can change or delete "
        "them at any time."
    )
    assert expected in page
    assert CONSENT_TEXT.replace("'", "&#x27;") == expected
    assert page.index('name="consented"') < page.index('name="underrepresented_in_medicine"')


def test_answers_without_consent_are_not_stored(client, participant):
    response = client.post(PAGE, {**ANSWERS, "consented": ""})
    assert response.status_code == 400
    assert "Tick the consent box to save your answers" in response.content.decode()
    assert not SelfIdentification.objects.exists()


def test_answers_with_consent_are_stored_and_can_be_changed(client, participant):
    assert client.post(PAGE, ANSWERS).status_code == 302
    answers = SelfIdentification.objects.get(user=participant.user)
    assert answers.underrepresented_in_medicine == "yes"
    assert answers.race_ethnicity == "Black, Nigerian-American"
    assert answers.first_generation_physician is True

    client.post(PAGE, {"consented": "on", "underrepresented_in_medicine": "", "first_generation_physician": ""})
    answers.refresh_from_db()
    assert answers.underrepresented_in_medicine == "" and answers.race_ethnicity == ""
    assert answers.first_generation_physician is None


def test_every_question_may_be_left_blank(client, participant):
    assert client.post(PAGE, {"consented": "on"}).status_code == 302
    assert SelfIdentification.objects.filter(user=participant.user).exists()


def test_withdrawing_consent_deletes_the_row(client, participant):
    client.post(PAGE, ANSWERS)
    response = client.post(WITHDRAW, follow=True)
    assert "Your consent is withdrawn and your answers are deleted." in response.content.decode()
    assert not SelfIdentification.objects.filter(user=participant.user).exists()
    assert SelfIdentification.objects.count() == 0


def test_an_applicant_may_answer_too(client):
    application = ApplicationFactory()
    client.force_login(application.applicant)
    assert client.get(PAGE).status_code == 200


def test_someone_who_never_applied_finds_no_page(client):
    client.force_login(UserFactory())
    assert client.get(PAGE).status_code == 404
    assert client.post(PAGE, ANSWERS).status_code == 404
    assert client.post(WITHDRAW).status_code == 404
    assert not SelfIdentification.objects.exists()


def test_a_visitor_is_asked_to_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "login" in response["Location"]


def test_withdrawing_needs_a_post(client, participant):
    client.post(PAGE, ANSWERS)
    assert client.get(WITHDRAW).status_code == 405
    assert SelfIdentification.objects.filter(user=participant.user).exists()


def test_only_directors_see_the_answers_in_the_participant_list(client):
    cohort = CohortFactory()
    participant = ParticipantFactory(cohort=cohort)
    SelfIdentification.objects.create(user=participant.user, race_ethnicity="Diné", underrepresented_in_medicine="yes")
    facilitator = UserFactory(email="facilitator@example.org")
    cohort.facilitators.add(facilitator)
    other = ParticipantFactory(cohort=cohort)
    url = reverse("program_reports:participants", args=[cohort.pk])

    for who in (facilitator, other.user, participant.user):
        client.force_login(who)
        assert client.get(url).status_code == 404
        assert "Diné" not in client.get(reverse("program_reports:cohort", args=[cohort.pk])).content.decode()

    client.force_login(StaffFactory(groups=["Program directors"]))
    page = client.get(url).content.decode()
    assert "Diné" in page
    # The cohort report itself, which may be shown on a screen, leaves the answers out.
    assert "Diné" not in client.get(reverse("program_reports:cohort", args=[cohort.pk])).content.decode()

"""Who reaches which program page: everything outside a role is a 404, not a 403."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.programs.factories import (
    ApplicationFactory,
    CohortFactory,
    DirectorFactory,
    ParticipantFactory,
)

pytestmark = pytest.mark.django_db

OUTSIDERS = ["other_learner", "participant_elsewhere", "facilitator_elsewhere"]


@pytest.fixture
def world(private_media):
    cohort = CohortFactory()
    elsewhere = CohortFactory()
    application = ApplicationFactory(cohort=cohort)
    participant = ParticipantFactory(cohort=cohort)
    facilitator = UserFactory()
    cohort.facilitators.add(facilitator)
    other_facilitator = UserFactory()
    elsewhere.facilitators.add(other_facilitator)
    return {
        "cohort": cohort,
        "application": application,
        "participant": participant,
        "people": {
            "other_learner": UserFactory(),
            "participant_elsewhere": ParticipantFactory(cohort=elsewhere).user,
            "facilitator_elsewhere": other_facilitator,
            "facilitator": facilitator,
            "director": DirectorFactory(),
            "applicant": application.applicant,
        },
    }


def director_pages(world):
    application, cohort = world["application"], world["cohort"]
    return [
        reverse("programs:review"),
        reverse("programs:review_cohort", args=[cohort.pk]),
        reverse("programs:review_application", args=[application.pk]),
        reverse("programs:support_letter", args=[application.pk]),
    ]


def get_as(client, person, url):
    client.logout()
    if person is not None:
        client.force_login(person)
    return client.get(url)


def test_public_pages_are_open_to_everyone(client, world):
    program = world["cohort"].program
    for url in (reverse("programs:list"), reverse("programs:detail", args=[program.slug])):
        assert get_as(client, None, url).status_code == 200


def test_an_unpublished_program_does_not_exist_for_the_public(client, world):
    program = world["cohort"].program
    program.is_published = False
    program.save()
    assert get_as(client, None, reverse("programs:detail", args=[program.slug])).status_code == 404
    assert program.title not in get_as(client, None, reverse("programs:list")).text


def test_applying_and_my_applications_ask_anonymous_visitors_to_sign_in(client, world):
    cohort = world["cohort"]
    for url in (
        reverse("programs:apply", args=[cohort.program.slug, cohort.year]),
        reverse("programs:my_applications"),
    ):
        response = get_as(client, None, url)
        assert response.status_code == 302 and reverse("account_login") in response["Location"]
    response = client.post(reverse("programs:application_respond", args=[world["application"].pk]))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_nobody_answers_for_another_persons_application(client, world):
    application = world["application"]
    url = reverse("programs:application_respond", args=[application.pk])
    for name in [*OUTSIDERS, "director"]:
        client.force_login(world["people"][name])
        assert client.post(url, {"response": "withdraw"}).status_code == 404, name
    application.refresh_from_db()
    assert application.status == "submitted"


def test_only_directors_reach_the_review_pages(client, world):
    people = world["people"]
    for url in director_pages(world):
        assert get_as(client, None, url).status_code == 404, url
        for name in [*OUTSIDERS, "facilitator", "applicant"]:
            assert get_as(client, people[name], url).status_code == 404, (name, url)
        assert get_as(client, people["director"], url).status_code == 200, url


def test_a_director_without_a_second_factor_is_sent_to_enrol_one(client, world):
    director = DirectorFactory(totp=False)
    pages = [*director_pages(world), reverse("programs:roster", args=[world["cohort"].pk])]
    for url in pages:
        response = get_as(client, director, url)
        assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp"), url


def test_the_roster_is_for_directors_and_the_cohorts_own_facilitators(client, world):
    people = world["people"]
    url = reverse("programs:roster", args=[world["cohort"].pk])
    assert get_as(client, None, url).status_code == 404
    for name in [*OUTSIDERS, "applicant"]:
        assert get_as(client, people[name], url).status_code == 404, name
    # A participant of this very cohort does not see the others' details either.
    assert get_as(client, world["participant"].user, url).status_code == 404
    for name in ("facilitator", "director"):
        response = get_as(client, people[name], url)
        assert response.status_code == 200 and world["participant"].display_name in response.text


def test_only_directors_withdraw_a_participant(client, world):
    participant = world["participant"]
    url = reverse("programs:participant_withdraw", args=[world["cohort"].pk, participant.pk])
    assert client.post(url).status_code == 404
    for name in [*OUTSIDERS, "facilitator"]:
        client.force_login(world["people"][name])
        assert client.post(url).status_code == 404, name
    participant.refresh_from_db()
    assert participant.status == "active"
    client.force_login(world["people"]["director"])
    assert client.post(url).status_code == 302
    participant.refresh_from_db()
    assert participant.status == "withdrawn"


def test_the_letter_of_support_has_no_public_address(client, world):
    application = world["application"]
    assert "/media/" not in application.support_letter.name
    client.force_login(world["people"]["director"])
    response = client.get(reverse("programs:support_letter", args=[application.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert "no-store" in response["Cache-Control"]

"""Each credential's place in the revocation list is drawn at random (Bitstring Status List
v1.0 §2.1: statusListIndex SHOULD be random), is unique in its list, and is never handed to
another certificate, even after its own certificate is deleted."""

import pytest
from django.db import IntegrityError, connection
from django.db.migrations.executor import MigrationExecutor

from badges.models import STATUS_LIST_BITS, StatusListEntry
from badges.services import status_entry_for
from certificates.models import CertificateStatus
from certificates.services import certificate_revoke
from tests.api.records import bare_course, certificate, completion
from tests.badges.verifier import credential_status, verify_open_badge
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def own_keys(settings, tmp_path):
    settings.OPEN_BADGES_SIGNING_KEY_FILES = []
    settings.OPEN_BADGES_GENERATED_KEY_DIR = tmp_path / "keys"


def issued_credential(client, made) -> dict:
    client.force_login(made.user)
    return verify_open_badge(client, client.get(f"/credentials/{made.code}/download/").content.decode()).credential


@pytest.mark.django_db
def test_status_indexes_are_random_and_say_nothing_about_issue_order(client):
    course = bare_course()
    made = [certificate(completion(course)) for _ in range(30)]
    indexes = [int(issued_credential(client, one)["credentialStatus"]["statusListIndex"]) for one in made]
    assert len(set(indexes)) == 30
    assert indexes != sorted(indexes)
    assert indexes != [one.pk % STATUS_LIST_BITS for one in made]  # what the database id gave before
    # Spread over the whole list, not packed at its start (chance of failing: about 1e-45).
    assert max(indexes) > 4096
    rows = StatusListEntry.objects.filter(certificate__in=made)
    assert sorted(rows.values_list("index", flat=True)) == sorted(indexes)


@pytest.mark.django_db
def test_a_credential_keeps_its_position_on_every_download(client):
    made = certificate(completion(bare_course()))
    first = issued_credential(client, made)["credentialStatus"]
    assert issued_credential(client, made)["credentialStatus"] == first
    assert StatusListEntry.objects.filter(certificate=made).count() == 1


@pytest.mark.django_db
def test_a_drawn_position_that_is_taken_is_drawn_again(monkeypatch):
    taken = status_entry_for(certificate=certificate(completion(bare_course())))
    # The random source is the boundary here, as the clock is elsewhere: it first offers the
    # position already taken.
    draws = iter([taken.index, (taken.index + 1) % STATUS_LIST_BITS])
    monkeypatch.setattr("secrets.randbelow", lambda limit: next(draws))
    second = status_entry_for(certificate=certificate(completion(bare_course())))
    assert (second.list_number, second.index) == (taken.list_number, (taken.index + 1) % STATUS_LIST_BITS)
    assert StatusListEntry.objects.count() == 2


@pytest.mark.django_db
def test_the_database_refuses_the_same_position_twice():
    entry = status_entry_for(certificate=certificate(completion(bare_course())))
    with pytest.raises(IntegrityError):
        StatusListEntry.objects.create(list_number=entry.list_number, index=entry.index)


@pytest.mark.django_db
def test_a_position_beyond_the_list_size_is_refused():
    with pytest.raises(IntegrityError):
        StatusListEntry.objects.create(list_number=0, index=STATUS_LIST_BITS)


@pytest.mark.django_db
def test_a_deleted_certificates_position_is_kept_revoked_and_never_reused(client, monkeypatch):
    gone = certificate(completion(bare_course()))
    credential = issued_credential(client, gone)
    position = int(credential["credentialStatus"]["statusListIndex"])
    gone.delete()

    kept = StatusListEntry.objects.get(index=position)
    assert kept.certificate is None
    # Its credential, still in someone's wallet, no longer stands.
    assert credential_status(client, credential).is_set is True
    # A new certificate whose first draw lands on that position gets another one.
    draws = iter([position, (position + 7) % STATUS_LIST_BITS])
    monkeypatch.setattr("secrets.randbelow", lambda limit: next(draws))
    newcomer = certificate(completion(bare_course()))
    assert (
        int(issued_credential(client, newcomer)["credentialStatus"]["statusListIndex"])
        == (position + 7) % STATUS_LIST_BITS
    )


@pytest.mark.django_db
def test_revoking_sets_the_bit_at_the_random_position_only(client):
    course = bare_course()
    revoked, kept = certificate(completion(course)), certificate(completion(course))
    revoked_credential, kept_credential = issued_credential(client, revoked), issued_credential(client, kept)
    certificate_revoke(certificate=revoked, actor=UserFactory(is_staff=True), reason="Attendance not confirmed.")
    assert credential_status(client, revoked_credential).is_set is True
    assert credential_status(client, kept_credential).is_set is False


@pytest.mark.django_db(transaction=True)
def test_certificates_issued_before_random_positions_keep_the_position_their_credentials_name(client):
    """Credentials handed out before positions were random name list id // 131,072, index
    id % 131,072: the migration records exactly that, so revoking one of those certificates
    still sets the bit its credential points at."""
    executor = MigrationExecutor(connection)
    executor.migrate([("badges", "0001_status_list_entries")])
    course = bare_course()
    existing = [certificate(completion(course)) for _ in range(12)]
    revoked = certificate(completion(course), status=CertificateStatus.REVOKED)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([("badges", "0002_keep_positions_of_existing_certificates")])

    entries = {entry.certificate_id: entry for entry in StatusListEntry.objects.all()}
    assert set(entries) == {one.pk for one in [*existing, revoked]}
    for one in [*existing, revoked]:
        assert (entries[one.pk].list_number, entries[one.pk].index) == divmod(one.pk, STATUS_LIST_BITS)
    credential = issued_credential(client, existing[0])
    assert int(credential["credentialStatus"]["statusListIndex"]) == existing[0].pk % STATUS_LIST_BITS
    assert credential_status(client, credential).is_set is False
    listed = credential_status(
        client,
        {
            **credential,
            "credentialStatus": {
                **credential["credentialStatus"],
                "statusListIndex": str(revoked.pk % STATUS_LIST_BITS),
            },
        },
    )
    assert listed.is_set is True
    # A certificate issued afterwards draws a random position that none of those holds.
    newcomer = status_entry_for(certificate=certificate(completion(course)))
    assert (newcomer.list_number, newcomer.index) not in {(e.list_number, e.index) for e in entries.values()}

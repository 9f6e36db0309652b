import pytest

from tests.programs.factories import DirectorFactory


@pytest.fixture
def director(client):
    """A program director, signed in on `client`."""
    person = DirectorFactory()
    client.force_login(person)
    return person

import pytest

from tests import factories
from tracker.actors import SystemActor


@pytest.fixture
def owner(db):
    """A coordinator who owns `initiative`."""
    return factories.coordinator("owner")


@pytest.fixture
def other_coordinator(db):
    """A coordinator who owns nothing here: the "teammate" who must not change the owner's work."""
    return factories.coordinator("other")


@pytest.fixture
def viewer(db):
    return factories.viewer()


@pytest.fixture
def analyst(db):
    return factories.analyst()


@pytest.fixture
def admin_user(db):
    return factories.superuser()


@pytest.fixture
def initiative(owner):
    return factories.InitiativeFactory(owner=owner)


@pytest.fixture
def system():
    return SystemActor("test")

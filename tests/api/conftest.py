"""The cast of the API tests: a partner region and another one, a shared and an internal initiative there, and
API keys (read, write, write-but-restricted to one region) with clients that send them."""

import pytest

from tests import factories
from tests.api import key_client, user_client
from tests.clients import ApiClient
from tracker.domain.choices import Visibility


@pytest.fixture
def api_client():
    """An anonymous client; call `.credentials(...)` or `.force_authenticate(...)` to become someone."""
    return ApiClient()


@pytest.fixture
def shared_initiative(owner, partner_region):
    """Owned by `owner`, shared with partners in RU-LIP."""
    return factories.InitiativeFactory(
        code="shared-one", owner=owner, partner_region=partner_region, visibility=Visibility.SHARED
    )


@pytest.fixture
def internal_initiative(owner, partner_region):
    """Owned by `owner`, in RU-LIP but never shown to partner keys."""
    return factories.InitiativeFactory(
        code="internal-one", owner=owner, partner_region=partner_region, visibility=Visibility.INTERNAL
    )


@pytest.fixture
def read_client(make_key):
    return key_client(make_key("reader")[1])


@pytest.fixture
def write_client(make_key):
    return key_client(make_key("writer", write=True)[1])


@pytest.fixture
def regional_client(make_key, partner_region):
    """A write key restricted to RU-LIP."""
    return key_client(make_key("lipetsk", write=True, region=partner_region)[1])


@pytest.fixture
def superuser_client(admin_user):
    """A superuser's API session."""
    return user_client(admin_user)

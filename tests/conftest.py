import itertools
import os

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.translation import trans_real

from tests import factories
from tests.clients import PageClient
from tracker.api import keyring
from tracker.api.throttling import refill_budgets
from tracker.domain.actors import SystemActor
from tracker.domain.choices import RegionKind
from tracker.models import ApiKey


def pytest_configure(config):
    # whitenoise warns on every test client when the collected-static folder is missing
    django_settings.STATIC_ROOT.mkdir(exist_ok=True)
    # Installations default to Russian (LANGUAGE_CODE); tests read English unless they ask for a language, and so do
    # the servers and workers they start as processes. tests/test_default_language.py checks the Russian default.
    django_settings.LANGUAGE_CODE = "en"
    os.environ["LANGUAGE_CODE"] = "en"
    trans_real._default = None  # the fallback catalogue Django cached from the settings as they were at set-up


@pytest.fixture(autouse=True)
def _empty_cache():
    """The cache, the API's rate budgets and its kept keys outlive a test's rolled-back data: each test starts
    without what an earlier one left there (the dashboard's figures, requests counted against a key)."""
    cache.clear()
    refill_budgets()
    keyring.forget()  # API keys kept by this process (with Redis budgets: tests/api/test_keyring.py)


@pytest.fixture(autouse=True)
def _default_language_and_time_zone():
    """A request through the test client activates its language and leaves it active in this thread, and code
    under test may activate a time zone: each test starts, and leaves, with the settings' defaults. (CI runs the
    tests in random order, so a leak shows up as a failure in whichever test comes next.)"""
    translation.deactivate()
    timezone.deactivate()
    yield
    translation.deactivate()
    timezone.deactivate()


@pytest.fixture
def client():
    """pytest-django's `client` (and so `admin_client`), serving each request through the middleware stack
    production picks for it (tests/clients.py)."""
    return PageClient()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2 costs ~0.3 s a password by design; tests create many users and check no password strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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


@pytest.fixture
def make_key(db):
    """make_key(name=None, *, write=False, region=None, **fields) -> (ApiKey, token)."""
    numbers = itertools.count(1)

    def make(name=None, *, write=False, region=None, **fields):
        return ApiKey.issue(name or f"partner-{next(numbers)}", can_write=write, region=region, **fields)

    return make


@pytest.fixture
def partner_region(db):
    """Lipetsk Oblast, the partner region of the first case."""
    return factories.RegionFactory(code="RU-LIP", name="Lipetsk Oblast", kind=RegionKind.SUBDIVISION)


@pytest.fixture
def other_region(db):
    """Voronezh Oblast: a partner region that the tests' keys, initiatives or figures are not of."""
    return factories.RegionFactory(code="RU-VOR", name="Voronezh Oblast", kind=RegionKind.SUBDIVISION)

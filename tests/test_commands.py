"""The management commands a fresh checkout runs: load_seeds and create_demo_users."""

import io
import stat
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from tracker.domain.permissions import ANALYSTS, COORDINATORS, VIEWERS
from tracker.models import Initiative

pytestmark = pytest.mark.django_db

SEEDS = Path(settings.BASE_DIR) / "seeds"
EXPECTED_GROUPS = {"admin": set(), "coordinator": {COORDINATORS}, "analyst": {ANALYSTS}, "viewer": {VIEWERS}}


@pytest.fixture(autouse=True)
def development(settings):
    """pytest-django runs with DEBUG off; the demo command is meant for development, so turn it on.
    A fast hasher keeps the four password hashes from dominating the run time."""
    settings.DEBUG = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def credentials(tmp_path):
    return tmp_path / ".demo-credentials"


def run(name, **options):
    out = io.StringIO()
    call_command(name, stdout=out, **options)
    return out.getvalue()


def passwords_in(path):
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return dict(rows)


# create_demo_users ------------------------------------------------------------------------------------------------


def test_create_demo_users_creates_four_staff_users_in_their_groups(credentials):
    run("create_demo_users", credentials_file=credentials)

    users = get_user_model().objects.filter(username__in=EXPECTED_GROUPS)
    assert {user.username: set(user.groups.values_list("name", flat=True)) for user in users} == EXPECTED_GROUPS
    assert all(user.is_staff and user.is_active for user in users)
    assert {user.username for user in users if user.is_superuser} == {"admin"}


def test_the_passwords_are_printed_once_and_written_to_a_private_file(credentials):
    output = run("create_demo_users", credentials_file=credentials)

    passwords = passwords_in(credentials)
    assert set(passwords) == set(EXPECTED_GROUPS)
    assert stat.S_IMODE(credentials.stat().st_mode) == 0o600
    for username, password in passwords.items():
        assert password in output
        assert get_user_model().objects.get(username=username).check_password(password)
    assert len(set(passwords.values())) == 4  # generated, not one shared password


def test_a_second_run_changes_nothing_and_prints_no_password(credentials):
    run("create_demo_users", credentials_file=credentials)
    file_before = credentials.read_text(encoding="utf-8")
    users_before = sorted(get_user_model().objects.values_list("username", "password", "last_login"))

    output = run("create_demo_users", credentials_file=credentials)

    assert str(credentials) in output and "already" in output
    assert not any(password in output for password in passwords_in(credentials).values())
    assert credentials.read_text(encoding="utf-8") == file_before
    assert sorted(get_user_model().objects.values_list("username", "password", "last_login")) == users_before


def test_a_lost_credentials_file_gives_every_account_a_fresh_password(credentials):
    run("create_demo_users", credentials_file=credentials)
    old = passwords_in(credentials)
    credentials.unlink()

    run("create_demo_users", credentials_file=credentials)

    new = passwords_in(credentials)
    assert set(new) == set(old) and not set(new.values()) & set(old.values())
    assert get_user_model().objects.get(username="viewer").check_password(new["viewer"])


def test_create_demo_users_refuses_to_run_with_debug_off_unless_forced(settings, credentials):
    settings.DEBUG = False

    with pytest.raises(CommandError, match=r"DEBUG=1.*--force"):
        run("create_demo_users", credentials_file=credentials)
    assert not get_user_model().objects.exists() and not credentials.exists()

    run("create_demo_users", credentials_file=credentials, force=True)
    assert get_user_model().objects.count() == 4


def test_the_coordinator_owns_the_seeded_initiatives_that_had_no_owner(credentials, owner):
    run("load_seeds", path=SEEDS)
    Initiative.objects.filter(code="trade-balance").update(owner=owner)

    output = run("create_demo_users", credentials_file=credentials)

    coordinator = get_user_model().objects.get(username="coordinator")
    assert set(Initiative.objects.filter(owner=coordinator).values_list("code", flat=True)) == set(
        Initiative.objects.exclude(code="trade-balance").values_list("code", flat=True)
    )
    assert Initiative.objects.get(code="trade-balance").owner == owner
    assert "coordinator now owns 7 seeded initiative(s)" in output
    assert Initiative.history.filter(history_actor="create_demo_users").count() == 7


def test_seeds_loaded_again_after_the_demo_users_leave_the_owners_alone(credentials):
    run("load_seeds", path=SEEDS)
    run("create_demo_users", credentials_file=credentials)
    versions = dict(Initiative.objects.values_list("code", "version"))

    output = run("load_seeds", path=SEEDS)

    assert "Nothing changed" in output
    assert dict(Initiative.objects.values_list("code", "version")) == versions
    assert not Initiative.objects.filter(owner__isnull=True).exists()


# load_seeds -------------------------------------------------------------------------------------------------------


def test_load_seeds_prints_created_updated_and_unchanged_per_model():
    first = run("load_seeds", path=SEEDS)
    second = run("load_seeds", path=SEEDS)

    assert "initiatives" in first and "8 created, 0 updated, 0 unchanged" in first
    assert "observations" in first and "10 created" in first
    assert "0 created, 0 updated, 8 unchanged" in second
    assert "Nothing changed" in second


def test_load_seeds_reports_a_bad_file_as_a_command_error_and_writes_nothing(tmp_path):
    (tmp_path / "bad.yaml").write_text(
        "regions:\n  - {code: BY, name: Belarus, kind: country, source_detail: paragraph 1}\n", encoding="utf-8"
    )

    with pytest.raises(CommandError) as error:
        run("load_seeds", path=tmp_path)

    assert "bad.yaml: regions[0] (BY), field `source`" in str(error.value)
    assert "Nothing was written" in str(error.value)
    assert not Initiative.objects.exists()

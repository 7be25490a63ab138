"""`python manage.py create_demo_users`: one account per role for a local demo, passwords printed once.

Creates `admin` (superuser), `coordinator`, `analyst` and `viewer` (each in its group), all staff, with random
passwords that are printed once and written to `.demo-credentials` (mode 0600, git-ignored). When that file
exists and the accounts do too, it only says where the passwords are; otherwise every demo account gets a fresh
password and the file is rewritten. It makes `coordinator` the owner of the
seeded initiatives that have none, so the demo can show the workflow. It refuses to run with DEBUG off unless
given --force: it creates accounts whose passwords sit in a file.
"""

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from tracker.data.seeds import seeded_initiatives
from tracker.domain import initiatives
from tracker.domain.actors import SystemActor
from tracker.domain.context import acting_as
from tracker.domain.permissions import ANALYSTS, COORDINATORS, VIEWERS

ACTOR = SystemActor("create_demo_users")
# username → group (None: the superuser, who needs none)
DEMO_USERS = {"admin": None, "coordinator": COORDINATORS, "analyst": ANALYSTS, "viewer": VIEWERS}


class Command(BaseCommand):
    help = "Create demo accounts admin, coordinator, analyst and viewer; print their passwords once (DEBUG only)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--credentials-file",
            type=Path,
            default=None,
            help="Where to write the passwords (default: .demo-credentials in the project root).",
        )
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (it creates accounts with known passwords)."
        )

    def handle(self, *args, credentials_file=None, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "create_demo_users creates accounts whose passwords are written to a file, so it runs only with "
                "DEBUG=1. Pass --force if you really want demo accounts here."
            )
        path = credentials_file or Path(settings.BASE_DIR) / ".demo-credentials"
        with transaction.atomic(), acting_as(ACTOR):
            if path.exists() and _all_exist():
                self.stdout.write(f"The demo users exist already; their passwords are in {path}.")
            else:
                self._create(path)
            self._give_unowned_initiatives_to_coordinator()

    def _create(self, path):
        passwords = {username: _set_up(username, group) for username, group in DEMO_USERS.items()}
        # Written inside the transaction: if the file cannot be written, no account gets a password nobody knows.
        _write_credentials(path, passwords)
        self.stdout.write(f"Demo users (passwords shown once; also in {path}):")
        for username, password in passwords.items():
            self.stdout.write(f"  {username:<12} {password}")

    def _give_unowned_initiatives_to_coordinator(self):
        coordinator = get_user_model().objects.get(username="coordinator")
        unowned = seeded_initiatives().filter(owner__isnull=True)
        for initiative in unowned:  # one change each, with its version, change-log row and event
            initiatives.update(initiative, {"owner": coordinator}, by=ACTOR, expected_version=initiative.version)
        if unowned:
            self.stdout.write(f"coordinator now owns {len(unowned)} seeded initiative(s).")


def _all_exist():
    return get_user_model().objects.filter(username__in=DEMO_USERS).count() == len(DEMO_USERS)


def _set_up(username, group_name):
    """Create or reset `username` with a fresh random password, in exactly its demo group; return the password."""
    user, _ = get_user_model().objects.get_or_create(username=username, defaults={"email": f"{username}@example.org"})
    user.is_staff = user.is_active = True
    user.is_superuser = group_name is None
    password = secrets.token_urlsafe(15)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    user.groups.set([_group(group_name)] if group_name else [])
    return password


def _group(name):
    try:
        return Group.objects.get(name=name)
    except Group.DoesNotExist:
        raise CommandError(f"The group “{name}” does not exist; run `python manage.py migrate` first.") from None


def _write_credentials(path, passwords):
    created = timezone.localtime()
    lines = [
        f"# Demo accounts from `manage.py create_demo_users`, {created:%Y-%m-%d %H:%M %Z}. Local use only.",
        *(f"{username}\t{password}" for username, password in passwords.items()),
    ]
    # Created 0600 from the start, and chmod'ed in case an older file had looser rights.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    os.chmod(path, 0o600)

"""`manage.py create_api_key --name NAME [--write] [--region CODE] [--expires-days N]`: prints the key once."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError
from django.utils import timezone

from tracker.models import ApiKey, Region


class Command(BaseCommand):
    help = "Create an API key for a partner system. The key is printed once; only its digest is stored."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="Who uses the key, e.g. lipetsk-tracker (unique).")
        parser.add_argument("--write", action="store_true", help="Allow writes (default: read only).")
        parser.add_argument("--region", help="Restrict to one partner region, by ISO code (e.g. RU-LIP).")
        parser.add_argument("--expires-days", type=int, help="Expire after this many days (default: never).")

    def handle(self, *args, name, write, region, expires_days, **options):
        fields = {"can_write": write}
        if region:
            fields["region"] = Region.objects.filter(code=region).first()
            if fields["region"] is None:
                raise CommandError(f"--region {region!r}: no region with that ISO code; see the admin's regions.")
        if expires_days is not None:
            if expires_days < 1:
                raise CommandError("--expires-days must be at least 1.")
            fields["expires_at"] = timezone.now() + datetime.timedelta(days=expires_days)
        name = name.strip()
        if not name:
            raise CommandError("--name must not be empty.")
        try:
            key, token = ApiKey.issue(name, **fields)
        except IntegrityError:
            raise CommandError(f"--name {name!r}: a key with this name exists; choose another name.") from None
        scope = "read-write" if key.can_write else "read-only"
        self.stdout.write(f"Created {scope} API key “{key.name}”. Store it now; it is not shown again:")
        self.stdout.write(token)

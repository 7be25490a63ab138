"""Backups are lossless: seed data and changes made through the domain, backed up, then damaged, then restored,
and every table (history and events included) holds exactly the rows it held at the backup.

Runs on SQLite (the online backup API) and on PostgreSQL (pg_dump / pg_restore, which must be on PATH). The
data must be committed for pg_dump to see it, hence transactional tests.
"""

import hashlib
import shutil
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests import committed_data, factories
from tracker.domain import workflow
from tracker.domain.actors import SystemActor
from tracker.models import ApiKey, Area, Event, Initiative, Observation, TradeIndicator
from tracker.ops.backups import BackupError, restore

pytestmark = committed_data()

needs_pg_tools = pytest.mark.skipif(
    connection.vendor == "postgresql" and not (shutil.which("pg_dump") and shutil.which("pg_restore")),
    reason="pg_dump and pg_restore are not on PATH (Debian: apt-get install postgresql-client)",
)


def table_digests():
    """{table: (row count, digest of its rows)} for every table of the database."""
    digests = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows = sorted(repr(row) for row in cursor.fetchall())
            digests[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return digests


def make_changes_through_the_domain():
    system = SystemActor("backup test")
    initiative = Initiative.objects.order_by("code").first()
    workflow.transition(initiative, workflow.allowed_transitions(initiative, system)[0], by=system, note="moved")
    indicator = TradeIndicator.objects.order_by("code").first()
    Observation(indicator=indicator, period="2031", value=Decimal("12.50"), note="added after the seeds").save()
    initiative.refresh_from_db()
    initiative.title = "Renamed before the backup"
    initiative.save_versioned(initiative.version)


def damage():
    initiative = Initiative.objects.order_by("code").first()
    initiative.title = "Changed after the backup"
    initiative.save_versioned(initiative.version)
    Observation.objects.filter(period="2031").delete()
    Initiative.history.all().delete()
    Event.objects.all().delete()
    ApiKey.issue("made-after-the-backup")


@needs_pg_tools
def test_a_restored_backup_holds_exactly_the_rows_backed_up(tmp_path):
    call_command("load_seeds", stdout=StringIO())
    make_changes_through_the_domain()
    before = table_digests()
    assert before["tracker_event"][0] and before["tracker_historicalinitiative"][0]

    out = StringIO()
    call_command("backup", dir=tmp_path, stdout=out)
    [path] = tmp_path.iterdir()
    assert out.getvalue().strip() == str(path)
    assert path.name.startswith("tracker-") and path.suffix == (
        ".dump" if connection.vendor == "postgresql" else ".sqlite3"
    )
    assert path.stat().st_mode & 0o077 == 0  # password hashes and key digests are in there

    damage()
    assert table_digests() != before
    call_command("restore", path, interactive=False, stdout=StringIO())

    after = table_digests()
    assert {table for table in before if before[table] != after.get(table)} == set()
    assert after == before
    # Sequences came back too: new rows get fresh ids.
    ApiKey.issue("made-after-the-restore")
    factories.AreaFactory()


@needs_pg_tools
def test_restore_asks_first_and_a_no_changes_nothing(tmp_path, monkeypatch):
    factories.AreaFactory(code="kept")
    call_command("backup", dir=tmp_path, stdout=StringIO())
    [path] = tmp_path.iterdir()
    factories.AreaFactory(code="made-later")
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)  # as at a terminal (tests/test_cron.py: without one)
    monkeypatch.setattr("builtins.input", lambda question: "no")
    with pytest.raises(CommandError, match="Nothing was restored"):
        call_command("restore", path)
    assert Area.objects.filter(code="made-later").exists()


def test_restore_refuses_a_file_that_is_not_a_backup_of_this_kind_of_database(tmp_path):
    bogus = tmp_path / "tracker-20260101-000000.dump"
    bogus.write_bytes(b"not a backup at all")
    with pytest.raises(BackupError, match="is not a"):
        restore(bogus)
    with pytest.raises(CommandError, match="is not a file"):
        call_command("restore", tmp_path / "missing.dump", interactive=False)

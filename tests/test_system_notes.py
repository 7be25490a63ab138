"""Journal notes the system writes read in the reader's language (#16). Before, a Russian reader saw
"Put on hold from the list." and "Status from the seed data (…)" in English; a person's note stays as written."""

import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse

from tests import factories
from tests.admin.helpers import admin_url
from tests.api import user_client
from tracker.data.seeds import load_seeds
from tracker.domain import workflow
from tracker.domain.choices import Status
from tracker.models import Initiative, StatusUpdate

pytestmark = pytest.mark.django_db

migration = importlib.import_module("tracker.migrations.0013_system_notes_by_key")


def test_the_seed_loaders_note_reads_in_the_readers_language(admin_user, client):
    load_seeds(Path(settings.BASE_DIR) / "seeds")
    client.force_login(admin_user)
    url = reverse("initiative-detail", args=["lipetsk-vehicle-assembly"])

    russian = client.get(url, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Статус из исходных данных" in russian and "Status from the seed data" not in russian
    assert "Status from the seed data (belta-2023-06-01-belarus-lipetsk, paragraph 4)." in english


def test_the_bulk_actions_note_reads_in_the_readers_language(admin_user, client, initiative):
    workflow.transition(initiative, Status.UNDER_STUDY, by=admin_user)
    client.force_login(admin_user)
    client.post(
        admin_url(Initiative, "changelist"),
        {"action": "put_on_hold", "_selected_action": [initiative.pk]},
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    entry = StatusUpdate.objects.get(initiative=initiative, to_status=Status.ON_HOLD)
    assert (entry.note_key, entry.note) == ("put_on_hold_from_list", "Put on hold from the list.")

    journal = user_client(admin_user).get(f"/api/v1/initiatives/{initiative.code}/journal/?lang=ru").json()

    assert journal["results"][0]["note"] == "Приостановлено из списка."


def test_a_persons_note_stays_as_written(admin_user, initiative):
    entry = workflow.transition(initiative, Status.UNDER_STUDY, by=admin_user, note="Согласовано на встрече")
    assert (entry.note_key, entry.note_text) == ("", "Согласовано на встрече")


def test_the_migration_keys_the_system_notes_written_before(admin_user, initiative):
    seeded = workflow.transition(
        initiative, Status.UNDER_STUDY, by=admin_user, note="Status from the seed data (belta, paragraph 4)."
    )
    held = workflow.transition(initiative, Status.ON_HOLD, by=admin_user, note="Put on hold from the list.")
    own = factories.InitiativeFactory()
    persons = workflow.transition(own, Status.UNDER_STUDY, by=admin_user, note="Status from the seed data, I think")

    migration.keys_for_system_notes(apps, None)

    rows = StatusUpdate.objects.in_bulk([seeded.pk, held.pk, persons.pk])
    assert (rows[seeded.pk].note_key, rows[seeded.pk].note_params) == (
        "seeded",
        {"source": "belta", "detail": "paragraph 4"},
    )
    assert rows[held.pk].note_key == "put_on_hold_from_list"
    assert rows[persons.pk].note_key == ""

"""The admin's history in words (#18): status and health changes as "from → to" with their labels, an owner that
was not set as "—", never "None" or "Deleted user (pk=None)". Before, those rows showed codes and "None"."""

import pytest
from django.urls import reverse

from tests import factories
from tracker.domain import initiatives, workflow
from tracker.domain.choices import Status

pytestmark = pytest.mark.django_db


def test_the_history_reads_in_words(client, admin_user):
    initiative = factories.InitiativeFactory(owner=None)
    workflow.transition(initiative, Status.UNDER_STUDY, by=admin_user, note="Working group formed")
    initiative.refresh_from_db()
    initiatives.update(initiative, {"owner": admin_user}, by=admin_user, expected_version=initiative.version)
    client.force_login(admin_user)

    page = client.get(reverse("admin:tracker_initiative_history", args=[initiative.pk])).content.decode()

    history = page[page.index('id="change-history"') : page.index("</table>", page.index("change-history"))]
    assert "Proposed&nbsp;&rarr;&nbsp;&nbsp;Under study" in history
    assert "—&nbsp;&rarr;" in history  # the owner that was not set
    for raw in ("None", "Deleted user", "under_study", "pk="):
        assert raw not in history, raw

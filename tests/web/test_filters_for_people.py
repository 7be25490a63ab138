"""The initiative filters as people use them (#18): status and health as ticks, "overdue" as Any/Yes/No, the
change date as a date picker in plain words. Before: Ctrl-click lists, "Unknown" meaning any, "(ISO 8601)"."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tracker.domain.choices import Status
from tracker.models import Initiative

pytestmark = pytest.mark.django_db


def test_the_filters_are_ticks_radios_and_a_date(client, viewer):
    client.force_login(viewer)

    page = client.get(reverse("initiative-list")).content.decode()

    assert 'type="checkbox" name="status" value="proposed"' in page and 'type="checkbox" name="health"' in page
    assert '<select name="status"' not in page and "multiple" not in page
    assert 'type="radio" name="overdue" value="" ' in page and "Unknown" not in page
    assert 'type="date" name="updated_since"' in page and "ISO 8601" not in page


def test_ticks_radios_and_a_date_filter_as_before(client, viewer, owner):
    late = factories.InitiativeFactory(owner=owner, code="late")
    factories.MilestoneFactory(initiative=late, due_date=timezone.localdate() - datetime.timedelta(days=2))
    factories.InitiativeFactory(owner=owner, code="quiet")
    factories.InitiativeFactory(owner=owner, code="agreed")
    Initiative.objects.exclude(code="agreed").update(status=Status.UNDER_STUDY)  # as if moved along earlier
    Initiative.objects.filter(code="agreed").update(status=Status.AGREED)
    Initiative.objects.filter(code="quiet").update(updated_at=timezone.now() - datetime.timedelta(days=90))
    client.force_login(viewer)

    def codes(query):
        return [row.code for row in client.get(reverse("initiative-list") + query).context["page"]]

    assert codes("?status=under_study&status=agreed") == ["agreed", "late", "quiet"]
    assert codes("?overdue=true") == ["late"]
    assert codes("?overdue=false&status=under_study") == ["quiet"]
    assert codes("?overdue=") == ["agreed", "late", "quiet"]
    since = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    assert codes(f"?updated_since={since}") == ["agreed", "late"]

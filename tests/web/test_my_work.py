"""My work, a coordinator's home (#17): what they own, deadlines of what they own or watch (overdue, then by week
over the next 30 days), what waits on them, and what others changed. Before, there was only the dashboard, with
overdue (not upcoming) deadlines of everyone."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tracker.domain import workflow
from tracker.domain.choices import Health, MilestoneState, Status
from tracker.models import Initiative, Watch

pytestmark = pytest.mark.django_db


def _days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def world(owner, other_coordinator):
    mine = factories.InitiativeFactory(owner=owner, code="mine", title="Trams for Lipetsk")
    watched = factories.InitiativeFactory(owner=other_coordinator, code="watched", title="Watched one")
    Watch.objects.create(user=owner, initiative=watched)
    theirs = factories.InitiativeFactory(owner=other_coordinator, code="theirs")
    factories.MilestoneFactory(initiative=mine, title="Late one", due_date=_days(-3))
    factories.MilestoneFactory(initiative=mine, title="Soon one", due_date=_days(5))
    factories.MilestoneFactory(initiative=watched, title="Watched soon", due_date=_days(12))
    factories.MilestoneFactory(initiative=mine, title="Far one", due_date=_days(60))
    factories.MilestoneFactory(
        initiative=mine, title="Done one", due_date=_days(2), state=MilestoneState.DONE, done_on=_days(0)
    )
    factories.MilestoneFactory(initiative=theirs, title="Not yours", due_date=_days(3))
    return {"mine": mine, "watched": watched, "theirs": theirs}


def test_my_deadlines_overdue_then_by_week_within_the_horizon(world, owner, client):
    client.force_login(owner)

    page = client.get(reverse("my-work")).content.decode()

    assert page.index("Late one") < page.index("Soon one") < page.index("Watched soon")
    for absent in ("Far one", "Done one", "Not yours"):
        assert absent not in page
    assert "1 overdue" in page and "Week of" in page


def test_waiting_on_me_lists_the_quiet_and_the_unplanned(world, owner, client):
    mine = world["mine"]
    workflow.change_health(mine, Health.AT_RISK, reason="Supplier late", by=owner)
    quiet = factories.InitiativeFactory(owner=owner, code="quiet", title="Quiet one")
    Initiative.objects.filter(pk=quiet.pk).update(updated_at=timezone.now() - datetime.timedelta(days=40))
    client.force_login(owner)

    page = client.get(reverse("my-work")).content.decode()

    assert "no change since" in page and "Quiet one" in page
    # "Soon one" is an open milestone ahead: at risk, but with a plan
    assert "plan the next step" not in page
    mine.milestones.filter(due_date__gte=_days(0)).update(state=MilestoneState.DONE, done_on=_days(0))
    assert "plan the next step" in client.get(reverse("my-work")).content.decode()


def test_changes_by_others_on_what_i_own_or_watch(world, owner, other_coordinator, admin_user, client):
    workflow.transition(world["mine"], Status.UNDER_STUDY, by=admin_user, note="Moved by the administrator")
    workflow.transition(world["watched"], Status.UNDER_STUDY, by=other_coordinator, note="Moved by its owner")
    workflow.transition(world["theirs"], Status.UNDER_STUDY, by=other_coordinator, note="Not my business")
    workflow.transition(world["mine"], Status.AGREED, by=owner, note="My own change")
    client.force_login(owner)

    page = client.get(reverse("my-work")).content.decode()

    assert "Moved by the administrator" in page and "Moved by its owner" in page
    assert "Not my business" not in page and "My own change" not in page


def test_the_page_costs_the_same_whatever_the_rows(owner, client):
    client.force_login(owner)

    def count(size):
        for number in range(size):
            initiative = factories.InitiativeFactory(owner=owner)
            factories.MilestoneFactory(initiative=initiative, due_date=_days(number % 40 - 5))
            workflow.transition(initiative, Status.UNDER_STUDY, by=factories.superuser(f"admin{number}"))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("my-work")).status_code == 200
        return len(captured)

    assert count(2) == count(18) == 7  # session, user, header counts, has work, owned, deadlines, changes


def test_who_owns_and_watches_nothing_gets_the_dashboard(viewer, client):
    client.force_login(viewer)

    assert client.get(reverse("my-work")).url == reverse("dashboard")


def test_signing_in_leads_a_coordinator_to_my_work(world, owner, client):
    response = client.post(reverse("login"), {"username": "owner", "password": "correct-horse-battery"})

    assert response.url == reverse("my-work")

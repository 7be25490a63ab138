"""Notifications in the app (#17): the fan-out that sends the emails also lists them on /notifications/, unread
marked, "mark all read", per the user's choices by kind; read ones are pruned after NOTIFICATION_KEEP_DAYS."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.notifications import run_worker
from tracker.domain import workflow
from tracker.domain.choices import Health, Status
from tracker.models import Notification, NotificationPreference, Watch

pytestmark = pytest.mark.django_db


@pytest.fixture
def watched(shared_initiative):
    watcher = factories.viewer("watcher")
    Watch.objects.create(user=watcher, initiative=shared_initiative)
    return shared_initiative, watcher


def test_a_change_to_what_i_watch_is_listed_unread(watched, owner, client):
    initiative, watcher = watched
    workflow.transition(initiative, Status.UNDER_STUDY, by=owner)
    run_worker()
    client.force_login(watcher)

    page = client.get(reverse("notifications")).content.decode()

    assert "1 unread" in page and 'class="unread"' in page
    assert initiative.title in page and "Proposed → Under study" in page


def test_mark_all_read_and_one_read(watched, owner, client):
    initiative, watcher = watched
    workflow.transition(initiative, Status.UNDER_STUDY, by=owner)
    workflow.change_health(initiative, Health.AT_RISK, reason="Late", by=owner)
    run_worker()
    client.force_login(watcher)
    first = Notification.objects.filter(user=watcher).order_by("id").first()

    client.post(reverse("notifications-read"), {"id": first.pk})
    assert Notification.objects.filter(user=watcher, read_at__isnull=True).count() == 1

    client.post(reverse("notifications-read"))
    assert not Notification.objects.filter(user=watcher, read_at__isnull=True).exists()
    assert "0 unread" in client.get(reverse("notifications")).content.decode()


def test_another_users_notifications_are_neither_listed_nor_touched(watched, owner, other_coordinator, client):
    initiative, watcher = watched
    workflow.transition(initiative, Status.UNDER_STUDY, by=owner)
    run_worker()
    theirs = Notification.objects.get(user=watcher)
    client.force_login(other_coordinator)

    assert initiative.title not in client.get(reverse("notifications")).content.decode()
    client.post(reverse("notifications-read"), {"id": theirs.pk})
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_the_choices_by_kind_hold_in_the_app_too(watched, owner, client):
    initiative, watcher = watched
    NotificationPreference.objects.create(user=watcher, transitions=False)
    workflow.transition(initiative, Status.UNDER_STUDY, by=owner)
    run_worker()
    client.force_login(watcher)

    assert "0 unread" in client.get(reverse("notifications")).content.decode()


def test_read_notifications_are_pruned_after_the_keep_days_and_unread_ones_stay(watched, owner, settings):
    initiative, watcher = watched
    settings.NOTIFICATION_KEEP_DAYS = 90
    workflow.transition(initiative, Status.UNDER_STUDY, by=owner)
    workflow.change_health(initiative, Health.AT_RISK, reason="Late", by=owner)
    workflow.transition(initiative, Status.AGREED, by=owner)
    run_worker()
    old_read, recent_read, old_unread = Notification.objects.filter(user=watcher).order_by("id")
    long_ago, lately = timezone.now() - datetime.timedelta(days=91), timezone.now() - datetime.timedelta(days=1)
    Notification.objects.filter(pk=old_read.pk).update(read_at=long_ago)
    Notification.objects.filter(pk=recent_read.pk).update(read_at=lately)

    call_command("send_digest", stdout=io.StringIO())

    kept = set(Notification.objects.filter(user=watcher).values_list("pk", flat=True))
    assert kept == {recent_read.pk, old_unread.pk}


def test_the_page_costs_the_same_whatever_the_rows(watched, owner, client):
    initiative, watcher = watched
    client.force_login(watcher)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("notifications")).status_code == 200
        return len(captured)

    workflow.transition(initiative, Status.UNDER_STUDY, by=owner)
    run_worker()
    few = count()
    for step in (Status.AGREED, Status.IN_PROGRESS, Status.ON_HOLD, Status.IN_PROGRESS):
        workflow.transition(initiative, step, by=owner)
    run_worker()
    assert Notification.objects.filter(user=watcher).count() == 5
    assert count() == few == 7  # session, user, header counts, count, page, initiatives, unread


def _header(client):
    page = client.get(reverse("dashboard")).content.decode()
    return page[page.index('<nav aria-label="Main">') : page.index("</nav>")]


def test_the_header_counts_unread_notifications_on_every_page(watched, owner, client):
    initiative, watcher = watched
    workflow.transition(initiative, Status.UNDER_STUDY, by=owner)
    workflow.change_health(initiative, Health.AT_RISK, reason="Late", by=owner)
    run_worker()
    client.force_login(watcher)

    assert "2 unread" in _header(client)
    client.post(reverse("notifications-read"))
    assert "unread" not in _header(client)


def test_the_header_counts_the_overdue_deadlines_of_what_i_own_or_watch_and_no_one_elses(
    watched, owner, other_coordinator, client
):
    initiative, watcher = watched
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    factories.MilestoneFactory(initiative=initiative, due_date=yesterday)
    factories.MilestoneFactory(initiative=initiative, due_date=yesterday - datetime.timedelta(days=5))
    factories.MilestoneFactory(initiative=factories.InitiativeFactory(owner=other_coordinator), due_date=yesterday)

    client.force_login(owner)
    assert "2 overdue" in _header(client)
    client.force_login(watcher)
    assert "2 overdue" in _header(client)
    client.force_login(factories.viewer("bystander"))
    assert "overdue" not in _header(client)

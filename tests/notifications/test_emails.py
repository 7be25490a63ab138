"""Notification emails on status and health changes: to the owner and watchers, never to whoever made the
change, as each chose, in each one's language."""

import pytest
from django.core import mail

from tests import factories
from tests.notifications import run_worker
from tracker.delivery import notifications, outbox
from tracker.domain import workflow
from tracker.domain.choices import Health, NotificationKind, Status
from tracker.models import Notification, NotificationPreference, Watch

pytestmark = pytest.mark.django_db


@pytest.fixture
def watcher(db):
    user = factories.viewer("watcher")
    return user


@pytest.fixture
def watched(shared_initiative, watcher):
    Watch.objects.create(user=watcher, initiative=shared_initiative)
    return shared_initiative


def _recipients():
    return sorted(address for email in mail.outbox for address in email.to)


def test_the_owner_and_the_watchers_hear_of_a_transition_but_not_the_one_who_made_it(
    watched, owner, watcher, admin_user
):
    workflow.transition(watched, Status.UNDER_STUDY, by=admin_user, note="Studied at the June meeting")
    run_worker()

    assert _recipients() == ["owner@example.org", "watcher@example.org"]
    email = next(e for e in mail.outbox if e.to == ["owner@example.org"])
    assert email.subject == "[Cooperation tracker] shared-lipetsk: Proposed → Under study"
    assert "moved from Proposed to Under study" in email.body
    assert "Studied at the June meeting" in email.body
    assert "Changed by admin" in email.body
    assert "https://tracker.example.org/initiatives/shared-lipetsk/" in email.body
    assert "because you own this initiative" in email.body

    mail.outbox.clear()
    workflow.transition(watched, Status.AGREED, by=owner)
    run_worker()
    assert _recipients() == ["watcher@example.org"]  # the owner made this change


def test_a_health_change_is_its_own_kind(watched, owner, watcher):
    workflow.change_health(watched, Health.AT_RISK, by=owner, reason="The supplier is late")
    run_worker()

    notification = Notification.objects.get()
    assert (notification.user, notification.kind) == (watcher, NotificationKind.HEALTH)
    [email] = mail.outbox
    assert email.subject == "[Cooperation tracker] shared-lipetsk: health Not assessed → At risk"
    assert "The supplier is late" in email.body


def test_preferences_decide_which_changes_a_user_hears_of(watched, owner, watcher):
    NotificationPreference.objects.create(user=watcher, transitions=False, health=True)

    workflow.transition(watched, Status.UNDER_STUDY, by=owner)
    workflow.change_health(watched, Health.ON_TRACK, by=owner)
    run_worker()

    assert [(n.kind, n.user) for n in Notification.objects.all()] == [(NotificationKind.HEALTH, watcher)]
    assert len(mail.outbox) == 1


def test_a_change_of_both_status_and_health_is_one_email(watched, owner, watcher):
    workflow.transition(watched, Status.UNDER_STUDY, by=owner, health=Health.AT_RISK, health_reason="late")
    run_worker()

    [email] = mail.outbox
    assert "moved from Proposed to Under study" in email.body
    assert "Its health changed from Not assessed to At risk" in email.body


def test_the_email_is_in_the_recipients_language(watched, owner, watcher):
    NotificationPreference.objects.create(user=watcher, language="ru")

    workflow.transition(watched, Status.UNDER_STUDY, by=owner)
    run_worker()

    [email] = mail.outbox
    assert email.subject == "[Мониторинг сотрудничества] shared-lipetsk: Предложено → На изучении"
    assert "Здравствуйте" in email.body and "Hello" not in email.body
    assert email.extra_headers["Content-Language"] == "ru"


def test_the_owner_at_the_time_of_the_change_hears_of_it(watched, owner, other_coordinator, admin_user):
    workflow.transition(watched, Status.UNDER_STUDY, by=admin_user)
    watched.refresh_from_db()
    watched.owner = other_coordinator  # handed over before the dispatcher ran
    watched.save()
    run_worker()

    assert "owner@example.org" in _recipients() and "other@example.org" not in _recipients()


def test_users_without_an_address_or_inactive_get_nothing(watched, owner, watcher, admin_user):
    watcher.is_active = False
    watcher.save()
    owner.email = ""
    owner.save()

    workflow.transition(watched, Status.UNDER_STUDY, by=admin_user)
    run_worker()

    assert mail.outbox == [] and Notification.objects.count() == 0


def test_a_failed_email_is_kept_for_a_retry_with_its_error(watched, owner, watcher, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1  # nothing listens there
    workflow.transition(watched, Status.UNDER_STUDY, by=owner)
    outbox.dispatch()
    notification = Notification.objects.get()

    result = notifications.send(notification.pk)

    notification.refresh_from_db()
    assert result["sent"] is False
    assert (notification.status, notification.attempts) == ("pending", 1)
    assert notification.next_attempt_at is not None and "Connection" in notification.last_error


def test_the_initiative_is_named_in_each_recipients_language(watched, owner, watcher):
    watched.title_en, watched.title_ru = "Trams for Lipetsk", "Трамваи для Липецка"
    watched.save()
    NotificationPreference.objects.create(user=watcher, language="ru")
    NotificationPreference.objects.create(user=owner, language="en")

    workflow.transition(watched, Status.UNDER_STUDY, by=factories.superuser(), note="Согласовано")
    run_worker()

    bodies = {email.to[0]: email.body for email in mail.outbox}
    assert "Трамваи для Липецка" in bodies[watcher.email] and "Trams for Lipetsk" not in bodies[watcher.email]
    assert "Trams for Lipetsk" in bodies[owner.email] and "Трамваи для Липецка" not in bodies[owner.email]

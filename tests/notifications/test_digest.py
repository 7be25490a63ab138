"""`send_digest`: the overdue milestones and instructions of each owner's initiatives, once a day at most, in
the owner's language."""

import datetime

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from tests import factories
from tracker.domain.choices import MilestoneKind, MilestoneState
from tracker.models import DigestSent, NotificationPreference

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 3, 5)


@pytest.fixture
def overdue(initiative):
    """Two overdue items of `owner`'s initiative, one done (not overdue) and one not yet due."""
    factories.MilestoneFactory(initiative=initiative, title="Sign the agreement", due_date=datetime.date(2024, 3, 4))
    factories.MilestoneFactory(
        initiative=initiative,
        title="Report to the ministry",
        kind=MilestoneKind.INSTRUCTION,
        due_date=TODAY.replace(day=1),
    )
    factories.MilestoneFactory(
        initiative=initiative, title="Done", due_date=TODAY.replace(day=1), state=MilestoneState.DONE, done_on=TODAY
    )
    factories.MilestoneFactory(initiative=initiative, title="Later", due_date=TODAY + datetime.timedelta(days=3))
    return initiative


def _send(day=TODAY):
    call_command("send_digest", f"--date={day:%Y-%m-%d}", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_running_the_digest_twice_a_day_sends_it_once(overdue, owner):
    _send()
    _send()

    [email] = mail.outbox
    assert email.to == ["owner@example.org"]
    assert email.subject == "[Cooperation tracker] 2 overdue milestones and instructions"
    assert "Sign the agreement (due 4 March 2024, 1 day overdue)" in email.body
    assert "Instruction: Report to the ministry (due 1 March 2024, 4 days overdue)" in email.body
    assert "Done" not in email.body and "Later" not in email.body
    assert DigestSent.objects.get().items == 2


def test_the_next_day_brings_the_next_digest(overdue, owner):
    _send()
    _send(TODAY + datetime.timedelta(days=1))

    assert len(mail.outbox) == 2 and DigestSent.objects.count() == 2


def test_the_digest_is_in_the_owners_language(overdue, owner):
    NotificationPreference.objects.create(user=owner, language="ru")
    _send()

    [email] = mail.outbox
    assert email.subject == "[Мониторинг сотрудничества] 2 просроченные контрольные точки и поручения"
    assert "просрочено на 4 дня" in email.body and "overdue" not in email.body


def test_an_owner_who_opted_out_gets_no_digest(overdue, owner):
    NotificationPreference.objects.create(user=owner, digest=False)
    _send()

    assert mail.outbox == [] and not DigestSent.objects.exists()


def test_owners_with_nothing_overdue_get_no_digest(initiative, owner):
    factories.MilestoneFactory(initiative=initiative, due_date=TODAY + datetime.timedelta(days=1))
    _send()

    assert mail.outbox == []


def test_a_digest_the_mail_server_refused_is_sent_by_the_next_run(overdue, owner, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1  # nothing listens there
    with pytest.raises(CommandError, match="could not be sent"):
        _send()
    assert not DigestSent.objects.exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _send()
    assert len(mail.outbox) == 1


def test_a_bad_date_is_refused_with_the_expected_form():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_digest", "--date=5 March")

"""`milestone.overdue`: announced once per milestone and due date, however often the daily run repeats."""

import datetime

import pytest
from django.core.management import call_command

from tests import factories
from tracker.domain.milestones import record_overdue
from tracker.models import Event

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2030, 6, 1)


def overdue_events():
    return list(Event.objects.filter(name="milestone.overdue").values_list("object_id", "data__due_date"))


def test_an_overdue_milestone_is_announced_once(initiative):
    late = factories.MilestoneFactory(initiative=initiative, due_date=datetime.date(2030, 5, 1))
    factories.MilestoneFactory(initiative=initiative, due_date=datetime.date(2030, 7, 1))  # not yet due

    assert record_overdue(TODAY) == 1
    assert record_overdue(TODAY) == 0
    assert overdue_events() == [(late.pk, "2030-05-01")]
    event = Event.objects.get(name="milestone.overdue")
    assert event.action == "overdue" and event.actor_name == "overdue check"


def test_a_new_due_date_that_passes_is_announced_again(initiative):
    milestone = factories.MilestoneFactory(initiative=initiative, due_date=datetime.date(2030, 5, 1))
    record_overdue(TODAY)
    milestone.due_date = datetime.date(2030, 5, 20)
    milestone.save()
    assert record_overdue(TODAY) == 1
    assert sorted(overdue_events()) == [(milestone.pk, "2030-05-01"), (milestone.pk, "2030-05-20")]


def test_done_milestones_are_not_announced(initiative):
    factories.MilestoneFactory(
        initiative=initiative, due_date=datetime.date(2030, 5, 1), state="done", done_on=datetime.date(2030, 4, 1)
    )
    assert record_overdue(TODAY) == 0


def test_send_digest_announces_overdue_milestones(initiative, capsys):
    factories.MilestoneFactory(initiative=initiative, due_date=datetime.date(2030, 5, 1))
    call_command("send_digest", "--date", TODAY.isoformat())
    call_command("send_digest", "--date", TODAY.isoformat())
    assert len(overdue_events()) == 1
    assert "milestone.overdue events): 1" in capsys.readouterr().out

"""Ending an initiative safely (#17, "Safe completion"). Before, one click completed an initiative that was
"At risk" with an overdue instruction, without a word, and only an administrator could undo it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.api import user_client
from tracker.domain import workflow
from tracker.domain.choices import Health, MilestoneState, Status
from tracker.domain.errors import TransitionNotAllowed, UnfinishedWork
from tracker.models import Initiative, StatusUpdate

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_progress(initiative, owner):
    for step in (Status.UNDER_STUDY, Status.AGREED, Status.IN_PROGRESS):
        workflow.transition(initiative, step, by=owner)
    return initiative


@pytest.fixture
def at_risk_with_an_overdue_instruction(in_progress, owner):
    workflow.change_health(in_progress, Health.AT_RISK, reason="The supplier is late", by=owner)
    factories.MilestoneFactory(
        initiative=in_progress, title="Sign the supply contract", due_date=timezone.localdate() - datetime.timedelta(1)
    )
    return in_progress


def _unchanged(initiative):
    stored = Initiative.objects.get(pk=initiative.pk)
    return stored.status == Status.IN_PROGRESS and stored.version == initiative.version


@pytest.mark.parametrize("ending", workflow.ENDINGS)
def test_ending_with_open_work_needs_a_note_and_lists_what_is_open(at_risk_with_an_overdue_instruction, owner, ending):
    initiative = at_risk_with_an_overdue_instruction

    with pytest.raises(UnfinishedWork) as refused:
        workflow.transition(initiative, ending, by=owner)

    assert [item.title for item in refused.value.open_items] == ["Sign the supply contract"]
    assert refused.value.health == Health.AT_RISK
    assert "1 milestone or instruction is still open" in str(refused.value)
    assert _unchanged(initiative)

    workflow.transition(initiative, ending, by=owner, note="The contract moves to the follow-up initiative.")
    assert Initiative.objects.get(pk=initiative.pk).status == ending


def test_ending_an_initiative_not_on_track_needs_a_note_even_with_nothing_open(in_progress, owner):
    with pytest.raises(UnfinishedWork) as refused:
        workflow.transition(in_progress, Status.COMPLETED, by=owner)
    assert refused.value.open_items == [] and "health" in str(refused.value)


def test_a_finished_initiative_on_track_completes_without_a_note(in_progress, owner):
    workflow.change_health(in_progress, Health.ON_TRACK, by=owner)
    factories.MilestoneFactory(initiative=in_progress, state=MilestoneState.DONE, done_on=timezone.localdate())

    workflow.transition(in_progress, Status.COMPLETED, by=owner)

    assert Initiative.objects.get(pk=in_progress.pk).status == Status.COMPLETED


def test_the_page_asks_for_confirmation_listing_what_is_open(at_risk_with_an_overdue_instruction, owner, client):
    initiative = at_risk_with_an_overdue_instruction
    client.force_login(owner)
    url = reverse("initiative-status", args=[initiative.code])
    form = {"to": Status.COMPLETED, "health": Health.AT_RISK, "health_reason": "", "version": initiative.version}

    asked = client.post(url, {**form, "note": ""})

    assert asked.status_code == 409
    page = asked.content.decode()
    assert "Sign the supply contract" in page and "Say why, to confirm." in page
    assert _unchanged(initiative)

    confirmed = client.post(url, {**form, "note": "The contract moves to the follow-up initiative."})
    assert confirmed.status_code == 302
    assert Initiative.objects.get(pk=initiative.pk).status == Status.COMPLETED


def test_the_api_answers_409_with_the_open_items(at_risk_with_an_overdue_instruction, owner):
    initiative = at_risk_with_an_overdue_instruction
    api = user_client(owner)
    url = f"/api/v1/initiatives/{initiative.code}/transitions/"

    refused = api.post(url, {"to": "completed"}, format="json", HTTP_IF_MATCH=f'"{initiative.version}"')

    assert refused.status_code == 409
    body = refused.json()
    assert body["type"].endswith("/unfinished-work") and body["health"] == "at_risk"
    assert [item["title"] for item in body["open_items"]] == ["Sign the supply contract"]
    assert _unchanged(initiative)

    done = api.post(
        url, {"to": "completed", "note": "Moved on."}, format="json", HTTP_IF_MATCH=f'"{initiative.version}"'
    )
    assert done.status_code in (200, 201), done.content


def _ended(initiative, owner, days_ago):
    workflow.transition(initiative, Status.COMPLETED, by=owner, note="Done.")
    ended = timezone.now() - datetime.timedelta(days=days_ago)
    StatusUpdate._base_manager.filter(initiative=initiative, to_status=Status.COMPLETED).update(created_at=ended)
    initiative.refresh_from_db()


def test_the_owner_reopens_within_the_grace_period_with_a_reason(in_progress, owner):
    _ended(in_progress, owner, days_ago=6)

    assert workflow.allowed_transitions(in_progress, owner) == [Status.IN_PROGRESS]
    workflow.transition(in_progress, Status.IN_PROGRESS, by=owner, note="Completed by mistake.")
    assert Initiative.objects.get(pk=in_progress.pk).status == Status.IN_PROGRESS


def test_after_the_grace_period_only_an_administrator_reopens(in_progress, owner, admin_user, settings):
    settings.REOPEN_GRACE_DAYS = 7
    _ended(in_progress, owner, days_ago=8)

    assert workflow.allowed_transitions(in_progress, owner) == []
    with pytest.raises(TransitionNotAllowed):
        workflow.transition(in_progress, Status.IN_PROGRESS, by=owner, note="Too late.")
    workflow.transition(in_progress, Status.IN_PROGRESS, by=admin_user, note="Reopened by the administrator.")


def test_another_coordinator_never_reopens(in_progress, owner, other_coordinator):
    _ended(in_progress, owner, days_ago=0)

    assert workflow.allowed_transitions(in_progress, other_coordinator) == []

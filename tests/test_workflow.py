"""The status workflow: tracker.domain.workflow is the only way a status changes, and every change is journalled."""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from tests import factories
from tracker.domain import workflow
from tracker.domain.choices import Health, Status
from tracker.domain.errors import StaleVersion, StatusChangeRefused, TransitionNotAllowed
from tracker.models import AppendOnly, Initiative, StatusUpdate

pytestmark = pytest.mark.django_db

EXPECTED = {
    Status.PROPOSED: {Status.UNDER_STUDY, Status.ON_HOLD, Status.CANCELLED},
    Status.UNDER_STUDY: {Status.AGREED, Status.ON_HOLD, Status.CANCELLED},
    Status.AGREED: {Status.IN_PROGRESS, Status.ON_HOLD, Status.CANCELLED},
    Status.IN_PROGRESS: {Status.COMPLETED, Status.ON_HOLD, Status.CANCELLED},
}
PATH = [Status.UNDER_STUDY, Status.AGREED, Status.IN_PROGRESS, Status.COMPLETED]


def bring_to(initiative, status, by):
    """Walk the main path from proposed to `status`."""
    for step in PATH[: PATH.index(status) + 1] if status in PATH else []:
        workflow.transition(initiative, step, by=by, note="Done." if step in workflow.ENDINGS else "")


@pytest.mark.parametrize("start", list(EXPECTED))
def test_every_allowed_transition_succeeds_and_is_journalled(start, owner, system):
    for target in EXPECTED[start]:
        initiative = factories.InitiativeFactory(owner=owner)
        bring_to(initiative, start, system)
        journal_before = initiative.journal.count()
        version_before = initiative.version

        entry = workflow.transition(initiative, target, by=owner, note="moving on")

        stored = Initiative.objects.get(pk=initiative.pk)
        assert stored.status == target
        assert stored.version == version_before + 1
        assert initiative.journal.count() == journal_before + 1
        assert (entry.from_status, entry.to_status, entry.note) == (start, target, "moving on")
        assert entry.author == owner and entry.author_name == "owner"
        assert entry.version == stored.version


@pytest.mark.parametrize("start", list(EXPECTED))
def test_every_disallowed_transition_is_refused_with_the_allowed_list(start, owner, system):
    initiative = factories.InitiativeFactory(owner=owner)
    bring_to(initiative, start, system)
    for target in set(Status) - EXPECTED[start]:
        with pytest.raises(TransitionNotAllowed) as refused:
            workflow.transition(initiative, target, by=owner)
        assert set(refused.value.allowed) == EXPECTED[start]
        for allowed in EXPECTED[start]:
            assert allowed.value in str(refused.value)
    assert Initiative.objects.get(pk=initiative.pk).status == start
    assert initiative.journal.count() == (PATH.index(start) + 1 if start in PATH else 0)


def test_on_hold_resumes_to_the_state_it_came_from(initiative, owner):
    bring_to(initiative, Status.AGREED, owner)
    workflow.transition(initiative, Status.ON_HOLD, by=owner, note="waiting for funds")

    assert workflow.allowed_transitions(initiative) == [Status.AGREED, Status.CANCELLED]
    with pytest.raises(TransitionNotAllowed):
        workflow.transition(initiative, Status.IN_PROGRESS, by=owner)
    workflow.transition(initiative, Status.AGREED, by=owner)
    assert Initiative.objects.get(pk=initiative.pk).status == Status.AGREED


def test_final_states_are_final_for_the_owner_once_the_grace_period_is_over(initiative, owner, settings):
    settings.REOPEN_GRACE_DAYS = 0
    bring_to(initiative, Status.COMPLETED, owner)
    assert workflow.allowed_transitions(initiative, owner) == []
    with pytest.raises(TransitionNotAllowed):
        workflow.transition(initiative, Status.IN_PROGRESS, by=owner, note="more work")


def test_an_administrator_reopens_with_a_reason(initiative, owner, admin_user):
    bring_to(initiative, Status.AGREED, owner)
    workflow.transition(initiative, Status.CANCELLED, by=owner, note="No funding.")
    assert workflow.allowed_transitions(initiative, admin_user) == [Status.AGREED]

    with pytest.raises(ValidationError) as no_reason:
        workflow.transition(initiative, Status.AGREED, by=admin_user)
    assert "note" in no_reason.value.message_dict

    workflow.transition(initiative, Status.AGREED, by=admin_user, note="funding found")
    assert Initiative.objects.get(pk=initiative.pk).status == Status.AGREED


def test_cancelled_while_on_hold_reopens_to_the_active_state_before_the_hold(initiative, owner, admin_user):
    bring_to(initiative, Status.IN_PROGRESS, owner)
    workflow.transition(initiative, Status.ON_HOLD, by=owner)
    workflow.transition(initiative, Status.CANCELLED, by=owner, note="No funding.")
    assert workflow.allowed_transitions(initiative, admin_user) == [Status.IN_PROGRESS]


def test_in_progress_and_completed_record_actual_dates(initiative, owner):
    bring_to(initiative, Status.COMPLETED, owner)
    stored = Initiative.objects.get(pk=initiative.pk)
    assert stored.actual_start is not None and stored.actual_end is not None


def test_health_at_risk_needs_a_reason_and_is_journalled(initiative, owner):
    with pytest.raises(ValidationError) as refused:
        workflow.change_health(initiative, Health.AT_RISK, by=owner)
    assert "health_reason" in refused.value.message_dict
    assert initiative.journal.count() == 0

    entry = workflow.change_health(initiative, Health.AT_RISK, by=owner, reason="supplier delay")
    assert (entry.from_health, entry.to_health, entry.health_reason) == (
        Health.NOT_ASSESSED,
        Health.AT_RISK,
        "supplier delay",
    )
    assert entry.from_status == entry.to_status == Status.PROPOSED


def test_transition_can_set_health_in_the_same_entry(initiative, owner):
    entry = workflow.transition(initiative, Status.UNDER_STUDY, by=owner, health="on_track")
    assert (entry.to_status, entry.to_health) == (Status.UNDER_STUDY, Health.ON_TRACK)
    assert initiative.journal.count() == 1


def test_unknown_status_names_the_field(initiative, owner):
    with pytest.raises(ValidationError) as refused:
        workflow.transition(initiative, "finished", by=owner)
    assert "to" in refused.value.message_dict


def test_another_coordinator_cannot_transition(initiative, other_coordinator, viewer):
    for outsider in (other_coordinator, viewer):
        with pytest.raises(PermissionDenied):
            workflow.transition(initiative, Status.UNDER_STUDY, by=outsider)
    assert initiative.journal.count() == 0
    assert Initiative.objects.get(pk=initiative.pk).status == Status.PROPOSED


def test_a_stale_expected_version_is_refused(initiative, owner):
    seen = initiative.version
    workflow.transition(initiative, Status.UNDER_STUDY, by=owner)
    with pytest.raises(StaleVersion):
        workflow.transition(initiative, Status.AGREED, by=owner, expected_version=seen)
    assert Initiative.objects.get(pk=initiative.pk).status == Status.UNDER_STUDY


def test_status_cannot_be_saved_outside_the_workflow(initiative):
    initiative.status = Status.COMPLETED
    with pytest.raises(StatusChangeRefused):
        initiative.save()
    assert Initiative.objects.get(pk=initiative.pk).status == Status.PROPOSED


def test_a_new_initiative_starts_as_proposed(db):
    with pytest.raises(StatusChangeRefused):
        factories.InitiativeFactory(status=Status.AGREED)


def test_the_journal_is_append_only(initiative, owner):
    entry = workflow.transition(initiative, Status.UNDER_STUDY, by=owner)
    entry.note = "rewritten"
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        StatusUpdate.objects.filter(pk=entry.pk).update(note="rewritten")
    with pytest.raises(AppendOnly):
        StatusUpdate.objects.all().delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks between connections need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_transitions_never_lose_an_entry_or_reach_an_impossible_state(system):
    owner = factories.coordinator("racer")
    initiative = factories.InitiativeFactory(owner=owner)
    targets = [Status.UNDER_STUDY, Status.ON_HOLD, Status.CANCELLED, Status.UNDER_STUDY] * 3
    barrier = threading.Barrier(len(targets))
    outcomes = []

    def attempt(target):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            stale_copy = Initiative.objects.get(pk=initiative.pk)
            workflow.transition(stale_copy, target, by=owner, note="Racing.")
            outcomes.append(("ok", target))
        except (TransitionNotAllowed, StaleVersion) as refused:
            outcomes.append(("refused", refused))
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=attempt, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    stored = Initiative.objects.get(pk=initiative.pk)
    journal = list(stored.journal.order_by("version"))
    successes = [outcome for outcome in outcomes if outcome[0] == "ok"]
    assert len(outcomes) == len(targets)
    assert len(journal) == len(successes) >= 1
    # The entries form one unbroken chain: each starts where the one before ended.
    status, last_active = Status.PROPOSED, Status.PROPOSED
    for entry in journal:
        assert entry.from_status == status
        if status in EXPECTED:
            legal = EXPECTED[status]
        elif status == Status.ON_HOLD:
            legal = {last_active, Status.CANCELLED}
        else:  # final: the owner's reopen, with its note, within REOPEN_GRACE_DAYS, back to the last active status
            legal = {last_active}
        assert entry.to_status in legal
        if status in EXPECTED:
            last_active = status
        status = entry.to_status
    assert stored.status == status
    assert stored.version == 1 + len(journal)
    assert [entry.version for entry in journal] == list(range(2, 2 + len(journal)))


@pytest.mark.parametrize(
    ("arguments", "field", "limit"),
    [
        ({"health": Health.AT_RISK, "reason": "r" * 2001}, "health_reason", 2000),
        ({"health": Health.AT_RISK, "reason": "late", "note": "n" * 5001}, "note", 5000),
    ],
)
def test_the_domain_holds_the_one_length_limit_of_reasons_and_notes(initiative, owner, arguments, field, limit):
    # The pages allowed 2,000 characters of health reason, the API 5,000 and the admin any length.
    with pytest.raises(ValidationError) as refused:
        workflow.change_health(initiative, by=owner, **arguments)

    assert f"Keep this to {limit} characters" in refused.value.message_dict[field][0]
    initiative.refresh_from_db()
    assert (initiative.health, initiative.version) == (Health.NOT_ASSESSED, 1)


def test_health_changes_only_through_the_workflow(initiative):
    # README said the workflow is "the only way a status or health changes"; only the status was guarded.
    initiative.health, initiative.health_reason = Health.OFF_TRACK, "said nowhere"
    with pytest.raises(StatusChangeRefused, match="Health changes only through"):
        initiative.save()

    stored = Initiative.objects.get(pk=initiative.pk)
    assert (stored.health, stored.health_reason, stored.journal.count()) == (Health.NOT_ASSESSED, "", 0)
    deferred = Initiative.objects.defer("health").get(pk=initiative.pk)
    deferred.health_reason = "said nowhere"
    with pytest.raises(StatusChangeRefused):
        deferred.save()

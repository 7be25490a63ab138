"""Changing status and health from the admin goes through tracker.domain.workflow, with the version the form
was opened at; refusals come back as form errors or messages, never as a server error."""

import pytest
from django.urls import reverse

from tests.admin.helpers import admin_url, messages_of
from tracker.admin import transitions
from tracker.domain import workflow
from tracker.domain.choices import Health, Status
from tracker.domain.errors import TransitionNotAllowed
from tracker.models import Initiative

pytestmark = pytest.mark.django_db


def transition_url(initiative):
    return reverse("admin:tracker_initiative_transition", args=[initiative.pk])


def _post(client, initiative, **fields):
    data = {"to": "", "health": "", "health_reason": "", "note": "", "expected_version": initiative.version}
    return client.post(transition_url(initiative), data | fields)


def test_change_page_links_to_the_transition_form_for_the_owner(initiative, owner, login):
    page = login(owner).get(admin_url(Initiative, "change", initiative.pk))

    assert transition_url(initiative) in page.content.decode()


def test_transition_form_offers_only_allowed_transitions(initiative, owner, login):
    page = login(owner).get(transition_url(initiative))

    assert page.status_code == 200
    offered = [value for value, _label in page.context["form"].fields["to"].choices if value]
    assert offered == [Status.UNDER_STUDY, Status.ON_HOLD, Status.CANCELLED]
    assert page.context["form"]["expected_version"].value() == initiative.version


def test_owner_moves_an_initiative_with_a_note(initiative, owner, login):
    response = _post(login(owner), initiative, to=Status.UNDER_STUDY, note="Ministry asked to study it")

    assert response.status_code == 302
    assert response.url == admin_url(Initiative, "change", initiative.pk)
    entry = initiative.journal.get()
    assert (entry.from_status, entry.to_status) == (Status.PROPOSED, Status.UNDER_STUDY)
    assert (entry.note, entry.author, entry.author_name) == ("Ministry asked to study it", owner, "owner")
    assert Initiative.objects.get(pk=initiative.pk).status == Status.UNDER_STUDY


def test_owner_changes_only_the_health_with_a_reason(initiative, owner, login):
    response = _post(login(owner), initiative, health=Health.AT_RISK, health_reason="Supplier delay")

    assert response.status_code == 302
    entry = initiative.journal.get()
    assert (entry.to_status, entry.to_health, entry.health_reason) == (
        Status.PROPOSED,
        Health.AT_RISK,
        "Supplier delay",
    )


def test_health_at_risk_without_a_reason_is_a_form_error(initiative, owner, login):
    response = _post(login(owner), initiative, to=Status.UNDER_STUDY, health=Health.AT_RISK)

    assert response.status_code == 200
    assert "reason is required" in str(response.context["form"].errors["health_reason"])
    assert not initiative.journal.exists()


def test_a_transition_not_offered_is_refused(initiative, owner, login):
    response = _post(login(owner), initiative, to=Status.COMPLETED)

    assert response.status_code == 200
    assert "to" in response.context["form"].errors
    assert not initiative.journal.exists()
    assert Initiative.objects.get(pk=initiative.pk).status == Status.PROPOSED


def test_a_transition_the_workflow_refuses_is_a_form_error(initiative, owner, login, monkeypatch):
    def refuse(*args, **kwargs):
        raise TransitionNotAllowed(Status.PROPOSED, Status.UNDER_STUDY, [Status.CANCELLED])

    monkeypatch.setattr(transitions.workflow, "transition", refuse)
    response = _post(login(owner), initiative, to=Status.UNDER_STUDY)

    assert response.status_code == 200
    assert "Cannot move" in str(response.context["form"].errors["to"])
    assert not initiative.journal.exists()


def test_nothing_chosen_is_a_form_error(initiative, owner, login):
    response = _post(login(owner), initiative, note="just a note")

    assert response.status_code == 200
    assert "Choose a new status" in str(response.context["form"].non_field_errors())


def test_another_coordinator_gets_403(initiative, other_coordinator, viewer, login):
    for outsider in (other_coordinator, viewer):
        client = login(outsider)
        assert client.get(transition_url(initiative)).status_code == 403
        assert _post(client, initiative, to=Status.UNDER_STUDY).status_code == 403
    assert not initiative.journal.exists()
    assert Initiative.objects.get(pk=initiative.pk).status == Status.PROPOSED


def test_a_stale_transition_form_is_refused(initiative, owner, login):
    client = login(owner)
    opened_at = initiative.version
    workflow.transition(Initiative.objects.get(pk=initiative.pk), Status.UNDER_STUDY, by=owner, note="elsewhere")

    response = _post(client, initiative, to=Status.ON_HOLD, expected_version=opened_at)

    assert response.status_code == 302 and response.url == transition_url(initiative)
    assert any("changed by someone else" in message for message in messages_of(response))
    assert list(initiative.journal.values_list("note", flat=True)) == ["elsewhere"]
    assert Initiative.objects.get(pk=initiative.pk).status == Status.UNDER_STUDY


def test_an_administrator_reopens_a_cancelled_initiative_with_a_reason(initiative, owner, admin_user, login):
    workflow.transition(initiative, Status.CANCELLED, by=owner, note="No funding.")
    client = login(admin_user)

    without_reason = _post(client, initiative, to=Status.PROPOSED)
    assert "note" in without_reason.context["form"].errors

    response = _post(client, initiative, to=Status.PROPOSED, note="Funding found")
    assert response.status_code == 302
    assert Initiative.objects.get(pk=initiative.pk).status == Status.PROPOSED

"""Roles and ownership in the admin: coordinators change their own initiatives and their parts, viewers
read everything and change nothing, the journal is never changed by anyone."""

import pytest

from tests import factories
from tests.admin.factories import journal_entry, observation
from tests.admin.helpers import admin_url, form_data, messages_of
from tracker import models
from tracker.domain.choices import Status

pytestmark = pytest.mark.django_db


def _open_and_change_title(client, initiative, title):
    page = client.get(admin_url(models.Initiative, "change", initiative.pk))
    data = form_data(page)
    data["title_en"] = title
    return client.post(admin_url(models.Initiative, "change", initiative.pk), data)


def test_coordinator_cannot_change_another_owners_initiative(initiative, other_coordinator, login):
    client = login(other_coordinator)

    page = client.get(admin_url(models.Initiative, "change", initiative.pk))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert "Change status" not in page.content.decode()

    data = {"code": initiative.code, "title_en": "Taken over", "area": initiative.area_id}
    refused = client.post(admin_url(models.Initiative, "change", initiative.pk), data)

    assert refused.status_code == 403
    stored = models.Initiative.objects.get(pk=initiative.pk)
    assert (stored.title, stored.version) == (initiative.title, initiative.version)


def test_owner_changes_own_initiative_and_history_names_them(initiative, owner, login):
    response = _open_and_change_title(login(owner), initiative, "Trams for Lipetsk")

    assert response.status_code == 302
    stored = models.Initiative.objects.get(pk=initiative.pk)
    assert (stored.title, stored.version) == ("Trams for Lipetsk", initiative.version + 1)
    latest = stored.history.latest("history_date")
    assert (latest.history_user, latest.history_actor) == (owner, "owner")


def test_coordinator_sees_parts_of_another_owners_initiative_read_only(initiative, other_coordinator, login):
    factories.MilestoneFactory(initiative=initiative)
    page = login(other_coordinator).get(admin_url(models.Initiative, "change", initiative.pk))

    for inline in page.context["inline_admin_formsets"]:
        assert not inline.has_add_permission
        assert not inline.has_change_permission
        assert not inline.has_delete_permission


def test_owner_edits_parts_inline(initiative, owner, login):
    milestone = factories.MilestoneFactory(initiative=initiative, title="Sign the agreement")
    client = login(owner)
    page = client.get(admin_url(models.Initiative, "change", initiative.pk))
    assert all(inline.has_change_permission for inline in page.context["inline_admin_formsets"][:3])

    data = form_data(page)
    data["milestones-0-title_en"] = "Sign the supply agreement"
    response = client.post(admin_url(models.Initiative, "change", initiative.pk), data)

    assert response.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.title, milestone.version) == ("Sign the supply agreement", 2)


def test_coordinator_add_form_fixes_the_owner_to_themselves(owner, other_coordinator, login):
    client = login(owner)
    page = client.get(admin_url(models.Initiative, "add"))
    assert page.context["adminform"].form.fields["owner"].disabled
    assert page.context["adminform"].form["owner"].value() == owner.pk
    area, region = factories.AreaFactory(), factories.RegionFactory()

    data = form_data(page) | {"code": "ev-charging", "title_en": "EV charging", "area": area.pk}
    data |= {"partner_region": region.pk, "owner": other_coordinator.pk}  # a disabled field: ignored
    response = client.post(admin_url(models.Initiative, "add"), data)

    assert response.status_code == 302
    created = models.Initiative.objects.get(code="ev-charging")
    assert (created.owner, created.status, created.version) == (owner, Status.PROPOSED, 1)


def test_administrator_sets_the_owner_freely(admin_user, owner, login):
    client = login(admin_user)
    page = client.get(admin_url(models.Initiative, "add"))
    area, region = factories.AreaFactory(), factories.RegionFactory()
    data = form_data(page) | {"code": "trams", "title_en": "Trams", "area": area.pk, "partner_region": region.pk}

    response = client.post(admin_url(models.Initiative, "add"), data | {"owner": owner.pk})

    assert response.status_code == 302
    assert models.Initiative.objects.get(code="trams").owner == owner


def test_coordinator_cannot_change_a_milestone_of_another_owners_initiative(initiative, other_coordinator, login):
    milestone = factories.MilestoneFactory(initiative=initiative, title="Visit Belagro")
    client = login(other_coordinator)

    page = client.get(admin_url(models.Milestone, "change", milestone.pk))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    response = client.post(admin_url(models.Milestone, "change", milestone.pk), {"title_en": "Skip it"})

    assert response.status_code == 403
    assert models.Milestone.objects.get(pk=milestone.pk).title == "Visit Belagro"


def test_coordinator_cannot_attach_a_milestone_to_another_owners_initiative(initiative, other_coordinator, login):
    data = {"initiative": initiative.pk, "kind": "milestone", "title_en": "Mine now", "state": "open"}

    response = login(other_coordinator).post(admin_url(models.Milestone, "add"), data | {"_save": "Save"})

    assert response.status_code == 200
    assert "initiative you may change" in str(response.context["adminform"].form.errors["initiative"])
    assert not models.Milestone.objects.exists()


def test_owner_deletes_a_participation_of_own_initiative_but_not_of_another(initiative, owner, login):
    own = factories.ParticipationFactory(initiative=initiative)
    foreign = factories.ParticipationFactory()
    client = login(owner)

    assert client.post(admin_url(models.Participation, "delete", foreign.pk), {"post": "yes"}).status_code == 403
    assert client.post(admin_url(models.Participation, "delete", own.pk), {"post": "yes"}).status_code == 302
    assert list(models.Participation.objects.all()) == [foreign]


def test_analyst_links_a_trade_series_to_any_initiative(initiative, analyst, login):
    link = factories.InitiativeIndicatorFactory(initiative=initiative)
    client = login(analyst)
    page = client.get(admin_url(models.InitiativeIndicator, "change", link.pk))
    data = form_data(page) | {"target_value": "400000000", "target_period": "2025"}

    response = client.post(admin_url(models.InitiativeIndicator, "change", link.pk), data)

    assert response.status_code == 302
    link.refresh_from_db()
    assert link.target_period == "2025"


def _one_of_each(owner):
    initiative = factories.InitiativeFactory(owner=owner)
    return {
        models.Initiative: initiative,
        models.Milestone: factories.MilestoneFactory(initiative=initiative),
        models.Observation: observation(factories.TradeIndicatorFactory(), 2022),
        models.Region: factories.RegionFactory(),
        models.StatusUpdate: journal_entry(initiative, by=owner),
    }


@pytest.mark.parametrize(
    "model",
    [models.Initiative, models.Milestone, models.Observation, models.Region, models.StatusUpdate],
    ids=lambda model: model._meta.model_name,
)
def test_viewer_reads_everything_and_changes_nothing(model, viewer, owner, login):
    obj = _one_of_each(owner)[model]
    client = login(viewer)

    assert client.get(admin_url(model, "changelist")).status_code == 200
    page = client.get(admin_url(model, "change", obj.pk))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.get(admin_url(model, "add")).status_code == 403
    assert client.post(admin_url(model, "change", obj.pk), {}).status_code == 403
    assert client.post(admin_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()


def test_put_on_hold_action_moves_only_what_the_user_may_change(initiative, owner, login):
    foreign = factories.InitiativeFactory(owner=factories.coordinator("someone-else"))
    client = login(owner)
    data = {"action": "put_on_hold", "_selected_action": [initiative.pk, foreign.pk]}

    response = client.post(admin_url(models.Initiative, "changelist"), data)

    assert response.status_code == 302
    assert models.Initiative.objects.get(pk=initiative.pk).status == Status.ON_HOLD
    assert models.Initiative.objects.get(pk=foreign.pk).status == Status.PROPOSED
    assert initiative.journal.get().author == owner
    assert any(foreign.code in message for message in messages_of(response))

"""A change form saved after someone else changed the same record is refused, never silently applied."""

import pytest
from django.contrib import admin
from django.db.models import F

from tests import factories
from tests.admin.helpers import admin_url, form_data, messages_of
from tests.admin.test_pages import SCENARIOS, TRACKED
from tracker import models

pytestmark = pytest.mark.django_db

STALE = "changed by someone else after you opened it"


def _change_elsewhere(obj):
    """What another user's save does: the stored version moves on."""
    fresh = type(obj).objects.get(pk=obj.pk)
    fresh.save()
    return fresh.version


def test_stale_edit_of_an_initiative_is_refused(initiative, owner, login):
    client = login(owner)
    url = admin_url(models.Initiative, "change", initiative.pk)
    data = form_data(client.get(url)) | {"title_en": "My edit"}
    models.Initiative.objects.filter(pk=initiative.pk).update(title="Their edit", version=F("version") + 1)

    response = client.post(url, data)

    assert response.status_code == 200
    assert STALE in str(response.context["adminform"].form.non_field_errors())
    assert "Reload" in response.content.decode()
    stored = models.Initiative.objects.get(pk=initiative.pk)
    assert (stored.title, stored.version) == ("Their edit", initiative.version + 1)


@pytest.mark.parametrize("model", TRACKED, ids=lambda model: model._meta.model_name)
def test_stale_edit_is_refused_for_every_tracked_model(model, admin_user, login):
    obj = SCENARIOS[model][0]()
    client = login(admin_user)
    url = admin_url(model, "change", obj.pk)
    data = form_data(client.get(url))
    their_version = _change_elsewhere(obj)

    response = client.post(url, data)

    assert response.status_code == 200
    assert STALE in str(response.context["adminform"].form.non_field_errors())
    assert model.objects.get(pk=obj.pk).version == their_version


def test_a_save_racing_another_is_refused_and_rolled_back(initiative, owner, login, monkeypatch):
    client = login(owner)
    url = admin_url(models.Initiative, "change", initiative.pk)
    data = form_data(client.get(url)) | {"title_en": "My edit"}
    model_admin = admin.site._registry[models.Initiative]
    save_form = model_admin.save_form

    def another_save_lands_after_validation(request, form, change):
        models.Initiative.objects.filter(pk=initiative.pk).update(version=F("version") + 1)
        return save_form(request, form, change)

    monkeypatch.setattr(model_admin, "save_form", another_save_lands_after_validation)
    response = client.post(url, data)

    assert response.status_code == 302 and response.url == url
    assert any(STALE in message for message in messages_of(response))
    assert models.Initiative.objects.get(pk=initiative.pk).title == initiative.title


def test_stale_inline_row_is_refused(initiative, owner, login):
    milestone = factories.MilestoneFactory(initiative=initiative, title="Draft the roadmap")
    client = login(owner)
    url = admin_url(models.Initiative, "change", initiative.pk)
    data = form_data(client.get(url)) | {"title": "My edit", "milestones-0-title_en": "My roadmap"}
    models.Milestone.objects.filter(pk=milestone.pk).update(title="Their roadmap", version=F("version") + 1)

    response = client.post(url, data)

    assert response.status_code == 200
    milestones = next(i for i in response.context["inline_admin_formsets"] if i.formset.model is models.Milestone)
    assert STALE in str(milestones.formset.forms[0].non_field_errors())
    assert models.Milestone.objects.get(pk=milestone.pk).title == "Their roadmap"
    assert models.Initiative.objects.get(pk=initiative.pk).title == initiative.title


def test_an_inline_row_changed_elsewhere_is_not_reverted_by_an_unrelated_save(initiative, owner, login):
    # The form still holds the old values of the row the user did not touch; saving them would undo
    # the other user's change, so the form is refused like any stale one.
    milestone = factories.MilestoneFactory(initiative=initiative, title="Draft the roadmap")
    client = login(owner)
    url = admin_url(models.Initiative, "change", initiative.pk)
    data = form_data(client.get(url)) | {"title_en": "My edit"}
    models.Milestone.objects.filter(pk=milestone.pk).update(title="Their roadmap", version=F("version") + 1)

    response = client.post(url, data)

    assert response.status_code == 200
    assert models.Milestone.objects.get(pk=milestone.pk).title == "Their roadmap"
    assert models.Initiative.objects.get(pk=initiative.pk).title == initiative.title


def test_an_inline_row_saved_elsewhere_without_changes_does_not_block_the_save(initiative, owner, login):
    milestone = factories.MilestoneFactory(initiative=initiative, title="Draft the roadmap")
    client = login(owner)
    url = admin_url(models.Initiative, "change", initiative.pk)
    data = form_data(client.get(url)) | {"title_en": "My edit"}
    their_version = _change_elsewhere(milestone)

    response = client.post(url, data)

    assert response.status_code == 302
    assert models.Initiative.objects.get(pk=initiative.pk).title == "My edit"
    assert models.Milestone.objects.get(pk=milestone.pk).version == their_version


def test_a_form_without_its_version_is_refused(initiative, owner, login):
    client = login(owner)
    url = admin_url(models.Initiative, "change", initiative.pk)
    data = form_data(client.get(url)) | {"title_en": "My edit"}
    del data["seen_version"]

    response = client.post(url, data)

    assert response.status_code == 200
    assert "did not say which version" in str(response.context["adminform"].form.non_field_errors())
    assert models.Initiative.objects.get(pk=initiative.pk).title == initiative.title

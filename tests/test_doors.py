"""The same change, whichever door it comes through, leaves the same record: the same events (names and keys) and
the same history rows. The doors: the API, the admin (change forms, inlines, delete), the pages, and for figures
the admin's CSV import. (tracker.domain.initiatives and tracker.domain.observations are the services behind them.)"""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from tests import factories
from tests.admin.helpers import admin_url, form_data
from tests.api import if_match, user_client
from tracker.domain.choices import Frequency, MilestoneState
from tracker.models import Event, Initiative, Milestone, Observation, TradeIndicator

pytestmark = pytest.mark.django_db


def record_of(*objects):
    """(event names in order, history rows per object) written since the fixtures' own."""
    names = list(Event.objects.order_by("pk").values_list("name", "object_key"))
    history = [type(o).history.filter(id=o.pk).count() for o in objects]
    return names, history


@pytest.fixture
def initiative(owner):
    made = factories.InitiativeFactory(code="tractors", owner=owner)
    Event.objects.all().delete()
    return made


@pytest.fixture
def milestone(initiative):
    made = factories.MilestoneFactory(initiative=initiative, title="Draft", due_date=datetime.date(2031, 1, 1))
    Event.objects.all().delete()
    return made


# --- an initiative's title ---------------------------------------------------------------------------------------


def _title_by_api(initiative, owner, client):
    response = user_client(owner).patch(
        f"/api/v1/initiatives/{initiative.code}/", {"title": "Tractors"}, format="json", **if_match(1)
    )
    assert response.status_code == 200, response.content


def _title_by_admin(initiative, owner, client):
    client.force_login(owner)
    url = admin_url(Initiative, "change", initiative.pk)
    data = form_data(client.get(url)) | {"title_en": "Tractors"}
    assert client.post(url, data).status_code == 302


@pytest.mark.parametrize("door", [_title_by_api, _title_by_admin], ids=["api", "admin"])
def test_an_initiative_edit(door, initiative, owner, client):
    door(initiative, owner, client)

    assert record_of(initiative) == ([("initiative.updated", "tractors")], [2])
    assert Initiative.objects.get(pk=initiative.pk).title == "Tractors"


# --- a milestone ticked done ---------------------------------------------------------------------------------------


def _done_by_page(milestone, owner, client):
    client.force_login(owner)
    url = reverse("milestone-done", args=[milestone.initiative.code, milestone.pk])
    assert client.post(url, {"version": 1}).status_code == 302


def _done_by_api(milestone, owner, client):
    body = {"state": "done", "done_on": datetime.date.today().isoformat()}
    response = user_client(owner).patch(f"/api/v1/milestones/{milestone.pk}/", body, format="json", **if_match(1))
    assert response.status_code == 200, response.content


def _done_by_admin(milestone, owner, client):
    client.force_login(owner)
    url = admin_url(Milestone, "change", milestone.pk)
    data = form_data(client.get(url)) | {"state": "done", "done_on": datetime.date.today().isoformat()}
    assert client.post(url, data).status_code == 302


@pytest.mark.parametrize("door", [_done_by_page, _done_by_api, _done_by_admin], ids=["page", "api", "admin"])
def test_a_milestone_ticked_done(door, milestone, owner, client):
    door(milestone, owner, client)

    assert record_of(milestone) == ([("milestone.updated", f"tractors#{milestone.pk}")], [2])
    assert Milestone.objects.get(pk=milestone.pk).state == MilestoneState.DONE


# --- an initiative deleted with its milestones -----------------------------------------------------------------------


def _delete_by_api(initiative, admin_user, client):
    response = user_client(admin_user).delete(f"/api/v1/initiatives/{initiative.code}/", **if_match(1))
    assert response.status_code == 204, response.content


def _delete_by_admin(initiative, admin_user, client):
    client.force_login(admin_user)
    assert client.post(admin_url(Initiative, "delete", initiative.pk), {"post": "yes"}).status_code == 302


@pytest.mark.parametrize("door", [_delete_by_api, _delete_by_admin], ids=["api", "admin"])
def test_an_initiative_deleted_with_its_milestones(door, milestone, admin_user, client):
    initiative = milestone.initiative

    door(initiative, admin_user, client)

    names, history = record_of(initiative, milestone)
    assert sorted(names) == [("initiative.deleted", "tractors"), ("milestone.deleted", f"tractors#{milestone.pk}")]
    assert history == [2, 2]  # created, deleted
    assert not Initiative.objects.filter(pk=initiative.pk).exists()


# --- a figure changed --------------------------------------------------------------------------------------------


@pytest.fixture
def figure(db):
    indicator = factories.TradeIndicatorFactory(code="by-lip-exports", frequency=Frequency.YEAR)
    made = Observation.objects.create(indicator=indicator, period="2021", value=Decimal("100"))
    Event.objects.all().delete()
    return made


def _figure_by_api(analyst, client, tmp_path):
    response = user_client(analyst).put(
        "/api/v1/indicators/by-lip-exports/observations/", [{"period": "2021", "value": "150"}], format="json"
    )
    assert response.status_code == 200, response.content


def _figure_by_admin_form(analyst, client, tmp_path):
    client.force_login(analyst)
    url = admin_url(TradeIndicator, "change", TradeIndicator.objects.get(code="by-lip-exports").pk)
    assert client.post(url, form_data(client.get(url)) | {"observations-0-value": "150"}).status_code == 302


def _figure_by_admin_import(analyst, client, tmp_path):
    client.force_login(analyst)
    upload = SimpleUploadedFile("f.csv", b"indicator,period,value\nby-lip-exports,2021,150\n")
    preview = client.post(admin_url(Observation, "import"), {"resource": "0", "format": "0", "import_file": upload})
    confirm = {name: str(value) for name, value in preview.context["confirm_form"].initial.items()}
    assert client.post(admin_url(Observation, "process_import"), confirm).status_code == 302


def _figure_by_command(analyst, client, tmp_path):
    path = tmp_path / "figures.csv"
    path.write_text("indicator,period,value\nby-lip-exports,2021,150\n", encoding="utf-8")
    call_command("import_observations", str(path), "--no-progress", stdout=io.StringIO())


@pytest.mark.parametrize(
    "door",
    [_figure_by_api, _figure_by_admin_form, _figure_by_admin_import, _figure_by_command],
    ids=["api", "admin-form", "admin-import", "command"],
)
def test_a_figure_changed(door, figure, analyst, client, tmp_path):
    door(analyst, client, tmp_path)

    assert record_of(figure) == ([("observation.updated", "by-lip-exports@2021")], [2])
    assert Observation.objects.get(pk=figure.pk).value == Decimal("150.00")

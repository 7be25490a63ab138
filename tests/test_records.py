"""Reference data, meetings and trade series are written through their one door (tracker.domain.records): the
actor's model permission, the version it read, and the record, history row and event together, from the admin and
the seeds alike."""

import pytest
from django.core.exceptions import PermissionDenied

from tests import factories
from tests.admin.helpers import admin_url
from tracker.domain import records
from tracker.domain.actors import SystemActor
from tracker.domain.errors import StaleVersion
from tracker.models import Event, Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def region():
    made = factories.RegionFactory(code="BY-MI", name="Minsk Oblast")
    Event.objects.all().delete()
    return made


def test_changing_reference_data_needs_its_model_permission(region, viewer, make_key):
    key, _token = make_key(write=True)
    for actor in (viewer, key):
        region.name = "Renamed"
        with pytest.raises(PermissionDenied):
            records.save(region, by=actor, expected_version=1)
        with pytest.raises(PermissionDenied):
            records.delete(region, by=actor, expected_version=1)
    assert Region.objects.get(pk=region.pk).name == "Minsk Oblast"
    assert not Event.objects.exists()


def test_a_change_is_versioned_journalled_and_announced(region, admin_user):
    region.name = "Minsk Region"
    records.save(region, by=admin_user, expected_version=1)

    region.name = "Stale"
    with pytest.raises(StaleVersion):
        records.save(region, by=admin_user, expected_version=1)

    stored = Region.objects.get(pk=region.pk)
    assert (stored.name, stored.version, stored.history.count()) == ("Minsk Region", 2, 2)
    assert list(Event.objects.values_list("name", flat=True)) == ["region.updated"]


def test_the_system_writes_reference_data_as_the_seeds_do(region):
    region.name = "Minsk Region"
    records.save(region, by=SystemActor("load_seeds"), expected_version=1)

    assert Region.objects.get(pk=region.pk).history.first().history_actor == "load_seeds"


def test_the_admin_bulk_delete_goes_through_the_door_one_record_at_a_time(region, admin_user, client):
    """The changelist's delete action deletes each record through the door (its permission and version), one
    event each."""
    other = factories.RegionFactory(code="BY-BR", name="Brest Oblast")
    Event.objects.all().delete()
    client.force_login(admin_user)
    data = {"action": "delete_selected", "_selected_action": [region.pk, other.pk], "post": "yes"}

    assert client.post(admin_url(Region, "changelist"), data).status_code == 302

    assert not Region.objects.filter(pk__in=[region.pk, other.pk]).exists()
    assert sorted(Event.objects.values_list("name", "object_key")) == [
        ("region.deleted", "BY-BR"),
        ("region.deleted", "BY-MI"),
    ]

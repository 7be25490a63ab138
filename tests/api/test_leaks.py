"""Nothing crosses from one partner to another: an object a key may not see answers as one that does not exist,
through every relation it can set or read; partners read people by display name and never another key's name."""

import pytest

from tests import factories
from tests.api.battery import World
from tracker.domain.choices import Visibility
from tracker.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    made = World()
    made.voronezh_initiative = factories.InitiativeFactory(
        code="voronezh-one", partner_region=made.voronezh, visibility=Visibility.SHARED
    )
    made.lipetsk_meeting = factories.MeetingFactory(partner_region=made.lipetsk, title="Lipetsk talks")
    return made


def _same_refusal(first, second):
    assert (first.status_code, first.json()["errors"].keys()) == (second.status_code, second.json()["errors"].keys())
    assert first.status_code == 400
    return first.json(), second.json()


def test_a_meeting_of_another_region_cannot_be_set_as_origin_nor_read_through_it(world):
    """Before: setting origin to any meeting id answered that meeting's date, place and title."""
    client = world.client("region_key")
    url = "/api/v1/initiatives/voronezh-one/"

    hidden = client.patch(url, {"origin": world.lipetsk_meeting.pk}, format="json", HTTP_IF_MATCH='"1"')
    missing = client.patch(url, {"origin": 999_999}, format="json", HTTP_IF_MATCH='"1"')

    first, _second = _same_refusal(hidden, missing)
    assert "Lipetsk" not in str(first)
    world.voronezh_initiative.origin = world.lipetsk_meeting  # as an administrator might have set it
    world.voronezh_initiative.save()
    assert client.get(url).json()["origin"] is None
    [row] = [r for r in client.get("/api/v1/initiatives/").json()["results"] if r["code"] == "voronezh-one"]
    assert row["origin"] is None
    assert world.client("admin").get(url).json()["origin"]["id"] == world.lipetsk_meeting.pk


def test_a_meeting_lists_only_the_initiatives_the_key_may_see(world):
    """Before: /meetings/ listed the codes of internal initiatives."""
    world.lipetsk_meeting.initiatives.add(world.shared, world.internal)

    [meeting] = world.client("read_key").get("/api/v1/meetings/").json()["results"]

    assert meeting["initiatives"] == ["shared-one"]
    [seen_by_staff] = world.client("admin").get("/api/v1/meetings/").json()["results"]
    assert sorted(seen_by_staff["initiatives"]) == ["internal-one", "shared-one"]


def test_a_hidden_initiative_answers_as_a_missing_one_when_a_part_is_added(world):
    """Before: a milestone on a hidden code was refused differently from one on a code that does not exist."""
    client = world.client("write_key")
    body = {"title": "Step", "due_date": "2031-01-01"}

    hidden = client.post("/api/v1/milestones/", {**body, "initiative": "internal-one"}, format="json")
    missing = client.post("/api/v1/milestones/", {**body, "initiative": "no-such-one"}, format="json")

    first, second = _same_refusal(hidden, missing)
    assert first["errors"]["initiative"][0].replace("internal-one", "X") == second["errors"]["initiative"][0].replace(
        "no-such-one", "X"
    )


def test_creating_an_initiative_is_refused_before_its_code_is_looked_at(world):
    """Before: a key's POST with a hidden code answered "already exists"."""
    client = world.client("write_key")
    body = {"title": "New", "area": world.shared.area.code, "partner_region": "RU-LIP"}

    hidden = client.post("/api/v1/initiatives/", {**body, "code": "internal-one"}, format="json")
    new = client.post("/api/v1/initiatives/", {**body, "code": "brand-new"}, format="json")

    assert (hidden.status_code, hidden.json()) == (new.status_code, new.json())
    assert hidden.status_code == 403


def test_a_key_cannot_link_an_indicator_it_cannot_see(world):
    """Before: a key could link its initiative to an indicator it got 404 on."""
    client = world.client("region_key")
    assert client.get("/api/v1/indicators/by-lip-turnover/").status_code == 404
    body = {"initiative": "voronezh-one", "target_value": "1", "target_period": "2025"}

    hidden = client.post("/api/v1/indicator-links/", {**body, "indicator": "by-lip-turnover"}, format="json")
    missing = client.post("/api/v1/indicator-links/", {**body, "indicator": "no-such-series"}, format="json")

    _same_refusal(hidden, missing)


def test_partners_read_people_by_display_name_and_never_another_keys_name(world):
    owner = world.users["owner"]
    world.client("owner").post("/api/v1/initiatives/shared-one/transitions/", {"to": "under_study"}, format="json")
    world.client("write_key").patch(
        "/api/v1/initiatives/shared-one/", {"title": "Renamed"}, format="json", HTTP_IF_MATCH='"2"'
    )
    reader = world.client("read_key")

    detail = reader.get("/api/v1/initiatives/shared-one/").json()
    [listed] = [r for r in reader.get("/api/v1/initiatives/").json()["results"] if r["code"] == "shared-one"]
    [entry] = reader.get("/api/v1/initiatives/shared-one/journal/").json()["results"]
    authors = {e["event"]: e["author"] for e in reader.get("/api/v1/changes/").json()["results"]}

    assert detail["owner"] == listed["owner"] == {"username": None, "name": "a coordinator"}
    assert entry["author"] == "a coordinator"
    assert authors["initiative.transitioned"] == "a coordinator"
    assert authors["initiative.updated"] == "a partner system"
    assert owner.username not in {entry["author"], *authors.values()}
    own = {e["event"]: e["author"] for e in world.client("write_key").get("/api/v1/changes/").json()["results"]}
    assert own["initiative.updated"] == "API key write"  # a key reads its own name, as recorded
    staff = world.client("admin").get("/api/v1/initiatives/shared-one/").json()
    assert staff["owner"]["username"] == owner.username


def test_a_move_to_another_region_names_the_old_region_by_its_code(world):
    """Before: `moved_from_region` was a database id."""
    url = "/api/v1/initiatives/shared-one/"
    world.client("admin").patch(url, {"partner_region": "RU-VOR"}, format="json", HTTP_IF_MATCH='"1"')

    event = Event.objects.filter(name="initiative.updated", data__has_key="moved_from_region").get()
    assert event.data["moved_from_region"] == "RU-LIP"

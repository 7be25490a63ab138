"""Who may do what through the API: every endpoint x method x principal, with the expected status, in the world
of tests/api/battery.py (World: a shared and an internal initiative in RU-LIP owned by `owner`, a milestone, a
trade series of RU-LIP, and keys: read, write, and write-but-restricted to another region, RU-VOR)."""

import pytest

from tests.api.battery import PRINCIPALS, World

pytestmark = pytest.mark.django_db


def _patch_shared(world):
    return "patch", "/api/v1/initiatives/shared-one/", {"title": "Renamed"}, {"HTTP_IF_MATCH": '"1"'}


def _create_initiative(world):
    body = {"code": "brand-new", "title": "New", "area": world.shared.area.code, "partner_region": "RU-LIP"}
    return "post", "/api/v1/initiatives/", body, {}


def _delete_shared(world):
    return "delete", "/api/v1/initiatives/internal-one/", None, {"HTTP_IF_MATCH": '"1"'}


def _transition_shared(world):
    return "post", "/api/v1/initiatives/shared-one/transitions/", {"to": "under_study", "note": "go"}, {}


def _add_milestone(world):
    body = {"initiative": "shared-one", "title": "Sign the contract", "due_date": "2030-01-01"}
    return "post", "/api/v1/milestones/", body, {}


def _patch_milestone(world):
    url = f"/api/v1/milestones/{world.milestone.pk}/"
    return "patch", url, {"title": "Renamed"}, {"HTTP_IF_MATCH": f'"{world.milestone.version}"'}


def _add_milestone_to(code):
    body = {"initiative": code, "title": "Sign the contract", "due_date": "2030-01-01"}
    return lambda world: ("post", "/api/v1/milestones/", body, {})


def _create_with_code(code):
    def make(world):
        body = {"code": code, "title": "New", "area": world.shared.area.code, "partner_region": "RU-LIP"}
        return "post", "/api/v1/initiatives/", body, {}

    return make


def _put_observations(world):
    body = [{"period": "2024", "value": "1000.00", "qualifier": "exact"}]
    return "put", "/api/v1/indicators/by-lip-turnover/observations/", body, {}


def _get(url):
    return lambda world: ("get", url, None, {})


# Expected status per principal, in PRINCIPALS order.
MATRIX = {
    "list initiatives": (_get("/api/v1/initiatives/"), [401, 200, 200, 200, 200, 200, 200, 200, 200]),
    "read shared initiative": (_get("/api/v1/initiatives/shared-one/"), [401, 200, 200, 200, 200, 200, 200, 404, 200]),
    "read internal initiative": (
        _get("/api/v1/initiatives/internal-one/"),
        [401, 200, 200, 200, 200, 404, 404, 404, 200],
    ),
    "read journal": (_get("/api/v1/initiatives/shared-one/journal/"), [401, 200, 200, 200, 200, 200, 200, 404, 200]),
    "patch initiative": (_patch_shared, [401, 403, 200, 403, 403, 403, 200, 404, 200]),
    "create initiative": (_create_initiative, [401, 403, 201, 201, 403, 403, 403, 403, 201]),
    "delete initiative": (_delete_shared, [401, 403, 403, 403, 403, 403, 404, 404, 204]),
    "transition": (_transition_shared, [401, 403, 201, 403, 403, 403, 201, 404, 201]),
    "add milestone": (_add_milestone, [401, 403, 201, 403, 403, 403, 201, 400, 201]),
    "patch milestone": (_patch_milestone, [401, 403, 200, 403, 403, 403, 200, 404, 200]),
    "upsert observations": (_put_observations, [401, 403, 403, 403, 200, 403, 200, 404, 200]),
    # What a key may not see answers as what does not exist (tests/api/test_leaks.py has the bodies too).
    "add milestone to a hidden initiative": (
        _add_milestone_to("internal-one"),
        [401, 403, 201, 403, 403, 403, 400, 400, 201],
    ),
    "add milestone to a missing initiative": (
        _add_milestone_to("no-such-one"),
        [401, 403, 400, 400, 403, 403, 400, 400, 400],
    ),
    "create with a hidden code": (_create_with_code("internal-one"), [401, 403, 400, 400, 403, 403, 403, 403, 400]),
    "list regions": (_get("/api/v1/regions/"), [401, 200, 200, 200, 200, 200, 200, 200, 200]),
    "list indicators": (_get("/api/v1/indicators/"), [401, 200, 200, 200, 200, 200, 200, 200, 200]),
    "list changes": (_get("/api/v1/changes/"), [401, 200, 200, 200, 200, 200, 200, 200, 200]),
    "schema": (_get("/api/schema/"), [200] * len(PRINCIPALS)),
}

CASES = [
    pytest.param(request, principal, expected, id=f"{name}-{principal}")
    for name, (request, statuses) in MATRIX.items()
    for principal, expected in zip(PRINCIPALS, statuses, strict=True)
]


@pytest.mark.parametrize(("make_request", "principal", "expected"), CASES)
def test_access(make_request, principal, expected):
    world = World()
    method, url, body, headers = make_request(world)
    response = getattr(world.client(principal), method)(url, body, format="json", **headers)
    assert response.status_code == expected, response.content[:300]
    if expected >= 400:
        assert response["Content-Type"].startswith("application/problem+json")


def test_a_refused_write_changes_nothing():
    world = World()
    for principal in ("viewer", "other", "read_key", "region_key"):
        world.client(principal).post(
            "/api/v1/initiatives/shared-one/transitions/", {"to": "under_study"}, format="json"
        )
        world.client(principal).patch(
            "/api/v1/initiatives/shared-one/", {"title": "x"}, format="json", HTTP_IF_MATCH='"1"'
        )
    world.shared.refresh_from_db()
    assert (world.shared.status, world.shared.title, world.shared.version) == ("proposed", world.shared.title, 1)
    assert world.shared.journal.count() == 0


def test_a_coordinator_cannot_give_an_initiative_away():
    world = World()
    response = world.client("owner").patch(
        "/api/v1/initiatives/shared-one/", {"owner": "other"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 403
    world.shared.refresh_from_db()
    assert world.shared.owner == world.users["owner"]


def test_a_coordinator_creating_an_initiative_owns_it():
    world = World()
    _method, url, body, _headers = _create_initiative(world)
    response = world.client("other").post(url, body, format="json")
    assert response.status_code == 201
    assert response.json()["owner"]["username"] == "other"


def test_the_journal_names_the_key_that_transitioned():
    world = World()
    world.client("write_key").post("/api/v1/initiatives/shared-one/transitions/", {"to": "under_study"}, format="json")
    entry = world.shared.journal.get()
    assert entry.author_name == "API key write"
    assert entry.api_key.name == "write" and entry.author is None
    history = world.shared.history.first()
    assert history.history_actor == "API key write"


@pytest.mark.parametrize("change", [{"partner_region": "RU-VOR"}, {"visibility": "internal"}, {"owner": "other"}])
def test_a_write_key_cannot_move_unshare_or_give_away_an_initiative(change):
    world = World()
    response = world.client("write_key").patch(
        "/api/v1/initiatives/shared-one/", change, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 403
    world.shared.refresh_from_db()
    assert (world.shared.partner_region, world.shared.visibility, world.shared.version) == (world.lipetsk, "shared", 1)

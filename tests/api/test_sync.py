"""Keeping a partner's copy in step: cursor pages over the lists, then the change feed (/api/v1/changes/).

The mirror tests play both sides: a coordinators' office that keeps creating, editing, sharing, withdrawing,
moving along and deleting initiatives and milestones, and a partner system that follows the feed with its key
and applies each change. At the end the partner's copy must be exactly what the key may see.
"""

import datetime
import itertools
import random
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests import committed_data, factories
from tests.api import key_client, user_client, walk
from tracker.domain import workflow
from tracker.domain.choices import Visibility
from tracker.models import Event, Initiative, Milestone

pytestmark = pytest.mark.django_db

FAR_FUTURE = datetime.date(9999, 12, 31)
PARTNER_VISIBLE = (Visibility.SHARED, Visibility.PUBLIC)
needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a writer in another thread needs a second connection to PostgreSQL"
)


# --- cursor pages ---------------------------------------------------------------------------------------


@pytest.fixture
def catalogue(db):
    """Eleven initiatives with repeated and missing planned ends, half of them saved at the same instant."""
    area = factories.AreaFactory(code="trade")
    region = factories.RegionFactory(code="RU-LIP")
    ends = [(2025, 1, 1), None, (2024, 6, 30), (2025, 1, 1), None, (2023, 1, 1), (2025, 1, 1), None, (2024, 6, 30)]
    ends += [(2026, 1, 1), None]
    for number, end in enumerate(ends):
        factories.InitiativeFactory(
            code=f"item-{number:02d}",
            area=area,
            partner_region=region,
            planned_end=datetime.date(*end) if end else None,
            visibility=Visibility.SHARED if number % 3 else Visibility.INTERNAL,
        )
    Initiative.objects.filter(code__in=[f"item-{n:02d}" for n in range(0, 11, 2)]).update(updated_at=timezone.now())
    return list(Initiative.objects.all())


ORDERINGS = {
    "code": lambda i: i.code,
    "planned_end": lambda i: (i.planned_end or FAR_FUTURE, i.pk),
    "updated": lambda i: (i.updated_at, i.pk),
}


@pytest.mark.parametrize("ordering", [*ORDERINGS, *(f"-{name}" for name in ORDERINGS)])
def test_pages_of_two_follow_the_ordering_without_duplicates_or_gaps(superuser_client, catalogue, ordering):
    expected = sorted(catalogue, key=ORDERINGS[ordering.lstrip("-")], reverse=ordering.startswith("-"))

    rows, counts = walk(superuser_client, f"/api/v1/initiatives/?page_size=2&ordering={ordering}")

    assert [row["code"] for row in rows] == [initiative.code for initiative in expected]
    assert len(counts) == 6
    assert len(set(counts)) == 1, f"queries per page differ: {counts}"


def test_the_default_order_is_by_update_so_a_sync_can_stop_where_it_left_off(superuser_client, catalogue):
    rows, _counts = walk(superuser_client, "/api/v1/initiatives/?page_size=4")

    expected = sorted(catalogue, key=ORDERINGS["updated"])
    assert [row["code"] for row in rows] == [initiative.code for initiative in expected]


def test_a_key_pages_through_only_what_is_shared_with_it(make_key, catalogue):
    rows, _counts = walk(key_client(make_key()[1]), "/api/v1/initiatives/?page_size=2&ordering=code")

    shared = sorted(i.code for i in catalogue if i.visibility in PARTNER_VISIBLE)
    assert [row["code"] for row in rows] == shared


def test_a_row_changed_while_paging_is_not_skipped(superuser_client, catalogue):
    """Ordered by update, a row edited behind the reader moves to the end and is read there, not lost."""
    first = superuser_client.get("/api/v1/initiatives/?page_size=3").json()
    already_read = first["results"][0]["code"]
    superuser_client.patch(
        f"/api/v1/initiatives/{already_read}/", {"title": "Edited"}, format="json", HTTP_IF_MATCH='"1"'
    )

    rest, _counts = walk(superuser_client, first["next"])

    codes = [row["code"] for row in first["results"] + rest]
    assert set(codes) == {i.code for i in catalogue}
    assert codes[-1] == already_read
    assert rest[-1]["title"] == "Edited"


def _token(values):
    import base64
    import json

    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


BAD_CURSORS = {
    "not base64": "%%%not-a-cursor%%%",
    "not a list": _token({"updated": 1}),
    "too short": _token([1]),
    "date without its key": _token([{"x": 1}, 2]),
    "boolean": _token([True, 2]),
    "nulls": _token([None, None]),
    "a word for a time": _token(["yesterday", 2]),
    "a word for an id": _token([{"dt": "2024-01-01T00:00:00+00:00"}, "abc"]),
    "a time without zone": _token([{"dt": "2024-01-01T00:00:00"}, 2]),
    "an id beyond 64 bits": _token([{"dt": "2024-01-01T00:00:00+00:00"}, 10**30]),
    "a fraction": _token([{"dt": "2024-01-01T00:00:00+00:00"}, 1.5]),
}


@pytest.mark.parametrize("cursor", BAD_CURSORS.values(), ids=BAD_CURSORS.keys())
def test_a_bad_cursor_is_a_400_naming_cursor(superuser_client, catalogue, cursor):
    response = superuser_client.get("/api/v1/initiatives/", {"cursor": cursor})

    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == ["cursor"]


def test_a_cursor_of_another_ordering_is_a_400_naming_cursor(superuser_client, catalogue):
    by_code = superuser_client.get("/api/v1/initiatives/?page_size=2&ordering=code").json()["next"]
    cursor = by_code.split("cursor=")[1].split("&")[0]

    response = superuser_client.get("/api/v1/initiatives/", {"cursor": cursor, "ordering": "updated"})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["cursor"]


@pytest.mark.parametrize("size", ["0", "-1", "ten", "1.5", "100000"])
def test_a_page_size_outside_one_to_the_maximum_is_a_400_naming_page_size(superuser_client, catalogue, size):
    response = superuser_client.get("/api/v1/initiatives/", {"page_size": size})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["page_size"]


def test_the_largest_page_size_is_allowed_and_one_more_is_not(superuser_client, catalogue, settings):
    largest = settings.API_MAX_PAGE_SIZE

    assert superuser_client.get("/api/v1/initiatives/", {"page_size": largest}).status_code == 200
    assert superuser_client.get("/api/v1/initiatives/", {"page_size": largest + 1}).status_code == 400


def test_an_unknown_ordering_is_a_400_listing_the_choices(superuser_client, catalogue):
    response = superuser_client.get("/api/v1/initiatives/", {"ordering": "title"})

    assert response.status_code == 400
    message = response.json()["errors"]["ordering"][0]
    assert "planned_end" in message and "-code" in message


# --- the change feed --------------------------------------------------------------------------------------


def test_the_feed_pages_with_after_and_says_where_it_stopped(write_client, shared_initiative):
    for number in range(5):
        factories.MilestoneFactory(initiative=shared_initiative, title=f"Step {number}")
    everything = list(Event.objects.order_by("id").values_list("id", flat=True))

    seen, url, more = [], "/api/v1/changes/?after=0&limit=2", []
    while url:
        body = write_client.get(url).json()
        seen += [event["cursor"] for event in body["results"]]
        url = body["next"]
        last = body["cursor"]
        more.append(body["has_more"])

    assert seen == everything  # cursors are integers, as `after` takes them
    assert last == everything[-1]
    assert more == [True] * (len(more) - 1) + [False] and len(more) == -(-len(everything) // 2)  # no empty page
    nothing_new = write_client.get(f"/api/v1/changes/?after={last}").json()
    assert nothing_new == {"cursor": last, "has_more": False, "next": None, "results": []}


@pytest.mark.parametrize(("parameter", "value"), [("after", "-1"), ("after", "x"), ("limit", "0"), ("limit", "1001")])
def test_bad_feed_parameters_are_a_400_naming_them(write_client, parameter, value):
    response = write_client.get("/api/v1/changes/", {parameter: value})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [parameter]


class Writer:
    """A coordinators' office at work, as a superuser through the API: each `step` is one change, chosen by a
    seeded random generator, to initiatives (create, edit, share or withdraw, transition, delete one never
    transitioned) or milestones (add, edit, delete)."""

    def __init__(self, user, area, regions, seed):
        self.user, self.client = user, user_client(user)
        self.area, self.regions = area, regions
        self.random = random.Random(seed)
        self.numbers = itertools.count()
        self.done = []
        self.operations = [
            self.create_initiative,
            self.create_initiative,
            self.rename_initiative,
            self.change_visibility,
            self.transition,
            self.transition,
            self.delete_initiative,
            self.add_milestone,
            self.add_milestone,
            self.rename_milestone,
            self.delete_milestone,
        ]

    def step(self):
        operation = self.random.choice(self.operations)
        if operation() is not False:
            self.done.append(operation.__name__)

    def _expect(self, response, status):
        assert response.status_code == status, (self.done, response.content)
        return response

    def _pick(self, queryset):
        choices = sorted(queryset)
        return self.random.choice(choices) if choices else None

    def create_initiative(self):
        number = next(self.numbers)
        body = {
            "code": f"w-{number}",
            "title": f"Initiative {number}",
            "area": self.area.code,
            "partner_region": self.random.choice(self.regions).code,
            "visibility": self.random.choice([Visibility.SHARED, Visibility.SHARED, Visibility.PUBLIC, "internal"]),
        }
        self._expect(self.client.post("/api/v1/initiatives/", body, format="json"), 201)

    def _patch_initiative(self, fields):
        code = self._pick(Initiative.objects.values_list("code", flat=True))
        if code is None:
            return False
        url = f"/api/v1/initiatives/{code}/"
        etag = self._expect(self.client.get(url), 200)["ETag"]
        self._expect(self.client.patch(url, fields, format="json", HTTP_IF_MATCH=etag), 200)
        return True

    def rename_initiative(self):
        return self._patch_initiative({"title": f"Renamed {next(self.numbers)}"})

    def change_visibility(self):
        return self._patch_initiative({"visibility": self.random.choice(Visibility.values)})

    def transition(self):
        code = self._pick(Initiative.objects.values_list("code", flat=True))
        if code is None:
            return False
        allowed = workflow.allowed_transitions(Initiative.objects.get(code=code), self.user)
        if not allowed:
            return False
        body = {"to": self.random.choice(allowed), "note": "moving on"}
        self._expect(self.client.post(f"/api/v1/initiatives/{code}/transitions/", body, format="json"), 201)
        return True

    def delete_initiative(self):
        never_transitioned = Initiative.objects.filter(journal__isnull=True).values_list("code", "version")
        picked = self._pick(never_transitioned)
        if picked is None:
            return False
        code, version = picked
        self._expect(self.client.delete(f"/api/v1/initiatives/{code}/", HTTP_IF_MATCH=f'"{version}"'), 204)
        return True

    def add_milestone(self):
        code = self._pick(Initiative.objects.values_list("code", flat=True))
        if code is None:
            return False
        body = {"initiative": code, "title": f"Milestone {next(self.numbers)}", "due_date": "2030-01-01"}
        self._expect(self.client.post("/api/v1/milestones/", body, format="json"), 201)
        return True

    def rename_milestone(self):
        picked = self._pick(Milestone.objects.values_list("pk", "version"))
        if picked is None:
            return False
        pk, version = picked
        body = {"title": f"Renamed milestone {next(self.numbers)}"}
        self._expect(
            self.client.patch(f"/api/v1/milestones/{pk}/", body, format="json", HTTP_IF_MATCH=f'"{version}"'), 200
        )
        return True

    def delete_milestone(self):
        picked = self._pick(Milestone.objects.values_list("pk", "version"))
        if picked is None:
            return False
        pk, version = picked
        self._expect(self.client.delete(f"/api/v1/milestones/{pk}/", HTTP_IF_MATCH=f'"{version}"'), 204)
        return True


class Mirror:
    """A partner system's copy of initiatives and milestones, kept the way docs/api.md says:

    1. note where the feed ends; 2. read the lists page by page; 3. apply every change after the noted cursor:
    GET the object for created/updated/transitioned (a 404 means it is gone for this key), drop it for
    deleted. An initiative's milestones are read again with it, since they may have changed while it was
    hidden from the key (internal) and such changes are not in the key's feed.
    """

    def __init__(self, client, page_size=3, limit=4):
        self.client, self.page_size, self.limit = client, page_size, limit
        self.initiatives, self.milestones = {}, {}
        self.cursor = "0"

    def _get(self, url):
        response = self.client.get(url)
        assert response.status_code == 200, (url, response.content)
        return response.json()

    def _pages(self, url, between=None):
        while url:
            body = self._get(url)
            yield from body["results"]
            url = body["next"]
            if between:
                between()

    def start(self, between=None):
        """Steps 1 and 2; `between` runs after each page (to let others write meanwhile)."""
        while True:
            body = self._get(f"/api/v1/changes/?after={self.cursor}&limit=1000")
            self.cursor = body["cursor"]
            if body["next"] is None:
                break
        for row in self._pages(f"/api/v1/initiatives/?page_size={self.page_size}", between):
            self.initiatives[row["code"]] = row
        for row in self._pages(f"/api/v1/milestones/?page_size={self.page_size}", between):
            self.milestones[row["id"]] = row

    def follow(self):
        """Apply one page of changes; return how many there were."""
        body = self._get(f"/api/v1/changes/?after={self.cursor}&limit={self.limit}")
        for event in body["results"]:
            assert int(event["cursor"]) > int(self.cursor), "the feed went backwards"
            self.apply(event)
            self.cursor = event["cursor"]
        assert body["cursor"] == self.cursor
        return len(body["results"])

    def follow_to_the_end(self):
        while self.follow():
            pass

    def apply(self, event):
        if event["object_type"] == "initiative":
            self._apply_initiative(event["key"], event["action"])
        elif event["object_type"] == "milestone":
            self._apply_milestone(event["object_id"], event["action"])

    def _apply_initiative(self, code, action):
        response = None if action == "deleted" else self.client.get(f"/api/v1/initiatives/{code}/")
        self.milestones = {pk: row for pk, row in self.milestones.items() if row["initiative"] != code}
        if response is None or response.status_code == 404:
            self.initiatives.pop(code, None)
            return
        assert response.status_code == 200, response.content
        self.initiatives[code] = response.json()
        for row in self._pages(f"/api/v1/milestones/?initiative={code}&page_size=100"):
            self.milestones[row["id"]] = row

    def _apply_milestone(self, pk, action):
        response = None if action == "deleted" else self.client.get(f"/api/v1/milestones/{pk}/")
        if response is None or response.status_code == 404:
            self.milestones.pop(pk, None)
            return
        assert response.status_code == 200, response.content
        self.milestones[pk] = response.json()

    def state(self):
        return (
            {
                code: (row["title"], row["status"], row["visibility"], row["version"])
                for code, row in self.initiatives.items()
            },
            {pk: (row["initiative"], row["title"], row["version"]) for pk, row in self.milestones.items()},
        )


class IncludingMirror(Mirror):
    """The same copy kept with `/changes/?include=object`, as docs/api.md's recipe now does: each change carries its
    object (or `gone`), so applying one costs no request; only an initiative that comes into view (shared again,
    or moved into the key's region) has its milestones read, since their changes while hidden are not in the
    key's feed. `requests` counts what it sent after the initial lists."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.requests = []

    def _get(self, url):
        self.requests.append(url.split("?")[0])
        return super()._get(url)

    def follow(self):
        body = self._get(f"/api/v1/changes/?after={self.cursor}&limit={self.limit}&include=object")
        for event in body["results"]:
            assert event["cursor"] > int(self.cursor), "the feed went backwards"
            self.apply(event)
            self.cursor = event["cursor"]
        assert body["cursor"] == int(self.cursor)
        return len(body["results"])

    def apply(self, event):
        kind, item, gone = event["object_type"], event["object"], event["gone"]
        if kind == "initiative":
            code = event["key"]
            if gone or item is None:
                self.initiatives.pop(code, None)
                self.milestones = {pk: row for pk, row in self.milestones.items() if row["initiative"] != code}
                return
            if code not in self.initiatives:  # came into view: its milestones may have changed while hidden
                for row in self._pages(f"/api/v1/milestones/?initiative={code}&page_size=100"):
                    self.milestones[row["id"]] = row
            self.initiatives[code] = item
        elif kind == "milestone":
            if gone or item is None:
                self.milestones.pop(event["object_id"], None)
            else:
                self.milestones[event["object_id"]] = item


def shared_state(region=None):
    """What a key may see, read straight from the database: shared and public initiatives (of `region`, for a
    restricted key) and their milestones."""
    initiatives = Initiative.objects.filter(visibility__in=PARTNER_VISIBLE)
    if region is not None:
        initiatives = initiatives.filter(partner_region=region)
    milestones = Milestone.objects.filter(initiative__in=initiatives).select_related("initiative")
    return (
        {i.code: (i.title, i.status, i.visibility, i.version) for i in initiatives},
        {m.pk: (m.initiative.code, m.title, m.version) for m in milestones},
    )


def _office(admin_user, seed):
    area = factories.AreaFactory(code="trade")
    regions = [factories.RegionFactory(code="RU-LIP"), factories.RegionFactory(code="RU-VOR")]
    return Writer(admin_user, area, regions, seed), regions


def test_a_mirror_kept_by_the_feed_equals_what_its_key_may_see(admin_user, make_key):
    """Writes interleaved with the partner's reads, in one thread: runs on SQLite and PostgreSQL alike."""
    writer, _regions = _office(admin_user, seed=20230601)
    for _ in range(15):
        writer.step()  # what happened before the partner connected
    mirror = Mirror(key_client(make_key("mirror", write=True)[1]))

    mirror.start(between=writer.step)
    for _ in range(60):
        writer.step()
        writer.step()
        mirror.follow()
    mirror.follow_to_the_end()

    assert set(writer.done) == {operation.__name__ for operation in writer.operations}, "the writer left something out"
    initiatives, milestones = shared_state()
    assert initiatives and milestones
    assert mirror.state() == (initiatives, milestones)


@pytest.mark.parametrize("region_bound", [False, True])
def test_a_mirror_kept_with_included_objects_equals_what_its_key_may_see_with_one_request_per_page(
    admin_user, make_key, region_bound
):
    writer, regions = _office(admin_user, seed=20230601)
    region = regions[0] if region_bound else None
    mirror = IncludingMirror(key_client(make_key("mirror", write=True, region=region)[1]), limit=4)
    mirror.start(between=writer.step)
    mirror.requests.clear()

    for _ in range(60):
        writer.step()
        writer.step()
        mirror.follow()
    mirror.follow_to_the_end()

    assert mirror.state() == shared_state(region=region)
    # Pages of the feed, and the milestones of an initiative that came into view: never a read per change.
    assert set(mirror.requests) <= {"/api/v1/changes/", "/api/v1/milestones/"}, set(mirror.requests)
    assert mirror.requests.count("/api/v1/changes/") > 60


def test_included_objects_are_what_a_read_returns_and_deletions_are_gone(write_client, shared_initiative, owner):
    milestone = factories.MilestoneFactory(initiative=shared_initiative)
    workflow.transition(shared_initiative, "under_study", by=owner)
    milestone_id = milestone.pk
    milestone.delete()
    last = Event.objects.order_by("-id").first().pk

    body = write_client.get("/api/v1/changes/?after=0&include=object").json()

    by_event = {(e["event"], e["object_id"]): e for e in body["results"]}
    transitioned = by_event[("initiative.transitioned", shared_initiative.pk)]
    assert transitioned["object"] == write_client.get("/api/v1/initiatives/shared-one/").json()
    assert transitioned["gone"] is False
    deleted = by_event[("milestone.deleted", milestone_id)]
    assert (deleted["object"], deleted["gone"]) == (None, True)
    assert body["cursor"] == last and "include=object" not in str(body["next"])


def test_an_initiative_withdrawn_from_partners_is_gone_for_a_key(write_client, shared_initiative, owner):
    shared_initiative.visibility = Visibility.SHARED
    workflow.transition(shared_initiative, "under_study", by=owner)
    Initiative.objects.filter(pk=shared_initiative.pk).update(visibility=Visibility.INTERNAL)

    [event] = write_client.get("/api/v1/changes/?after=0&include=object").json()["results"][-1:]

    assert (event["object"], event["gone"]) == (None, True)


def test_included_objects_cost_one_query_per_kind_of_object_whatever_the_page_size(write_client, shared_initiative):
    def queries(limit):
        with CaptureQueriesContext(connection) as captured:
            response = write_client.get(f"/api/v1/changes/?after={start}&limit={limit}&include=object")
        assert response.status_code == 200 and len(response.json()["results"]) == limit
        return len(captured)

    organisations = factories.OrganisationFactory.create_batch(60)
    start = Event.objects.order_by("-id").first().pk
    for number, organisation in enumerate(organisations):  # milestones and participations, in turn
        factories.MilestoneFactory(initiative=shared_initiative, title=f"Step {number}")
        factories.ParticipationFactory(initiative=shared_initiative, organisation=organisation)
    write_client.get("/api/v1/changes/?limit=1")  # a key's first use is recorded once

    assert queries(2) == queries(100)


def test_an_include_other_than_object_is_refused(write_client):
    response = write_client.get("/api/v1/changes/?include=everything")
    assert response.status_code == 400 and "include" in response.json()["errors"]


def test_observations_filter_by_the_period_their_events_name(write_client, partner_region):
    indicator = factories.TradeIndicatorFactory(code="by-lip-q", partner=partner_region, frequency="quarter")
    for period in ("2023-Q1", "2023-Q2"):
        factories.ObservationFactory(indicator=indicator, period=period)

    body = write_client.get("/api/v1/indicators/by-lip-q/observations/?period=2023-Q2").json()

    assert [row["period"] for row in body["results"]] == ["2023-Q2"]


def test_a_region_restricted_mirror_equals_what_its_key_may_see(admin_user, make_key):
    writer, regions = _office(admin_user, seed=7)
    lipetsk = regions[0]
    mirror = Mirror(key_client(make_key("lipetsk", write=True, region=lipetsk)[1]))

    mirror.start(between=writer.step)
    for _ in range(60):
        writer.step()
        writer.step()
        mirror.follow()
    mirror.follow_to_the_end()

    assert mirror.state() == shared_state(region=lipetsk)


@needs_postgresql
@committed_data()
def test_a_mirror_kept_by_the_feed_while_another_connection_writes_equals_what_its_key_may_see(make_key):
    writer, _regions = _office(factories.superuser("office"), seed=1)
    mirror = Mirror(key_client(make_key("mirror", write=True)[1]), limit=3)
    for _ in range(10):
        writer.step()
    finished, failures = threading.Event(), []

    def write():
        try:
            for _ in range(120):
                writer.step()
        except BaseException as error:  # reported by the main thread
            failures.append(error)
        finally:
            finished.set()
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=write)
    thread.start()
    try:
        mirror.start()
        while not finished.is_set():
            if not mirror.follow():
                # Caught up: wait a moment, as a partner polls, instead of spinning into the rate limit (1,200
                # requests a minute) when the writer is slow, e.g. on a busy CI machine.
                finished.wait(0.05)
    finally:
        thread.join()
    assert not failures, failures
    mirror.follow_to_the_end()

    assert len(writer.done) > 100
    assert mirror.state() == shared_state()


# --- what a restricted key's feed holds -----------------------------------------------------------------


def test_a_region_restricted_feed_holds_nothing_of_other_regions_or_internal_initiatives(
    make_key, partner_region, other_region, owner
):
    things = {}
    for region in (partner_region, other_region):
        for visibility in (Visibility.SHARED, Visibility.INTERNAL):
            code = f"{region.code.lower()}-{visibility}"
            initiative = factories.InitiativeFactory(
                code=code, partner_region=region, visibility=visibility, owner=owner
            )
            factories.MilestoneFactory(initiative=initiative)
            factories.ParticipationFactory(initiative=initiative)
            workflow.transition(initiative, "under_study", by=owner)
            things[code] = initiative
        indicator = factories.TradeIndicatorFactory(code=f"by-{region.code.lower()}", partner=region)
        factories.ObservationFactory(indicator=indicator, period="2022")
        factories.MeetingFactory(partner_region=region)
    mirror = key_client(make_key("lipetsk", region=partner_region)[1])

    events, url = [], "/api/v1/changes/?after=0&limit=1000"
    while url:
        body = mirror.get(url).json()
        events += body["results"]
        url = body["next"]

    def keys_of(*types):
        return {event["key"].split("#")[0].split("@")[0] for event in events if event["object_type"] in types}

    assert keys_of("initiative", "milestone", "participation") == {"ru-lip-shared"}
    assert keys_of("tradeindicator", "observation") == {"by-ru-lip"}
    meetings = {event["object_id"] for event in events if event["object_type"] == "meeting"}
    assert meetings == set(
        Event.objects.filter(object_type="meeting", partner_region=partner_region).values_list("object_id", flat=True)
    )
    assert meetings
    assert not [event for event in events if "internal" in event["key"] or "ru-vor" in event["key"]]


def test_a_region_restricted_mirror_hears_when_an_initiative_moves_to_another_region(
    superuser_client, make_key, shared_initiative, partner_region, other_region
):
    mirror = Mirror(key_client(make_key("lipetsk", region=partner_region)[1]))
    mirror.start()
    assert "shared-one" in mirror.initiatives

    moved = superuser_client.patch(
        "/api/v1/initiatives/shared-one/", {"partner_region": "RU-VOR"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert moved.status_code == 200
    mirror.follow_to_the_end()

    assert mirror.state() == shared_state(region=partner_region)

"""Optimistic concurrency over HTTP: the ETag is the version, writes need If-Match, a stale one gets 412.

Two writers who read the same version can never both succeed: the early check gives a quick 412, and the
conditional UPDATE in `Tracked.save_versioned` decides when both pass it at the same moment.
"""

import threading

import pytest
from django.db import connection

from tests import committed_data, factories
from tests.api import assert_problem, if_match, key_client, race, user_client
from tracker.domain.choices import Status
from tracker.models import Event, Initiative, Milestone

pytestmark = pytest.mark.django_db

URL = "/api/v1/initiatives/shared-one/"


@pytest.fixture(params=["write_key", "superuser"])
def writer(request, make_key, admin_user):
    """Each test runs once as a partner's write key and once as a superuser."""
    if request.param == "write_key":
        return key_client(make_key("writer", write=True)[1])
    return user_client(admin_user)


def test_get_returns_the_version_as_etag(writer, shared_initiative):
    response = writer.get(URL)
    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    assert response.json()["version"] == 1


def test_second_writer_with_the_same_etag_gets_412_and_the_first_change_is_kept(writer, shared_initiative):
    etag = writer.get(URL)["ETag"]

    first = writer.patch(URL, {"title": "First writer"}, format="json", HTTP_IF_MATCH=etag)
    second = writer.patch(URL, {"title": "Second writer"}, format="json", HTTP_IF_MATCH=etag)

    assert first.status_code == 200
    assert first["ETag"] == '"2"'
    assert first.json()["title"] == "First writer"
    body = assert_problem(second, 412)
    assert body["type"].endswith("/stale")
    assert body["current_version"] == 2
    stored = Initiative.objects.get(pk=shared_initiative.pk)
    assert (stored.title, stored.version) == ("First writer", 2)
    # The change log and the event feed hold the winner's change, once, and nothing of the loser's.
    titles = list(stored.history.order_by("history_id").values_list("history_type", "title"))
    assert titles == [("+", shared_initiative.title), ("~", "First writer")]
    updates = Event.objects.filter(object_type="initiative", object_id=stored.pk, action="updated")
    assert [event.data["version"] for event in updates] == [2]


def test_a_writer_who_reloads_after_412_can_apply_the_change(writer, shared_initiative):
    stale = writer.get(URL)["ETag"]
    writer.patch(URL, {"title": "First writer"}, format="json", HTTP_IF_MATCH=stale)
    assert writer.patch(URL, {"summary": "Mine"}, format="json", HTTP_IF_MATCH=stale).status_code == 412

    fresh = writer.get(URL)["ETag"]
    response = writer.patch(URL, {"summary": "Mine"}, format="json", HTTP_IF_MATCH=fresh)

    assert response.status_code == 200
    stored = Initiative.objects.get(pk=shared_initiative.pk)
    assert (stored.title, stored.summary, stored.version) == ("First writer", "Mine", 3)


def test_two_transitions_with_the_same_etag_leave_exactly_one_journal_entry(writer, shared_initiative):
    etag = writer.get(URL)["ETag"]
    transitions = URL + "transitions/"

    first = writer.post(transitions, {"to": "under_study"}, format="json", HTTP_IF_MATCH=etag)
    second = writer.post(transitions, {"to": "on_hold"}, format="json", HTTP_IF_MATCH=etag)

    assert first.status_code == 201
    assert first["ETag"] == '"2"'
    assert_problem(second, 412)
    stored = Initiative.objects.get(pk=shared_initiative.pk)
    assert stored.status == Status.UNDER_STUDY
    assert list(stored.journal.values_list("from_status", "to_status", "version")) == [
        (Status.PROPOSED, Status.UNDER_STUDY, 2)
    ]


def _full_body(initiative):
    return {
        "code": initiative.code,
        "title": "Replaced",
        "area": initiative.area.code,
        "partner_region": initiative.partner_region.code,
    }


def test_put_patch_and_delete_without_if_match_get_428_and_change_nothing(superuser_client, shared_initiative):
    milestone = factories.MilestoneFactory(initiative=shared_initiative)
    attempts = [
        ("put", URL, _full_body(shared_initiative)),
        ("patch", URL, {"title": "Replaced"}),
        ("delete", URL, None),
        ("patch", f"/api/v1/milestones/{milestone.pk}/", {"title": "Replaced"}),
        ("delete", f"/api/v1/milestones/{milestone.pk}/", None),
    ]
    for method, url, body in attempts:
        response = getattr(superuser_client, method)(url, body, format="json")
        problem = assert_problem(response, 428)
        assert "If-Match" in problem["detail"], (method, url)

    assert Initiative.objects.get(pk=shared_initiative.pk).version == 1
    assert Milestone.objects.get(pk=milestone.pk).version == 1


def test_put_with_the_current_etag_replaces_the_initiative(superuser_client, shared_initiative):
    response = superuser_client.put(URL, _full_body(shared_initiative), format="json", **if_match(1))

    assert response.status_code == 200
    assert response["ETag"] == '"2"'
    assert Initiative.objects.get(pk=shared_initiative.pk).title == "Replaced"


def test_if_none_match_with_the_current_etag_gets_304_without_a_body(writer, shared_initiative):
    response = writer.get(URL, HTTP_IF_NONE_MATCH='"1"')

    assert response.status_code == 304
    assert response["ETag"] == '"1"'
    assert response.content == b""


def test_if_none_match_with_an_old_etag_gets_the_current_representation(writer, shared_initiative):
    writer.patch(URL, {"title": "Changed"}, format="json", **if_match(1))

    response = writer.get(URL, HTTP_IF_NONE_MATCH='"1"')

    assert response.status_code == 200
    assert response["ETag"] == '"2"'
    assert response.json()["title"] == "Changed"


def test_delete_with_a_stale_etag_gets_412_and_deletes_nothing(superuser_client, shared_initiative):
    superuser_client.patch(URL, {"title": "Changed meanwhile"}, format="json", **if_match(1))

    response = superuser_client.delete(URL, **if_match(1))

    assert assert_problem(response, 412)["current_version"] == 2
    assert Initiative.objects.filter(pk=shared_initiative.pk).exists()
    assert not Event.objects.filter(object_type="initiative", action="deleted").exists()


def test_delete_with_the_current_etag_deletes_and_records_the_deletion(superuser_client, shared_initiative):
    response = superuser_client.delete(URL, **if_match(1))

    assert response.status_code == 204
    assert not Initiative.objects.filter(pk=shared_initiative.pk).exists()
    deleted = Event.objects.get(object_type="initiative", action="deleted")
    assert deleted.object_key == "shared-one"


def test_milestone_delete_with_a_stale_etag_gets_412_and_deletes_nothing(writer, shared_initiative):
    milestone = factories.MilestoneFactory(initiative=shared_initiative)
    url = f"/api/v1/milestones/{milestone.pk}/"
    assert writer.patch(url, {"title": "Changed meanwhile"}, format="json", **if_match(1)).status_code == 200

    response = writer.delete(url, **if_match(1))

    assert_problem(response, 412)
    assert Milestone.objects.get(pk=milestone.pk).title == "Changed meanwhile"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a real race needs two connections to PostgreSQL")
@committed_data()
def test_two_simultaneous_patches_with_the_same_etag_one_wins_and_one_gets_412(make_key, partner_region):
    initiative = factories.InitiativeFactory(code="shared-one", partner_region=partner_region, visibility="shared")
    token = make_key("racer", write=True)[1]
    barrier = threading.Barrier(2)
    responses = {}

    def patch(title):
        try:
            client = key_client(token)
            barrier.wait()
            responses[title] = client.patch(URL, {"title": title}, format="json", **if_match(1))
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=patch, args=(title,)) for title in ("Left", "Right")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    statuses = sorted(response.status_code for response in responses.values())
    assert statuses == [200, 412], {title: r.content for title, r in responses.items()}
    winner = next(title for title, response in responses.items() if response.status_code == 200)
    loser = next(response for response in responses.values() if response.status_code == 412)
    assert_problem(loser, 412)
    stored = Initiative.objects.get(pk=initiative.pk)
    assert (stored.title, stored.version) == (winner, 2)
    assert Event.objects.filter(object_type="initiative", object_id=initiative.pk, action="updated").count() == 1
    assert stored.history.filter(history_type="~").count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a real race needs many connections to PostgreSQL")
@committed_data()
def test_racing_deletes_of_an_initiative_with_milestones_delete_once_with_one_event_and_no_5xx(admin_user):
    initiative = factories.InitiativeFactory(code="shared-one")
    milestones = [factories.MilestoneFactory(initiative=initiative) for _ in range(3)]

    responses = race(50, lambda: user_client(admin_user), lambda client: client.delete(URL, **if_match(1)))

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [204] + [404] * 49, {r.status_code: r.content for r in responses}
    for response in responses:
        if response.status_code == 404:
            assert_problem(response, 404)
    assert not Initiative.objects.filter(pk=initiative.pk).exists()
    deleted = Event.objects.filter(action="deleted")
    assert sorted(deleted.values_list("object_type", "object_id")) == sorted(
        [("initiative", initiative.pk)] + [("milestone", m.pk) for m in milestones]
    )

"""One status or health change for the initiatives ticked on the list (#17, "Bulk updates"): each row checked on
its own (permission, allowed transition, version), the result reported per row, nothing half-done for a row."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tests import factories
from tracker.domain import workflow
from tracker.domain.choices import Health, Status
from tracker.models import Initiative

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(owner, other_coordinator):
    return {
        "mine-a": factories.InitiativeFactory(code="mine-a", owner=owner),
        "mine-b": factories.InitiativeFactory(code="mine-b", owner=owner),
        "theirs": factories.InitiativeFactory(code="theirs", owner=other_coordinator),
    }


def _apply(client, initiatives, **data):
    selected = [f"{i.code}:{i.version}" for i in initiatives]
    response = client.post(reverse("initiative-bulk"), {"selected": selected, "next": "/initiatives/?q=mine", **data})
    return response, [str(message) for message in get_messages(response.wsgi_request)]


def _status(code):
    return Initiative.objects.get(code=code).status


def test_each_ticked_initiative_is_changed_or_refused_on_its_own(rows, owner, client):
    client.force_login(owner)

    response, said = _apply(client, rows.values(), to=Status.UNDER_STUDY, note="Reviewed at the meeting")

    assert response.url == "/initiatives/?q=mine"
    assert (_status("mine-a"), _status("mine-b"), _status("theirs")) == (
        Status.UNDER_STUDY,
        Status.UNDER_STUDY,
        Status.PROPOSED,
    )
    assert said[0] == "2 initiatives changed: mine-a, mine-b."
    assert said[1].startswith("theirs: not changed. Only the owner")
    entry = Initiative.objects.get(code="mine-a").journal.get()
    assert (entry.note, entry.author) == ("Reviewed at the meeting", owner)


def test_a_row_changed_meanwhile_or_not_allowed_is_refused_and_the_others_go_through(rows, owner, client):
    client.force_login(owner)
    mine_a, mine_b = rows["mine-a"], rows["mine-b"]
    stale = Initiative.objects.get(pk=mine_a.pk)
    workflow.transition(mine_a, Status.UNDER_STUDY, by=owner)  # elsewhere, after the list was loaded
    workflow.transition(mine_b, Status.UNDER_STUDY, by=owner)
    workflow.transition(mine_b, Status.AGREED, by=owner)

    _response, said = _apply(client, [stale, mine_b], to=Status.AGREED)

    assert any("mine-a: not changed" in text and "changed by someone else" in text for text in said)
    assert any("mine-b: not changed" in text and "Cannot move" in text for text in said)
    assert (_status("mine-a"), _status("mine-b")) == (Status.UNDER_STUDY, Status.AGREED)


def test_a_health_change_that_needs_a_reason_is_refused_without_one(rows, owner, client):
    client.force_login(owner)

    _response, said = _apply(client, [rows["mine-a"]], health=Health.AT_RISK)

    assert "a reason is required" in said[0]
    assert Initiative.objects.get(code="mine-a").health == Health.NOT_ASSESSED

    _response, said = _apply(client, [rows["mine-a"]], health=Health.AT_RISK, health_reason="Supplier late")
    assert said[-1] == "1 initiative changed: mine-a."


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"to": Status.UNDER_STUDY, "selected": []}, "Tick at least one initiative in the list."),
        ({"selected": ["mine-a:1"]}, "Choose a status or a health to apply."),
        ({"to": "nowhere", "selected": ["mine-a:1"]}, "Select a valid choice."),
        ({"to": Status.UNDER_STUDY, "selected": ["mine-a:x", ":1"]}, "Tick at least one initiative in the list."),
    ],
    ids=["nothing-ticked", "nothing-to-apply", "unknown-status", "tampered-boxes"],
)
def test_bad_input_gets_a_message_and_changes_nothing(rows, owner, client, data, message):
    client.force_login(owner)

    response = client.post(reverse("initiative-bulk"), data)

    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(message in text for text in said), said
    assert not Initiative.objects.exclude(status=Status.PROPOSED).exists()


def test_the_list_offers_the_boxes_to_coordinators_and_not_to_viewers(rows, owner, viewer, client):
    client.force_login(viewer)
    assert 'name="selected"' not in client.get(reverse("initiative-list")).content.decode()

    client.force_login(owner)
    assert 'value="mine-a:1"' in client.get(reverse("initiative-list")).content.decode()

"""Deadlines in the calendar (#17): a personal iCalendar feed (RFC 5545) of the open milestones and instructions of
the initiatives a user owns or watches, and their meetings, at a secret address that a new address revokes."""

import datetime
import re

import pytest
from django.urls import reverse
from icalendar import Calendar

from tests import factories
from tracker.domain import calendars
from tracker.domain.choices import MilestoneKind, MilestoneState
from tracker.models import NotificationPreference, Watch

pytestmark = pytest.mark.django_db

DUE = datetime.date(2027, 3, 31)


@pytest.fixture
def world(owner, other_coordinator):
    mine = factories.InitiativeFactory(owner=owner, code="mine", title="Trams for Lipetsk")
    watched = factories.InitiativeFactory(owner=other_coordinator, code="watched")
    Watch.objects.create(user=owner, initiative=watched)
    theirs = factories.InitiativeFactory(owner=other_coordinator, code="theirs")
    meeting = factories.MeetingFactory(title="Talks in Minsk", place="Minsk", date=datetime.date(2027, 6, 1))
    meeting.initiatives.add(mine)
    organisation = factories.OrganisationFactory(name="Lipetsk Tractor Plant")
    return {
        "open": factories.MilestoneFactory(
            initiative=mine, title="Sign the contract", due_date=DUE, responsible_organisation=organisation
        ),
        "done": factories.MilestoneFactory(
            initiative=mine, title="Done already", due_date=DUE, state=MilestoneState.DONE, done_on=DUE
        ),
        "watched": factories.MilestoneFactory(
            initiative=watched, title="Watched one", due_date=DUE, kind=MilestoneKind.INSTRUCTION
        ),
        "theirs": factories.MilestoneFactory(initiative=theirs, title="Not yours", due_date=DUE),
        "meeting": meeting,
    }


def _address(client, user):
    client.force_login(user)
    page = client.post(reverse("calendar"))
    assert page.status_code == 200
    return re.search(r'value="(http[^"]+\.ics)"', page.content.decode()).group(1)


def _events(body):
    calendar = Calendar.from_ical(body)
    return {str(event["summary"]): event for event in calendar.walk("VEVENT")}


def test_the_feed_holds_my_open_deadlines_and_meetings_and_nothing_else(world, owner, client):
    address = _address(client, owner)
    client.logout()  # calendar programs send no session: the secret in the address is enough

    response = client.get(address)

    assert response.status_code == 200 and response["Content-Type"] == "text/calendar; charset=utf-8"
    events = _events(response.content)
    assert set(events) == {"Milestone: Sign the contract", "Instruction: Watched one", "Talks in Minsk"}
    deadline = events["Milestone: Sign the contract"]
    assert deadline.decoded("dtstart") == DUE and deadline.decoded("dtend") == DUE + datetime.timedelta(days=1)
    assert "Trams for Lipetsk (mine)" in str(deadline["description"])
    assert "Lipetsk Tractor Plant" in str(deadline["description"])
    assert str(deadline["url"]).endswith(reverse("initiative-detail", args=["mine"]))
    assert str(events["Talks in Minsk"]["location"]) == "Minsk"


def test_the_feed_is_strict_rfc_5545(world, owner, client):
    body = client.get(_address(client, owner)).content

    lines = body.split(b"\r\n")
    assert lines[0] == b"BEGIN:VCALENDAR" and lines[-2] == b"END:VCALENDAR" and lines[-1] == b""
    assert all(len(line) <= 75 for line in lines), "content lines are folded at 75 octets"
    assert b"\n" not in body.replace(b"\r\n", b""), "every line ends with CRLF"
    calendar = Calendar.from_ical(body)
    assert (str(calendar["version"]), str(calendar["prodid"])) == ("2.0", "-//cooperation-tracker//deadlines//EN")
    for event in calendar.walk("VEVENT"):
        assert {"UID", "DTSTAMP", "DTSTART"} <= set(event)
        assert event["dtstamp"].dt.utcoffset() == datetime.timedelta(0)  # DTSTAMP is UTC (RFC 5545 3.8.7.2)
    uids = [str(event["uid"]) for event in calendar.walk("VEVENT")]
    assert len(uids) == len(set(uids))


def test_the_feed_is_in_the_users_language(world, owner, client):
    NotificationPreference.objects.create(user=owner, language="ru")

    events = _events(client.get(_address(client, owner)).content)

    assert "Контрольная точка: Sign the contract" in events


def test_a_new_address_revokes_the_old_one(world, owner, client):
    old = _address(client, owner)
    new = _address(client, owner)

    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


@pytest.mark.parametrize("secret", ["x", "not-a-secret-at-all", "a" * 43, "../../etc/passwd"])
def test_a_wrong_or_tampered_address_is_404(world, owner, client, secret):
    _address(client, owner)
    client.logout()

    assert client.get(f"/calendar/{secret}.ics").status_code == 404


def test_the_address_is_kept_only_as_a_digest(world, owner, client):
    address = _address(client, owner)
    secret = address.rsplit("/", 1)[1].removesuffix(".ics")

    assert owner.calendar_feed.digest != secret and secret not in owner.calendar_feed.digest
    assert calendars.owner_of(secret) == owner


def test_a_deactivated_user_loses_the_feed(world, owner, client):
    address = _address(client, owner)
    owner.is_active = False
    owner.save()

    assert client.get(address).status_code == 404


def test_the_calendar_page_needs_a_login(client):
    assert client.get(reverse("calendar")).status_code == 302


def test_the_access_log_keeps_no_calendar_secret(world, owner, client, caplog):
    address = _address(client, owner)
    secret = address.rsplit("/", 1)[1].removesuffix(".ics")

    with caplog.at_level("INFO", logger="tracker.request"):
        assert client.get(address).status_code == 200

    logged = [record for record in caplog.records if record.name == "tracker.request"]
    assert logged and all(secret not in record.getMessage() and secret not in record.path for record in logged)
    assert logged[-1].path == "/calendar/….ics"

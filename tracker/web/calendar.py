"""The personal calendar (RFC 5545, built with `icalendar`) of a user's deadlines and meetings, at a secret address
that calendar programs (Outlook, Thunderbird, Google Calendar) subscribe to; and the page that makes the address."""

import datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from tracker.domain import calendars, my_work
from tracker.models import NotificationPreference

__all__ = ["calendar_page", "feed"]

ONE_DAY = datetime.timedelta(days=1)


@login_required
def calendar_page(request):
    """GET: what the feed holds; POST: a new address, shown this once (the old one stops working)."""
    address = None
    if request.method == "POST":
        secret = calendars.issue(request.user)
        address = request.build_absolute_uri(reverse("calendar-feed", args=[secret]))
    has_feed = address is not None or hasattr(request.user, "calendar_feed")
    return render(request, "tracker/calendar.html", {"address": address, "has_feed": has_feed})


def feed(request, secret):
    """The feed: no session, the secret in the address is the credential; a wrong or replaced one is a 404."""
    user = calendars.owner_of(secret)
    if user is None:
        raise Http404
    with translation.override(NotificationPreference.of(user).email_language):
        body = _calendar(request, user).to_ical()
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="deadlines.ics"'
    response["Cache-Control"] = "private, no-store"  # the address is a secret; so is what it shows
    return response


def _calendar(request, user):
    calendar = Calendar()
    calendar.add("prodid", "-//cooperation-tracker//deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("Cooperation tracker: my deadlines"))
    host, stamp = request.get_host().split(":")[0], timezone.now()
    for milestone in my_work.deadlines_of(user):
        calendar.add_component(_deadline(request, milestone, host, stamp))
    for meeting in calendars.meetings_of(user):
        calendar.add_component(_meeting(meeting, host, stamp))
    return calendar


def _all_day(uid, day, summary, stamp):
    # Deadlines and meetings are days, not times: all-day events (VALUE=DATE), the same in every time zone.
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + ONE_DAY)
    event.add("summary", summary)
    event.add("transp", "TRANSPARENT")
    return event


def _deadline(request, milestone, host, stamp):
    initiative = milestone.initiative
    url = request.build_absolute_uri(reverse("initiative-detail", args=[initiative.code]))
    event = _all_day(
        f"milestone-{milestone.pk}@{host}",
        milestone.due_date,
        f"{milestone.get_kind_display()}: {milestone.title}",
        stamp,
    )
    lines = [f"{initiative.title} ({initiative.code})"]
    if milestone.responsible_organisation:
        lines.append(_("Responsible: %(who)s") % {"who": milestone.responsible_organisation})
    event.add("description", "\n".join([*lines, url]))
    event.add("url", url)
    event.add("categories", [str(milestone.get_kind_display())])
    return event


def _meeting(meeting, host, stamp):
    event = _all_day(f"meeting-{meeting.pk}@{host}", meeting.date, meeting.title, stamp)
    event.add("location", meeting.place)
    return event

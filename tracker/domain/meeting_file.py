"""What the meeting file holds, read once for every format (tracker.documents renders it as DOCX or PDF).

Two ways in: a partner region and a date (the briefing page's "changes since"), or a meeting, whose file covers
the initiatives on its agenda, what people changed since the previous meeting with that partner, and the
deadlines due before the next one. Only what `actor` may see is read (permissions.visible_initiatives), and only
entries people or partner systems wrote: a system's entry (the seed loader's, say) is not news for a meeting.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from tracker.domain import permissions, trade
from tracker.domain.choices import MilestoneState
from tracker.models import Initiative, Meeting, Milestone, StatusUpdate

__all__ = ["MeetingFile", "for_meeting", "for_partner"]


@dataclass
class MeetingFile:
    partner: object  # Region
    since: datetime.date
    until: datetime.date | None  # deadlines due on or before this day; None: every open deadline
    meeting: Meeting | None = None
    initiatives: list = field(default_factory=list)
    deadlines: dict = field(default_factory=dict)  # {initiative id: [open milestones by due date]}
    changes: list = field(default_factory=list)
    overdue: list = field(default_factory=list)
    trade_rows: list = field(default_factory=list)  # trade.YearlyFlows.rows()
    prepared_on: datetime.date = field(default_factory=timezone.localdate)

    @property
    def sources(self):
        cited = {(str(i.source), i.source_detail) for i in self.initiatives if i.source_id}
        if self.meeting is not None and self.meeting.source_id:
            cited.add((str(self.meeting.source), self.meeting.source_detail))
        return sorted(cited)


def for_partner(actor, partner, since, until=None):
    """The file for `partner` covering every initiative with it, changes since `since`."""
    initiatives = Initiative.objects.filter(partner_region=partner)
    return _read(actor, partner, initiatives, since=since, until=until)


def for_meeting(actor, meeting):
    """The file for `meeting`: its agenda (every initiative with the partner if none was chosen), changes since
    the previous meeting with the partner (or the 30 days before this one), deadlines before the next meeting."""
    same_partner = Meeting.objects.filter(partner_region_id=meeting.partner_region_id).exclude(pk=meeting.pk)
    previous = same_partner.filter(date__lt=meeting.date).order_by("-date", "-id").first()
    since = previous.date if previous else meeting.date - datetime.timedelta(days=30)
    if meeting.date >= timezone.localdate():
        until = meeting.date  # a meeting still to come: what falls due before it
    else:
        following = same_partner.filter(date__gt=meeting.date).order_by("date", "id").first()
        until = following.date if following else None
    agenda = meeting.initiatives.all()
    if not agenda.exists():
        agenda = Initiative.objects.filter(partner_region_id=meeting.partner_region_id)
    file = _read(actor, meeting.partner_region, agenda, since=since, until=until)
    file.meeting = meeting
    return file


def _read(actor, partner, initiatives, *, since, until):
    initiatives = list(
        permissions.visible_initiatives(actor, initiatives)
        .select_related("area", "owner", "source")
        .order_by("area__name", "code")
    )
    open_dated = Milestone.objects.filter(
        initiative__in=initiatives, state=MilestoneState.OPEN, due_date__isnull=False
    ).select_related("initiative", "responsible_organisation")
    deadlines = {}
    upcoming = open_dated.filter(due_date__gte=timezone.localdate())
    if until is not None:
        upcoming = upcoming.filter(due_date__lte=until)
    for milestone in upcoming.order_by("due_date", "id"):
        deadlines.setdefault(milestone.initiative_id, []).append(milestone)
    changes = (
        StatusUpdate.objects.filter(initiative__in=initiatives, created_at__date__gte=since)
        .filter(Q(author__isnull=False) | Q(api_key__isnull=False))
        .select_related("initiative")
        .order_by("created_at", "id")
    )
    return MeetingFile(
        partner=partner,
        since=since,
        until=until,
        initiatives=initiatives,
        deadlines=deadlines,
        changes=list(changes),
        overdue=list(open_dated.overdue().order_by("due_date", "id")),
        trade_rows=trade.yearly_flows(partner).rows() if permissions.can_see_trade_with(actor, partner) else [],
    )

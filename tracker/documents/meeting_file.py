"""The meeting file's outline in the reader's language: cover, agenda, each initiative's status and health with
the reasons and the deadlines before the next meeting, what changed since the last one, overdue items, the trade
figures as a chart and a table, and the sources. Built from tracker.domain.meeting_file.MeetingFile."""

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tracker.documents import chart_image, fonts
from tracker.documents.blocks import Document, Heading, Image, Items, PageBreak, Paragraph, Table
from tracker.domain.choices import Flow
from tracker.web import formatting

__all__ = ["file_name", "outline"]


def file_name(file, extension):
    subject = f"meeting-{file.meeting.date.isoformat()}" if file.meeting else file.since.isoformat()
    return f"meeting-file-{file.partner.code}-{subject}.{extension}"


def outline(file):
    document = Document(title=_title(file))
    document.blocks += _cover(file)
    document.blocks += _agenda(file)
    document.blocks += _initiatives(file)
    document.blocks += _changes(file)
    document.blocks += _overdue(file)
    document.blocks += _trade(file)
    document.blocks += _sources(file)
    return document


def _title(file):
    if file.meeting is not None:
        return _("Meeting file: %(meeting)s") % {"meeting": file.meeting.title}
    return _("Meeting file: %(partner)s") % {"partner": file.partner}


def _cover(file):
    blocks = [Heading(_title(file), level=0)]
    if file.meeting is not None:
        meeting = file.meeting
        blocks.append(Paragraph(_("%(date)s, %(place)s") % {"date": date_format(meeting.date), "place": meeting.place}))
        delegations = [line.strip() for line in meeting.participants.splitlines() if line.strip()]
        if delegations:
            blocks += [Heading(_("Delegations"), level=2), Items(tuple(delegations))]
    facts = [
        _("Partner region: %(partner)s") % {"partner": file.partner},
        _("Changes since: %(since)s") % {"since": date_format(file.since)},
        _("Prepared on: %(today)s") % {"today": date_format(file.prepared_on)},
    ]
    if file.until is not None:
        facts.append(_("Deadlines up to: %(until)s") % {"until": date_format(file.until)})
    blocks += [Paragraph(fact) for fact in facts]
    return [*blocks, PageBreak()]


def _agenda(file):
    if not file.initiatives:
        return [Heading(_("Agenda")), Paragraph(_("No initiatives with this partner."))]
    items = tuple(f"{initiative.title} ({initiative.code})" for initiative in file.initiatives)
    return [Heading(_("Agenda")), Items(items, numbered=True)]


def _initiatives(file):
    blocks = [Heading(_("Status of every initiative"))]
    for initiative in file.initiatives:
        status = _("Status: %(status)s. Health: %(health)s.") % {
            "status": initiative.get_status_display(),
            "health": initiative.get_health_display(),
        }
        blocks += [
            Heading(f"{initiative.title} ({initiative.code})", level=2),
            Paragraph(f"{status} {initiative.health_reason}".strip()),
        ]
        deadlines = file.deadlines.get(initiative.pk, [])
        if deadlines:
            blocks.append(
                Items(
                    tuple(
                        f"{date_format(m.due_date)}: {m.get_kind_display()}: {m.title}{_responsible(m)}"
                        for m in deadlines
                    )
                )
            )
    return blocks


def _responsible(milestone):
    return f" ({milestone.responsible_organisation})" if milestone.responsible_organisation_id else ""


def _changes(file):
    items = []
    for entry in file.changes:
        parts = [date_format(entry.created_at, "SHORT_DATE_FORMAT"), f"{entry.initiative.title}:"]
        if entry.status_changed:
            parts.append(f"{entry.get_from_status_display()} → {entry.get_to_status_display()}")
        if entry.health_changed:
            parts.append(f"{entry.get_from_health_display()} → {entry.get_to_health_display()}")
        parts.append(f"({entry.author_name})")
        if entry.note:
            parts.append(f"— {entry.note_text}")
        items.append(" ".join(parts))
    heading = Heading(_("What changed since %(since)s") % {"since": date_format(file.since)})
    return [heading, Items(tuple(items)) if items else Paragraph(_("No status or health changes in this period."))]


def _overdue(file):
    items = tuple(
        f"{date_format(m.due_date)} — {m.title} ({m.initiative.title}"
        + (f"; {m.responsible_organisation})" if m.responsible_organisation_id else ")")
        for m in file.overdue
    )
    heading = Heading(_("Overdue instructions and milestones"))
    return [heading, Items(items) if items else Paragraph(_("Nothing is overdue."))]


def _trade(file):
    title = _("Trade with %(partner)s by year") % {"partner": file.partner}
    rows = file.trade_rows
    if not rows:
        return [Heading(title), Paragraph(_("No trade figures with this partner yet."))]
    blocks = [Heading(title)]
    if not fonts.missing():
        png = chart_image.yearly_bars(rows, title)
        if png:
            description = _("Turnover, exports, imports and balance in US dollars, by year.")
            blocks.append(Image(png, description))
    flows = list(rows[0][1])
    header = (_("Year"), *(str(Flow(flow).label) for flow in flows))
    body = tuple((str(year), *(_money(by_flow[flow]) for flow in flows)) for year, by_flow in rows)
    note = _("US dollars by year; ≈ approximately, ≥ at least; * derived from other figures")
    return [*blocks, Table(header, body, note)]


def _money(observation):
    if observation is None:
        return "—"
    text = formatting.format_money(observation.value, "USD", observation.qualifier)
    return f"{text}*" if observation.is_derived else text


def _sources(file):
    cited = file.sources
    if not cited:
        return []
    items = tuple(f"{source}, {detail}" if detail else source for source, detail in cited)
    return [Heading(_("Sources")), Items(items)]

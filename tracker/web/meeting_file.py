"""The meeting file as a Word document (python-docx): what the briefing page shows for a partner region, in the
reader's language, for ministries that circulate the file as .docx.

Cover, agenda (the initiatives), each initiative's status and health with the reason and its open deadlines, what
people changed since the date given (entries the system wrote, such as the seed loader's, are left out), overdue
items, the trade figures by year as a table, and the sources.
"""

import io

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from docx import Document

from tracker.domain.choices import Flow, MilestoneState
from tracker.models import Milestone
from tracker.web import formatting

__all__ = ["CONTENT_TYPE", "briefing_docx"]

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def briefing_docx(*, partner, since, initiatives, changes, overdue, trade_rows):
    initiatives = list(initiatives)
    document = Document()
    _cover(document, partner, since)
    _agenda(document, initiatives)
    _initiatives(document, initiatives)
    _changes(document, [entry for entry in changes if entry.author_id or entry.api_key_id])
    _overdue(document, overdue)
    _trade(document, partner, trade_rows)
    _sources(document, initiatives)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _cover(document, partner, since):
    document.add_heading(_("Meeting file: %(partner)s") % {"partner": partner}, level=0)
    document.add_paragraph(
        _("Changes since %(since)s. Prepared on %(today)s.")
        % {"since": date_format(since), "today": date_format(timezone.localdate())}
    )


def _agenda(document, initiatives):
    document.add_heading(_("Agenda"), level=1)
    for initiative in initiatives:
        document.add_paragraph(f"{initiative.title} ({initiative.code})", style="List Number")
    if not initiatives:
        document.add_paragraph(_("No initiatives with this partner."))


def _initiatives(document, initiatives):
    document.add_heading(_("Status of every initiative"), level=1)
    deadlines = {}
    for milestone in Milestone.objects.filter(
        initiative__in=initiatives, state=MilestoneState.OPEN, due_date__isnull=False
    ).order_by("due_date", "id"):
        deadlines.setdefault(milestone.initiative_id, []).append(milestone)
    for initiative in initiatives:
        document.add_heading(f"{initiative.title} ({initiative.code})", level=2)
        status = _("Status: %(status)s. Health: %(health)s.") % {
            "status": initiative.get_status_display(),
            "health": initiative.get_health_display(),
        }
        document.add_paragraph(f"{status} {initiative.health_reason}".strip())
        for milestone in deadlines.get(initiative.pk, []):
            document.add_paragraph(
                f"{date_format(milestone.due_date)}: {milestone.get_kind_display()}: {milestone.title}",
                style="List Bullet",
            )


def _changes(document, changes):
    document.add_heading(_("What changed"), level=1)
    for entry in changes:
        parts = [date_format(entry.created_at, "SHORT_DATE_FORMAT"), f"{entry.initiative.title}:"]
        if entry.status_changed:
            parts.append(f"{entry.get_from_status_display()} → {entry.get_to_status_display()}")
        if entry.health_changed:
            parts.append(f"{entry.get_from_health_display()} → {entry.get_to_health_display()}")
        parts.append(f"({entry.author_name})")
        if entry.note:
            parts.append(f"— {entry.note_text}")
        document.add_paragraph(" ".join(parts), style="List Bullet")
    if not changes:
        document.add_paragraph(_("No status or health changes in this period."))


def _overdue(document, overdue):
    document.add_heading(_("Overdue instructions and milestones"), level=1)
    overdue = list(overdue)
    for milestone in overdue:
        who = f"; {milestone.responsible_organisation}" if milestone.responsible_organisation else ""
        document.add_paragraph(
            f"{date_format(milestone.due_date)} — {milestone.title} ({milestone.initiative.title}{who})",
            style="List Bullet",
        )
    if not overdue:
        document.add_paragraph(_("Nothing is overdue."))


def _trade(document, partner, rows):
    document.add_heading(_("Trade with %(partner)s by year") % {"partner": partner}, level=1)
    if not rows:
        document.add_paragraph(_("No trade figures with this partner yet."))
        return
    flows = list(rows[0][1])
    table = document.add_table(rows=1, cols=1 + len(flows))
    table.style = "Table Grid"
    header = table.rows[0].cells
    header[0].text = _("Year")
    for cell, flow in zip(header[1:], flows, strict=True):
        cell.text = str(Flow(flow).label)
    for year, by_flow in rows:
        cells = table.add_row().cells
        cells[0].text = str(year)
        for cell, observation in zip(cells[1:], by_flow.values(), strict=True):
            cell.text = _money(observation)
    document.add_paragraph(_("US dollars by year; ≈ approximately, ≥ at least; * derived from other figures"))


def _money(observation):
    if observation is None:
        return "—"
    text = formatting.format_money(observation.value, "USD", observation.qualifier)
    return f"{text}*" if observation.is_derived else text


def _sources(document, initiatives):
    cited = sorted({(str(i.source), i.source_detail) for i in initiatives if i.source_id}, key=lambda item: item)
    if not cited:
        return
    document.add_heading(_("Sources"), level=1)
    for source, detail in cited:
        document.add_paragraph(f"{source}, {detail}" if detail else source, style="List Bullet")

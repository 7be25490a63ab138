"""Meetings as pages: the list, and one meeting with its delegations, the initiatives it raised or reviewed and the
instructions it gave, each as it stands today; the meeting file to download; and planning the next meeting (a
coming meeting and its agenda), written through tracker.domain.meetings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tracker.documents import formats
from tracker.domain import meeting_file, meetings, permissions
from tracker.domain.errors import StaleVersion
from tracker.models import Meeting
from tracker.web import downloads
from tracker.web.forms import AgendaForm, MeetingPlanForm

__all__ = ["meeting_agenda", "meeting_detail", "meeting_list", "meeting_plan"]

PAGE_SIZE = 25


@login_required
def meeting_list(request, plan_form=None, status=200):
    meetings_ = (
        Meeting.objects.select_related("partner_region")
        .annotate(
            initiative_count=Count("initiatives", distinct=True), instruction_count=Count("instructions", distinct=True)
        )
        .order_by("-date", "id")
    )
    page = Paginator(meetings_, PAGE_SIZE).get_page(request.GET.get("page"))
    if plan_form is None and permissions.can_plan_meetings(request.user):
        plan_form = MeetingPlanForm(initial={"date": timezone.localdate()})
    context = {"meetings": page, "page": page, "query": "", "plan_form": plan_form}
    return render(request, "tracker/meeting_list.html", context, status=status)


@login_required
@require_POST
def meeting_plan(request):
    form = MeetingPlanForm(request.POST)
    if form.is_valid():
        try:
            meeting = meetings.plan(form.instance, by=request.user)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Planned. Now choose the initiatives to review there."))
            return redirect("meeting-detail", pk=meeting.pk)
    return meeting_list(request, plan_form=form, status=400)


def _get_meeting(pk):
    return get_object_or_404(Meeting.objects.select_related("partner_region", "source"), pk=pk)


@login_required
def meeting_detail(request, pk, agenda_form=None, status=200):
    meeting = _get_meeting(pk)
    extension = request.GET.get("format")
    if extension in formats.FORMATS:
        return downloads.meeting_file_response(request, meeting_file.for_meeting(request.user, meeting), extension)
    initiatives = meeting.initiatives.select_related("area", "owner").order_by("code")
    instructions = meeting.instructions.select_related("initiative", "responsible_organisation").order_by(
        "due_date", "id"
    )
    today = timezone.localdate()
    if agenda_form is None and meeting.date >= today and permissions.can_plan_meetings(request.user):
        agenda_form = AgendaForm(meeting=meeting, choices=meetings.agenda_choices(meeting))
    context = {
        "meeting": meeting,
        "delegations": [line for line in meeting.participants.splitlines() if line.strip()],
        "initiatives": initiatives,
        "instructions": instructions,
        "today": today,
        "agenda_form": agenda_form,
        "downloads": downloads.document_links(""),
    }
    return render(request, "tracker/meeting_detail.html", context, status=status)


@login_required
@require_POST
def meeting_agenda(request, pk):
    meeting = _get_meeting(pk)
    form = AgendaForm(request.POST, meeting=meeting, choices=meetings.agenda_choices(meeting))
    if form.is_valid():
        data = form.cleaned_data
        try:
            meetings.set_agenda(meeting, data["initiatives"], by=request.user, expected_version=data["version"])
        except StaleVersion:
            messages.error(request, _("Someone changed this meeting while you were choosing; here is its agenda now."))
            return meeting_detail(request, pk, status=409)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("The agenda is saved."))
            return redirect("meeting-detail", pk=pk)
    return meeting_detail(request, pk, agenda_form=form, status=400)

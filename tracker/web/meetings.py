"""Meetings as pages: the list, and one meeting with its delegations, the initiatives it raised or reviewed and the
instructions it gave, each as it stands today."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from tracker.models import Meeting

__all__ = ["meeting_detail", "meeting_list"]

PAGE_SIZE = 25


@login_required
def meeting_list(request):
    meetings = (
        Meeting.objects.select_related("partner_region")
        .annotate(
            initiative_count=Count("initiatives", distinct=True), instruction_count=Count("instructions", distinct=True)
        )
        .order_by("-date", "id")
    )
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "tracker/meeting_list.html", {"meetings": page, "page": page, "query": ""})


@login_required
def meeting_detail(request, pk):
    meeting = get_object_or_404(Meeting.objects.select_related("partner_region", "source"), pk=pk)
    initiatives = meeting.initiatives.select_related("area", "owner").order_by("code")
    instructions = meeting.instructions.select_related("initiative", "responsible_organisation").order_by(
        "due_date", "id"
    )
    context = {
        "meeting": meeting,
        "delegations": [line for line in meeting.participants.splitlines() if line.strip()],
        "initiatives": initiatives,
        "instructions": instructions,
        "today": timezone.localdate(),
    }
    return render(request, "tracker/meeting_detail.html", context)

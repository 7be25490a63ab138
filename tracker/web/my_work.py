"""My work: a coordinator's home (tracker.domain.my_work). Whoever owns and watches nothing gets the dashboard."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from tracker.domain import my_work as work_of

__all__ = ["my_work"]


@login_required
def my_work(request):
    if not work_of.has_work(request.user):
        return redirect("dashboard")
    today = timezone.localdate()
    context = {
        "work": work_of.for_user(request.user, today),
        "today": today,
        "horizon_days": settings.MY_WORK_HORIZON_DAYS,
        "quiet_days": settings.MY_WORK_QUIET_DAYS,
    }
    return render(request, "tracker/my_work.html", context)

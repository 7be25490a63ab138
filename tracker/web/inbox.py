"""The notifications page: what the fan-out told the user, newest first, unread marked; "mark all read"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from tracker.delivery import inbox
from tracker.domain.inputs import whole_number
from tracker.models import Notification

__all__ = ["mark_read", "notifications"]

PAGE_SIZE = 30


@login_required
def notifications(request):
    rows = Notification.objects.filter(user=request.user).select_related("event").order_by("-id")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "notices": inbox.notices(page), "unread": inbox.unread_count(request.user), "query": ""}
    return render(request, "tracker/notifications.html", context)


@login_required
@require_POST
def mark_read(request):
    one = whole_number(request.POST.get("id", ""))
    changed = inbox.mark_read(request.user, ids=[one] if one else None)
    message = ngettext("%(count)s notification marked read.", "%(count)s notifications marked read.", changed)
    messages.success(request, message % {"count": changed} if changed else _("Nothing was unread."))
    return redirect("notifications")

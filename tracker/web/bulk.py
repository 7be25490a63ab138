"""One status or health change applied to the initiatives ticked on the list (tracker.domain.workflow.apply_each):
each row is checked and written on its own, and the page says what happened to each."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from tracker.domain import workflow
from tracker.domain.inputs import whole_number
from tracker.web.forms import BulkUpdateForm

__all__ = ["bulk_update"]

MAX_ROWS = 200  # a page of the list is 50; this bounds what one request may try


@login_required
@require_POST
def bulk_update(request):
    back = _back(request)
    form = BulkUpdateForm(request.POST)
    versions = _picked(request.POST.getlist("selected"))
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(back)
    if not versions:
        messages.error(request, _("Tick at least one initiative in the list."))
        return redirect(back)
    data = form.cleaned_data
    results = workflow.apply_each(
        versions,
        by=request.user,
        to=data["to"] or None,
        health=data["health"] or None,
        health_reason=data["health_reason"],
        note=data["note"],
    )
    done = [code for code, refusal in results.items() if refusal is None]
    if done:
        count = len(done)
        message = ngettext(
            "%(count)s initiative changed: %(codes)s.", "%(count)s initiatives changed: %(codes)s.", count
        )
        messages.success(request, message % {"count": count, "codes": ", ".join(done)})
    for code, refusal in results.items():
        if refusal is not None:
            messages.error(request, _("%(code)s: not changed. %(reason)s") % {"code": code, "reason": refusal})
    return redirect(back)


def _picked(values):
    """{code: version} from the ticked boxes ("code:version"); malformed ones are dropped."""
    picked = {}
    for value in values[:MAX_ROWS]:
        code, _sep, version = value.rpartition(":")
        number = whole_number(version)
        if code and number:
            picked[code] = number
    return picked


def _back(request):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "initiative-list"

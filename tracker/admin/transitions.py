"""Changing an initiative's status or health from the admin: a form offering only the transitions the
workflow allows this user, submitted to tracker.domain.workflow with the version the form was opened at."""

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tracker.admin.display import health_badge, status_badge
from tracker.domain import permissions, workflow
from tracker.domain.choices import Health, Status
from tracker.domain.errors import StaleVersion, TransitionNotAllowed, UnfinishedWork
from tracker.domain.notes import SystemNote

__all__ = ["TransitionForm", "put_on_hold", "transition_view"]


class TransitionForm(forms.Form):
    to = forms.ChoiceField(label=_("New status"), required=False)
    health = forms.ChoiceField(
        label=_("New health"), required=False, choices=[("", _("keep the current health")), *Health.choices]
    )
    health_reason = forms.CharField(
        label=_("Health reason"),
        required=False,
        max_length=workflow.HEALTH_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=_("Required when the new health is “at risk” or “off track”."),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=workflow.NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Goes into the journal. Reopening a completed or cancelled initiative needs one."),
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, allowed, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [("", _("keep the current status")), *[(s.value, s.label) for s in allowed]]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("to") and not cleaned.get("health"):
            raise ValidationError(_("Choose a new status, a new health, or both."))
        return cleaned

    def add_workflow_error(self, error):
        """Put a ValidationError from the workflow on the field it names, or above the form."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, messages_ in error.message_dict.items():
            self.add_error(field if field in self.fields else None, messages_)


def _submit(initiative, data, user):
    common = {"by": user, "note": data["note"], "expected_version": data["expected_version"]}
    if data["to"]:
        health = data["health"] or None
        reason = data["health_reason"] if health else None
        return workflow.transition(initiative, data["to"], health=health, health_reason=reason, **common)
    return workflow.change_health(initiative, data["health"], reason=data["health_reason"], **common)


def transition_view(model_admin, request, object_id):
    initiative = model_admin.get_object(request, unquote(object_id))
    if initiative is None:
        raise Http404(_("There is no initiative with this id."))
    if not permissions.can_change_initiative(request.user, initiative):
        raise PermissionDenied
    allowed = workflow.allowed_transitions(initiative, request.user)
    initial = {"expected_version": initiative.version, "health_reason": initiative.health_reason}
    form = TransitionForm(request.POST if request.method == "POST" else None, allowed=allowed, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            entry = _submit(initiative, form.cleaned_data, request.user)
        except StaleVersion as stale:
            # Show the fresh state and the transitions allowed from it rather than the stale form.
            messages.error(request, str(stale))
            return HttpResponseRedirect(request.path)
        except TransitionNotAllowed as refused:
            form.add_error("to", str(refused))
        except UnfinishedWork as unfinished:
            still_open = "; ".join(str(item) for item in unfinished.open_items)
            form.add_error("note", f"{unfinished} {still_open}".strip())
        except ValidationError as invalid:
            form.add_workflow_error(invalid)
        else:
            messages.success(request, _("Saved: %(entry)s") % {"entry": _describe(entry)})
            return HttpResponseRedirect(reverse("admin:tracker_initiative_change", args=[initiative.pk]))
    return TemplateResponse(
        request, "admin/tracker/initiative/transition.html", _context(model_admin, request, initiative, form, allowed)
    )


def _describe(entry):
    return _("status %(from)s → %(to)s, health %(from_health)s → %(to_health)s") % {
        "from": entry.get_from_status_display(),
        "to": entry.get_to_status_display(),
        "from_health": entry.get_from_health_display(),
        "to_health": entry.get_to_health_display(),
    }


def _context(model_admin, request, initiative, form, allowed):
    return {
        **model_admin.admin_site.each_context(request),
        "title": _("Change status: %(initiative)s") % {"initiative": initiative},
        "opts": model_admin.opts,
        "original": initiative,
        "form": form,
        "allowed": allowed,
        "status_badge": status_badge(initiative.status),
        "health_badge": health_badge(initiative.health),
        "media": model_admin.media + form.media,
    }


def put_on_hold(model_admin, request, queryset):
    """Changelist action: one workflow transition per initiative, each checked and journalled on its own;
    those the user may not change, or that cannot go on hold, are listed, not failed silently."""
    codes = dict.fromkeys(queryset.values_list("code", flat=True))  # no version read: the rows as they are now
    results = workflow.apply_each(codes, by=request.user, to=Status.ON_HOLD, note=SystemNote("put_on_hold_from_list"))
    moved = sum(refusal is None for refusal in results.values())
    refused = [code for code, refusal in results.items() if refusal is not None]
    if moved:
        messages.success(request, _("%(count)d initiative(s) put on hold.") % {"count": moved})
    if refused:
        messages.warning(request, _("Not put on hold: %(codes)s.") % {"codes": ", ".join(refused)})

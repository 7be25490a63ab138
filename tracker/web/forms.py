"""Forms of the coordinator pages. Choices come from the workflow; saving goes through the domain."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tracker.domain import milestones, workflow
from tracker.domain.choices import Health, MilestoneKind, Status
from tracker.models import Initiative, Meeting, Milestone, Organisation
from tracker.web import journal_cache


class StatusUpdateForm(forms.Form):
    """Change status and/or health. Only the transitions allowed from the current status are offered."""

    to = forms.ChoiceField(label=_("New status"), required=False)
    health = forms.ChoiceField(label=_("Health"), choices=Health.choices)
    health_reason = forms.CharField(
        label=_("Health reason"),
        required=False,
        max_length=workflow.HEALTH_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the initiative is at risk or off track."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=workflow.NOTE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, initiative, actor, **kwargs):
        kwargs.setdefault(
            "initial",
            {"health": initiative.health, "health_reason": initiative.health_reason, "version": initiative.version},
        )
        super().__init__(*args, **kwargs)
        allowed = workflow.allowed_transitions(initiative, actor)
        self.fields["to"].choices = [("", _("Keep “%(status)s”") % {"status": initiative.get_status_display()})] + [
            (status.value, status.label) for status in allowed
        ]


class BulkUpdateForm(forms.Form):
    """One status and/or health change for the ticked initiatives, with one note."""

    to = forms.ChoiceField(label=_("New status"), required=False)
    health = forms.ChoiceField(label=_("New health"), required=False)
    health_reason = forms.CharField(
        label=_("Health reason"), required=False, max_length=workflow.HEALTH_REASON_MAX_LENGTH
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=workflow.NOTE_MAX_LENGTH)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [("", _("Keep each one's status")), *Status.choices]
        self.fields["health"].choices = [("", _("Keep each one's health")), *Health.choices]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("to") and not cleaned.get("health"):
            raise forms.ValidationError(_("Choose a status or a health to apply."))
        return cleaned


class MilestoneDoneForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class MilestoneReasonForm(MilestoneDoneForm):
    """Reopen or delete a milestone: the version read and why."""

    reason = forms.CharField(label=_("Why"), max_length=milestones.REASON_MAX_LENGTH)


class MilestoneChangeForm(MilestoneReasonForm):
    """Change a milestone's title, due date or responsible organisation, saying why."""

    title = forms.CharField(label=_("Title"), max_length=300)
    due_date = forms.DateField(label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    responsible_organisation = forms.ModelChoiceField(
        label=_("Responsible organisation"), queryset=Organisation.objects.all(), required=False
    )


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["kind", "title", "responsible_organisation", "responsible_person", "due_date"]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].initial = MilestoneKind.MILESTONE


class BriefingForm(forms.Form):
    region = forms.ChoiceField(label=_("Partner region"))
    since = forms.DateField(label=_("Changes since"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(region.code, str(region)) for region in regions]


class MeetingPlanForm(forms.ModelForm):
    """A coming meeting (tracker.domain.meetings.plan checks the date and who may plan)."""

    class Meta:
        model = Meeting
        fields = ["date", "partner_region", "place", "title"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}


class AgendaForm(forms.Form):
    initiatives = forms.ModelMultipleChoiceField(
        label=_("Initiatives to review"),
        queryset=Initiative.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, meeting, choices, **kwargs):
        agenda = [initiative.pk for initiative in meeting.initiatives.all()]
        kwargs.setdefault("initial", {"version": meeting.version, "initiatives": agenda})
        super().__init__(*args, **kwargs)
        self.fields["initiatives"].queryset = choices
        self.fields["initiatives"].label_from_instance = lambda initiative: f"{initiative.title} ({initiative.code})"


class AnyYesNo(forms.RadioSelect):
    """Three radios for a yes/no filter, "Any" ticked when the filter is not given."""

    def format_value(self, value):
        return [""] if value in (None, "", "unknown") else [str(value).lower()]


_RECORD_FILTERS = ("area", "region", "owner", "organisation")


def record_choices_from_cache(form):
    """The initiative filter `form` shows its lists of records (areas, regions, owners, organisations) from the
    cache, kept until the data changes (tracker/web/journal_cache.py): reading them and building a model instance
    and a name for each of some 150 options cost a quarter of the list page (bench/RESULTS.md, "Gains"). A value
    sent is still checked by its field, against the database."""

    def choices():
        return {
            name: [(str(value), str(label)) for value, label in form.fields[name].choices] for name in _RECORD_FILTERS
        }

    for name, shown in journal_cache.kept("initiative-filter-choices", choices).items():
        form.fields[name].widget.choices = shown
    return form


def filters_for_people(form):
    """The initiative filters (the API's query parameters) as people use them on a page (#18): ticks instead of
    Ctrl-click lists, Any/Yes/No instead of "Unknown" meaning any, and a date picker in plain words."""
    for name in ("status", "health"):
        form.fields[name].widget = forms.CheckboxSelectMultiple(choices=form.fields[name].choices)
    form.fields["overdue"].widget = AnyYesNo(choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))])
    since = form.fields["updated_since"]
    since.label = _("Changed since")
    since.widget = forms.DateInput(attrs={"type": "date"})
    since.help_text = _("Only initiatives changed on or after this day.")
    return form

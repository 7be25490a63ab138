"""What every tracker admin shares: the change history, stale-edit protection and query-frugal inlines.

Stale edits: a change form carries the version it was opened with (a hidden field). Form validation
refuses when the stored version has moved on, and the save itself is a conditional UPDATE
(`Tracked.save_versioned`) that raises StaleVersion if someone saved between validation and save; the
admin's transaction then rolls back and the user is sent back to the form with a message.
"""

import dataclasses

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import ModelChange

from tracker.admin.history import ReadableHistoryHelper
from tracker.domain import languages, records
from tracker.domain.errors import StaleVersion
from tracker.models.base import Cited, Tracked

__all__ = [
    "SEEN_VERSION",
    "SharedChoicesMixin",
    "TrackedAdmin",
    "TrackedInline",
    "VersionedAdminMixin",
    "VersionedForm",
    "VersionedInlineForm",
]

SEEN_VERSION = "seen_version"
NOT_DIFFED = {"version", "created_at", "updated_at"}  # they change with every save; the history shows when
_MISSING_VERSION = _(
    "This form did not say which version of the record it was opened with. Reload it, then apply your change again."
)


class SeenVersionField(forms.IntegerField):
    """The version a form was opened with. It never counts as a change: an inline row nobody touched
    must not be saved (or refused) just because the stored row has moved on meanwhile."""

    widget = forms.HiddenInput

    def has_changed(self, initial, data):
        return False


class VersionedForm(forms.ModelForm):
    seen_version = SeenVersionField(label=_("version you opened"), required=False, min_value=1)

    # The admin saves the main object whether or not a field changed, so its version is always checked;
    # an inline row is saved only when changed, so it is checked only then.
    check_unchanged = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields[SEEN_VERSION].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None or not (self.check_unchanged or self.has_changed()):
            return cleaned
        seen = cleaned.get(SEEN_VERSION)
        if seen is None:
            raise ValidationError(_MISSING_VERSION, code="stale")
        if seen != self.instance.version:  # the instance was read from the database in this request
            raise ValidationError(str(StaleVersion(self.instance, seen, self.instance.version)), code="stale")
        return cleaned

    def _post_clean(self):
        super()._post_clean()  # the model's own validation
        if not self.errors:
            try:
                records.check(self.instance)
            except ValidationError as error:
                self._update_errors(error)

    def _update_errors(self, errors):
        # A text edited as one field per language ("title [ru]", "title [en]") is refused under its own name
        # ("title": give it in at least one language): show that beside the first language's field.
        for field in list(getattr(errors, "error_dict", ())):
            if field not in self.fields:
                column = next((column for column in languages.columns(field) if column in self.fields), None)
                if column is not None:
                    errors.error_dict[column] = errors.error_dict.pop(field)
        super()._update_errors(errors)


class VersionedInlineForm(VersionedForm):
    check_unchanged = False


def _without_seen_version(fieldsets):
    return [
        (name, {**options, "fields": [f for f in options["fields"] if f != SEEN_VERSION]})
        for name, options in fieldsets
    ]


class VersionedFieldsetsMixin:
    """Render the hidden version field only where the user may save, so read-only views don't show it."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = _without_seen_version(super().get_fieldsets(request, obj))
        if obj is not None and self.has_change_permission(request, obj):
            name, options = fieldsets[0]
            fieldsets[0] = (name, {**options, "fields": [*options["fields"], SEEN_VERSION]})
        return fieldsets


class VersionedAdminMixin(VersionedFieldsetsMixin):
    form = VersionedForm

    def save_model(self, request, obj, form, change):
        if change and not form.has_changed():
            # Only the inlines changed: the record itself gets no new version, history row or event.
            return
        obj._history_user = request.user  # what SimpleHistoryAdmin.save_model would set
        records.save(obj, by=request.user, expected_version=form.cleaned_data[SEEN_VERSION] if change else None)

    def save_formset(self, request, form, formset, change):
        if not issubclass(formset.model, Tracked):
            return super().save_formset(request, form, formset, change)
        seen = {f.instance.pk: f.cleaned_data.get(SEEN_VERSION) for f in formset.initial_forms if f.has_changed()}
        formset.save(commit=False)
        for obj in formset.deleted_objects:
            records.delete(obj, by=request.user, expected_version=seen.get(obj.pk) or obj.version)
        for obj, _changed in formset.changed_objects:
            records.save(obj, by=request.user, expected_version=seen[obj.pk])
        for obj in formset.new_objects:
            records.save(obj, by=request.user)
        formset.save_m2m()

    def delete_model(self, request, obj):
        records.delete(obj, by=request.user, expected_version=obj.version)

    def delete_queryset(self, request, queryset):
        # One by one, each through its door: a bulk DELETE would skip the permission, version and event of each.
        for obj in queryset:
            records.delete(obj, by=request.user, expected_version=obj.version)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # StaleVersion leaves the admin's atomic block, which rolls back everything saved so far.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StaleVersion as stale:
            self.message_user(request, str(stale), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        return readonly if obj is None else (*readonly, "version", "updated_at")

    def get_queryset(self, request):
        # The change page reads the object through this queryset too, so __str__ and read-only foreign
        # keys cost no extra queries there either.
        queryset = super().get_queryset(request)
        related = self.get_list_select_related(request)
        return queryset.select_related(*related) if isinstance(related, list | tuple) and related else queryset


class TrackedAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    """The base of every admin of a Tracked model: change history with the acting user, key or command."""

    object_history_list_template = "admin/tracker/object_history_list.html"

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableHistoryHelper(self.model, historical_record)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        # simple_history diffs only editable fields, and an initiative's status and health are not editable in a
        # form (the workflow writes them): its history showed empty rows for every status change (#18).
        newer = None
        for older in historical_records:
            if newer is not None:
                delta = newer.diff_against(older, foreign_keys_are_objs=foreign_keys_are_objs)
                delta = dataclasses.replace(delta, changes=[*delta.changes, *_workflow_changes(older, newer)])
                helper = self.get_historical_record_context_helper(request, newer)
                newer.history_delta_changes = helper.context_for_delta_changes(delta)
            newer = older

    def get_autocomplete_fields(self, request):
        # A cited record's source as a plain select would list every source on every form.
        fields = tuple(super().get_autocomplete_fields(request))
        return fields if "source" in fields or not issubclass(self.model, Cited) else (*fields, "source")

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple_history saves a POST to this page even with reverting disabled; a revert would bypass the
        # version check and, for an initiative, the workflow. Past versions are for reading only.
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


def _workflow_changes(older, newer):
    """Changes to the fields no form edits (status, health, …), which simple_history's diff leaves out."""
    return [
        ModelChange(field.name, getattr(older, field.attname), getattr(newer, field.attname))
        for field in older.tracked_fields
        if not field.editable
        and field.name not in NOT_DIFFED
        and getattr(older, field.attname) != getattr(newer, field.attname)
    ]


class SharedChoicesMixin:
    """Evaluate each select's choices once per request instead of once per inline row, so a change page
    with many inline rows issues as many queries as one with a single row."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is None or isinstance(field.widget, AutocompleteSelect) or db_field.name in self.raw_id_fields:
            return field
        cache = request.__dict__.setdefault("_tracker_shared_choices", {})
        key = (self.model, db_field.name)
        if key not in cache:
            cache[key] = list(iter(field.choices))  # iter(): a plain list() would COUNT first
        field.choices = cache[key]
        return field


class LabelledInlineFormSet(BaseInlineFormSet):
    """A tabular inline names its fields only in the column headers, which a screen reader does not tie to each
    row's inputs (axe: "label", "select-name", critical): every input of every row is named after its field."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for name, field in form.fields.items():
            if isinstance(field.widget, forms.HiddenInput):
                continue
            label = _("Delete") if name == "DELETE" else field.label
            widget = getattr(field.widget, "widget", field.widget)  # the select inside a related-field wrapper
            widget.attrs.setdefault("aria-label", str(label))


class TrackedInline(VersionedFieldsetsMixin, SharedChoicesMixin, admin.TabularInline):
    """An inline of a Tracked model: each row carries its version; the parent admin saves it versioned."""

    form = VersionedInlineForm
    formset = LabelledInlineFormSet
    extra = 0

"""Initiatives and what hangs off them: participations, milestones and instructions, indicator links."""

from django.contrib import admin
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from tracker.admin.display import health_badge, person, short_date, status_badge
from tracker.admin.filters import OverdueInitiativeFilter, OverdueMilestoneFilter
from tracker.admin.importing import TrackerImportExportMixin
from tracker.admin.journal import JournalInline
from tracker.admin.mixins import TrackedAdmin, TrackedInline
from tracker.admin.ownership import InitiativePartAdminMixin, InitiativePartInlineMixin
from tracker.admin.resources import InitiativeResource
from tracker.admin.transitions import put_on_hold, transition_view
from tracker.admin.translated import TranslatedAdmin, TranslatedInline
from tracker.domain import permissions, text_search
from tracker.domain.languages import columns
from tracker.models import Initiative, InitiativeIndicator, Milestone, Participation

__all__ = ["InitiativeAdmin", "MilestoneAdmin", "ParticipationAdmin"]


class ParticipationInline(InitiativePartInlineMixin, TrackedInline):
    model = Participation
    fields = ("organisation", "role", "side")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation")


class MilestoneInline(InitiativePartInlineMixin, TranslatedInline):
    model = Milestone
    # What fits a laptop's width; the responsible person and the meeting are on the milestone's own page (the
    # change link), as in the pages' milestone table.
    fields = ("kind", "title", "responsible_organisation", "due_date", "state", "done_on", "overdue")
    readonly_fields = ("overdue",)
    show_change_link = True

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, milestone):
        return milestone.is_overdue()


class IndicatorLinkInline(InitiativePartInlineMixin, TranslatedInline):
    model = InitiativeIndicator
    fields = ("indicator", "rationale", "target_value", "target_period")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("initiative", "indicator")


@admin.register(Initiative)
class InitiativeAdmin(TrackerImportExportMixin, TranslatedAdmin):
    resource_classes = [InitiativeResource]
    # Chosen to fit a 1366 px laptop in Russian too (tests/browser/test_widths.py): the code under the title, the
    # partner region as a filter only (one partner so far), dates as short dates.
    list_display = (
        "title_and_code",
        "area",
        "status_badge",
        "health_badge",
        "priority",
        "owner_name",
        "planned_end_date",
        "updated",
    )
    list_filter = (
        "status",
        "health",
        "area",
        ("owner", admin.RelatedOnlyFieldListFilter),
        "partner_region",
        OverdueInitiativeFilter,
    )
    list_select_related = ("area", "partner_region", "owner")
    search_fields = ("code", *columns("title"), *columns("summary"))  # see get_search_results
    autocomplete_fields = ("area", "partner_region", "owner", "origin")
    readonly_fields = ("status_badge", "health_badge", "health_reason")
    inlines = (ParticipationInline, MilestoneInline, IndicatorLinkInline, JournalInline)
    view_on_site = False  # Initiative.get_absolute_url is this admin page itself
    actions = ("put_on_hold",)
    fieldsets = (
        (None, {"fields": ("code", "title", "summary", "area", "partner_region", "priority", "owner", "visibility")}),
        (_("Status"), {"fields": ("status_badge", "health_badge", "health_reason")}),
        (_("Dates"), {"fields": ("planned_start", "planned_end", "actual_start", "actual_end")}),
        (_("Origin and source"), {"fields": ("origin", "source", "source_detail")}),
    )

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, initiative):
        return status_badge(initiative.status)

    @admin.display(description=_("health"), ordering="health")
    def health_badge(self, initiative):
        return health_badge(initiative.health)

    @admin.display(description=_("title"), ordering="code")
    def title_and_code(self, initiative):
        return format_html('{}<br><span class="code">{}</span>', initiative.title, initiative.code)

    @admin.display(description=_("owner"), ordering="owner__username")
    def owner_name(self, initiative):
        return person(initiative.owner)

    @admin.display(description=_("planned end"), ordering="planned_end")
    def planned_end_date(self, initiative):
        return short_date(initiative.planned_end)

    @admin.display(description=_("updated"), ordering="updated_at")
    def updated(self, initiative):
        return short_date(initiative.updated_at)

    def get_search_results(self, request, queryset, search_term):
        # The pages' and the API's search (both languages, morphology, typos); `search_fields` only shows the box.
        return text_search.initiatives(queryset, search_term), False

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return [*fieldsets, (_("Record"), {"fields": ("version", "updated_at")})]

    # --- who may change what ---------------------------------------------------------------------------

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return permissions.can_change_initiative(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or permissions.can_change_initiative(request.user, obj))

    def has_import_permission(self, request):
        # An import can set any owner, so it is for those who may change any initiative.
        return permissions.can_change_any_initiative(request.user)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "owner" in form.base_fields and not permissions.can_change_any_initiative(request.user):
            form.base_fields["owner"].disabled = True  # a coordinator's initiatives are their own
        return form

    def get_changeform_initial_data(self, request):
        return {"owner": request.user.pk, **super().get_changeform_initial_data(request)}

    # --- the workflow page -----------------------------------------------------------------------------

    def get_urls(self):
        transition = self.admin_site.admin_view(self.transition_view)
        return [
            path("<path:object_id>/transition/", transition, name="tracker_initiative_transition"),
            *super().get_urls(),
        ]

    def transition_view(self, request, object_id):
        return transition_view(self, request, object_id)

    @admin.action(description=_("Put the selected initiatives on hold"), permissions=["change"])
    def put_on_hold(self, request, queryset):
        put_on_hold(self, request, queryset)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and permissions.can_change_initiative(request.user, obj):
            context["transition_url"] = reverse("admin:tracker_initiative_transition", args=[obj.pk])
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_export_queryset(self, request):
        return super().get_export_queryset(request).select_related("source")


@admin.register(Participation)
class ParticipationAdmin(InitiativePartAdminMixin, TrackedAdmin):
    list_display = ("initiative", "organisation", "role", "side")
    list_filter = ("role", "side")
    list_select_related = ("initiative", "organisation")
    search_fields = ("initiative__code", *columns("organisation__name"), *columns("organisation__short_name"))
    autocomplete_fields = ("initiative", "organisation")


@admin.register(Milestone)
class MilestoneAdmin(InitiativePartAdminMixin, TranslatedAdmin):
    list_display = ("title", "initiative", "kind", "state", "due_date", "overdue", "responsible_organisation")
    list_filter = ("state", "kind", OverdueMilestoneFilter)
    list_select_related = ("initiative", "responsible_organisation")
    search_fields = (*columns("title"), "responsible_person", "initiative__code")
    autocomplete_fields = ("initiative", "responsible_organisation", "meeting")
    date_hierarchy = "due_date"

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, milestone):
        return milestone.is_overdue()

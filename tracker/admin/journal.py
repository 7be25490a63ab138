"""The status-update journal: append-only, so the admin shows it and offers no way to add, change or
delete an entry (the model refuses those too). Entries are written only by tracker.domain.workflow."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from tracker.admin.display import health_badge, status_badge
from tracker.domain.languages import columns
from tracker.models import StatusUpdate

__all__ = ["JournalInline", "StatusUpdateAdmin"]


class ReadOnlyJournalMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("status"))
    def status_change(self, entry):
        if not entry.status_changed:
            return status_badge(entry.to_status)
        return format_html("{} → {}", status_badge(entry.from_status), status_badge(entry.to_status))

    @admin.display(description=_("health"))
    def health_change(self, entry):
        if not entry.health_changed:
            return health_badge(entry.to_health)
        return format_html("{} → {}", health_badge(entry.from_health), health_badge(entry.to_health))

    @admin.display(description=_("note"))
    def note_text(self, entry):
        return entry.note_text


class JournalInline(ReadOnlyJournalMixin, admin.TabularInline):
    model = StatusUpdate
    verbose_name = _("journal entry")
    verbose_name_plural = _("journal (newest first)")
    fields = ("created_at", "status_change", "health_change", "health_reason", "note_text", "author_name")
    readonly_fields = fields
    ordering = ("-created_at", "-id")
    extra = 0
    can_delete = False
    template = "admin/tracker/journal_inline.html"


@admin.register(StatusUpdate)
class StatusUpdateAdmin(ReadOnlyJournalMixin, admin.ModelAdmin):
    """A plain ModelAdmin: the journal is itself the history of status and health, it has no other."""

    list_display = ("created_at", "initiative", "status_change", "health_change", "author_name", "version")
    list_filter = ("to_status", "to_health")
    list_select_related = ("initiative",)
    search_fields = ("initiative__code", *columns("initiative__title"), "note", "author_name")
    fields = (
        "initiative",
        "created_at",
        "status_change",
        "health_change",
        "health_reason",
        "note_text",
        "author",
        "author_name",
        "version",
        "request_id",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("initiative", "author")

"""API keys, the event log and the seed loader's fingerprints in the admin.

A key's secret is shown once, in the message after it is created; only its digest is stored, and no form
shows or accepts the digest. Events and fingerprints are written by the system and only shown here.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from tracker.models import ApiKey, Event, SeedFingerprint

__all__ = ["ApiKeyAdmin", "EventAdmin", "SeedFingerprintAdmin"]


@admin.register(ApiKey)
class ApiKeyAdmin(SimpleHistoryAdmin):
    list_display = ("name", "prefix", "can_write", "region", "enabled", "expires_at", "last_used_at", "created_at")
    list_filter = ("can_write", "enabled", "region")
    list_select_related = ("region",)
    search_fields = ("name", "prefix")
    autocomplete_fields = ("region",)
    fields = ("name", "can_write", "region", "enabled", "expires_at", "prefix", "last_used_at", "created_by")
    readonly_fields = ("prefix", "last_used_at", "created_by")

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False  # a key that acted is named in the journal: disable it instead

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        fields = {name: form.cleaned_data[name] for name in ("can_write", "region", "enabled", "expires_at")}
        key, token = ApiKey.issue(form.cleaned_data["name"], created_by=request.user, **fields)
        obj.pk, obj.prefix = key.pk, key.prefix
        messages.warning(
            request,
            _("The key for “%(name)s” is shown this once; store it now: %(token)s") % {"name": key, "token": token},
        )


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("id", "occurred_at", "name", "object_key", "actor_name", "partner_region", "shared")
    list_filter = ("action", "object_type", "shared")
    list_select_related = ("partner_region",)
    search_fields = ("name", "object_key", "actor_name", "=request_id")
    date_hierarchy = "occurred_at"


@admin.register(SeedFingerprint)
class SeedFingerprintAdmin(ReadOnlyAdmin):
    list_display = ("record", "loaded_at")
    search_fields = ("record",)

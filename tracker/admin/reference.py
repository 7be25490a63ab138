"""Reference data: sources, regions, organisations, areas of cooperation, and meetings."""

from django.contrib import admin
from django.db import models

from tracker.admin.mixins import TrackedAdmin
from tracker.models import Area, Meeting, Organisation, Region, Source

__all__ = ["AreaAdmin", "MeetingAdmin", "OrganisationAdmin", "RegionAdmin", "SourceAdmin"]


@admin.register(Source)
class SourceAdmin(TrackedAdmin):
    list_display = ("key", "publisher", "title", "published_on")
    search_fields = ("key", "publisher", "title")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    date_hierarchy = "published_on"


@admin.register(Region)
class RegionAdmin(TrackedAdmin):
    list_display = ("code", "name", "name_ru", "kind", "parent")
    list_filter = ("kind",)
    list_select_related = ("parent",)
    search_fields = ("code", "name", "name_ru")
    autocomplete_fields = ("parent",)


@admin.register(Organisation)
class OrganisationAdmin(TrackedAdmin):
    list_display = ("name", "short_name", "kind", "region")
    list_filter = ("kind", "region")
    list_select_related = ("region",)
    search_fields = ("name", "name_ru", "short_name")
    autocomplete_fields = ("region",)


@admin.register(Area)
class AreaAdmin(TrackedAdmin):
    list_display = ("code", "name", "name_ru")
    search_fields = ("code", "name", "name_ru")


@admin.register(Meeting)
class MeetingAdmin(TrackedAdmin):
    list_display = ("date", "place", "title", "partner_region")
    list_filter = ("partner_region",)
    list_select_related = ("partner_region",)
    search_fields = ("title", "place", "participants")
    autocomplete_fields = ("partner_region", "initiatives")
    date_hierarchy = "date"

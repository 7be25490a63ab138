"""Reference data: sources, regions, organisations, areas of cooperation, and meetings."""

from django.contrib import admin
from django.db import models

from tracker.admin.translated import TranslatedAdmin
from tracker.domain.languages import columns
from tracker.models import Area, Meeting, Organisation, Region, Source

__all__ = ["AreaAdmin", "MeetingAdmin", "OrganisationAdmin", "RegionAdmin", "SourceAdmin"]


@admin.register(Source)
class SourceAdmin(TranslatedAdmin):
    list_display = ("key", "publisher", "title", "published_on")
    search_fields = ("key", "publisher", *columns("title"))
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    date_hierarchy = "published_on"


@admin.register(Region)
class RegionAdmin(TranslatedAdmin):
    list_display = ("code", "name", "kind", "parent")
    list_filter = ("kind",)
    list_select_related = ("parent",)
    search_fields = ("code", *columns("name"))
    autocomplete_fields = ("parent",)


@admin.register(Organisation)
class OrganisationAdmin(TranslatedAdmin):
    list_display = ("name", "short_name", "kind", "region")
    list_filter = ("kind", "region")
    list_select_related = ("region",)
    search_fields = (*columns("name"), *columns("short_name"))
    autocomplete_fields = ("region",)


@admin.register(Area)
class AreaAdmin(TranslatedAdmin):
    list_display = ("code", "name")
    search_fields = ("code", *columns("name"))


@admin.register(Meeting)
class MeetingAdmin(TranslatedAdmin):
    list_display = ("date", "place", "title", "partner_region")
    list_filter = ("partner_region",)
    list_select_related = ("partner_region",)
    search_fields = (*columns("title"), *columns("place"), *columns("participants"))
    autocomplete_fields = ("partner_region", "initiatives")
    date_hierarchy = "date"

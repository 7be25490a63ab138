"""Trade statistics: commodities, indicator series and their observations, key commodities, and the links
between initiatives and the series they should move."""

from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tracker.admin.display import qualified_value
from tracker.admin.importing import TrackerImportExportMixin
from tracker.admin.mixins import TrackedAdmin, TrackedInline
from tracker.admin.ownership import InitiativePartAdminMixin
from tracker.admin.resources import ObservationResource
from tracker.admin.translated import TranslatedAdmin
from tracker.domain.languages import columns
from tracker.models import Commodity, InitiativeIndicator, KeyCommodity, Observation, TradeIndicator

__all__ = ["CommodityAdmin", "InitiativeIndicatorAdmin", "KeyCommodityAdmin", "ObservationAdmin", "TradeIndicatorAdmin"]


@admin.register(Commodity)
class CommodityAdmin(TranslatedAdmin):
    list_display = ("hs_code", "name", "note")
    search_fields = ("hs_code", *columns("name"))


class ObservationInline(TrackedInline):
    model = Observation
    fields = ("period", "value", "qualifier", "is_derived", "formula", "note")
    ordering = ("period_start",)

    def get_queryset(self, request):
        # Observation.__str__ and save() read the indicator; the formset sets only its id on each row.
        return super().get_queryset(request).select_related("indicator")


@admin.register(TradeIndicator)
class TradeIndicatorAdmin(TranslatedAdmin):
    list_display = ("code", "name", "reporter", "partner", "flow", "commodity", "frequency", "currency", "observations")
    list_filter = ("flow", "frequency", "partner")
    list_select_related = ("reporter", "partner", "commodity")
    search_fields = ("code", *columns("name"))
    autocomplete_fields = ("reporter", "partner", "commodity")
    inlines = (ObservationInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(observation_count=Count("observations"))

    @admin.display(description=_("observations"), ordering="observation_count")
    def observations(self, indicator):
        """A link to this series' observations, filtered, so they can be sorted, exported and bulk-edited."""
        url = reverse("admin:tracker_observation_changelist") + f"?indicator__id__exact={indicator.pk}"
        count = indicator.observation_count
        label = ngettext("%(count)d observation", "%(count)d observations", count) % {"count": count}
        return format_html('<a href="{}">{}</a>', url, label)


@admin.register(Observation)
class ObservationAdmin(TrackerImportExportMixin, TrackedAdmin):
    resource_classes = [ObservationResource]
    list_display = ("indicator", "period", "value_with_qualifier", "is_derived", "source")
    list_filter = ("indicator", "indicator__frequency", "indicator__flow", "qualifier", "is_derived")
    list_select_related = ("indicator", "source")
    search_fields = ("indicator__code", *columns("indicator__name"), "period", "note")
    autocomplete_fields = ("indicator",)

    @admin.display(description=_("value"), ordering="value")
    def value_with_qualifier(self, observation):
        return qualified_value(observation.value, observation.qualifier, observation.indicator.currency)


@admin.register(KeyCommodity)
class KeyCommodityAdmin(TrackedAdmin):
    list_display = ("year", "flow", "rank", "commodity", "reporter", "partner")
    list_filter = ("flow", "year", "partner")
    list_select_related = ("commodity", "reporter", "partner")
    search_fields = (*columns("commodity__name"), "commodity__hs_code")
    autocomplete_fields = ("reporter", "partner", "commodity")


@admin.register(InitiativeIndicator)
class InitiativeIndicatorAdmin(InitiativePartAdminMixin, TranslatedAdmin):
    list_display = ("initiative", "indicator", "target_value", "target_period")
    list_select_related = ("initiative", "indicator")
    search_fields = ("initiative__code", "indicator__code", *columns("rationale"))
    autocomplete_fields = ("initiative", "indicator")

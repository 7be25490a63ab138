"""Query filters of the API (django-filter). Bad values give a 400 naming the parameter."""

import django_filters as filters
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend

from tracker import models
from tracker.domain.choices import MilestoneKind, MilestoneState
from tracker.domain.search import FilterSet, InitiativeFilter, UpdatedSince

__all__ = [
    "GivenFiltersBackend",
    "IndicatorFilter",
    "IndicatorLinkFilter",
    "InitiativeFilter",  # shared with the pages, defined in tracker.domain.search
    "MilestoneFilter",
    "ObservationFilter",
    "ParticipationFilter",
    "UpdatedSinceFilter",
]


class GivenFiltersBackend(DjangoFilterBackend):
    """DjangoFilterBackend building only the filters a request names (tracker.domain.search.FilterSet)."""

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        if issubclass(self.get_filterset_class(view, queryset), FilterSet):
            kwargs["given_only"] = True
        return kwargs


class InitiativePartFilter(FilterSet):
    initiative = filters.CharFilter(field_name="initiative__code", help_text=_("Initiative code."))
    updated_since = UpdatedSince()


class MilestoneFilter(InitiativePartFilter):
    state = filters.ChoiceFilter(choices=MilestoneState.choices)
    kind = filters.ChoiceFilter(choices=MilestoneKind.choices)
    overdue = filters.BooleanFilter(method="filter_overdue")

    class Meta:
        model = models.Milestone
        fields = []

    def filter_overdue(self, queryset, name, value):
        overdue = models.Milestone.objects.overdue()
        return queryset.filter(pk__in=overdue.values("pk")) if value else queryset.exclude(pk__in=overdue.values("pk"))


class ParticipationFilter(InitiativePartFilter):
    class Meta:
        model = models.Participation
        fields = []


class IndicatorLinkFilter(InitiativePartFilter):
    class Meta:
        model = models.InitiativeIndicator
        fields = []


class IndicatorFilter(FilterSet):
    partner = filters.CharFilter(field_name="partner__code")
    reporter = filters.CharFilter(field_name="reporter__code")
    flow = filters.CharFilter(field_name="flow")
    frequency = filters.CharFilter(field_name="frequency")
    commodity = filters.CharFilter(field_name="commodity__hs_code")
    updated_since = UpdatedSince()

    class Meta:
        model = models.TradeIndicator
        fields = []


class ObservationFilter(FilterSet):
    period_from = filters.DateFilter(field_name="period_start", lookup_expr="gte")
    period_to = filters.DateFilter(field_name="period_start", lookup_expr="lte")
    updated_since = UpdatedSince()

    class Meta:
        model = models.Observation
        fields = []


class UpdatedSinceFilter(FilterSet):
    updated_since = UpdatedSince()

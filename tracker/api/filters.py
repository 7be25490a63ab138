"""Query filters of the API (django-filter). Bad values give a 400 naming the parameter."""

import django_filters as filters
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

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
        filterset = self.get_filterset_class(view, queryset)
        if filterset is None:
            return kwargs
        if issubclass(filterset, FilterSet):
            kwargs["given_only"] = True
        _refuse_loose_values(kwargs["data"], filterset)
        return kwargs


_BOOLEANS = ("true", "false")


def _refuse_loose_values(data, filterset):
    """What django-filter lets pass as "no filter", refused in the API, each naming the parameter:

    - an empty time (`?updated_since=`): a mirror asking what changed since its last sync would believe it had
      everything (the pages' filter form sends its empty fields, which mean "any", so this is the API's only);
    - a yes/no other than true or false (`?overdue=null`);
    - an empty choice, number or date (`?kind=`), which the schema does not allow (free text may be empty);
    - a parameter that takes one value given twice (`?overdue=true&overdue=false`).
    """
    errors = {}
    for name, found in filterset.base_filters.items():
        if name not in data:
            continue
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        if isinstance(found, filters.IsoDateTimeFilter) and "" in values:
            errors[name] = [_("Give a time like 2024-01-31T12:00:00Z, or leave the parameter out.")]
        elif isinstance(found, filters.BooleanFilter) and any(value not in _BOOLEANS for value in values):
            errors[name] = [_("Give true or false, or leave the parameter out.")]
        elif "" in values and not isinstance(found, filters.CharFilter):
            errors[name] = [_("Give a value, or leave the parameter out.")]
        elif len(values) > 1 and not isinstance(found, filters.MultipleChoiceFilter):
            errors[name] = [_("Give this parameter once.")]
    if errors:
        raise ValidationError(errors)


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
    period = filters.CharFilter(
        field_name="period", help_text="One period as the figures' events name it: 2023, 2023-Q1 or 2023-03."
    )
    period_from = filters.DateFilter(field_name="period_start", lookup_expr="gte")
    period_to = filters.DateFilter(field_name="period_start", lookup_expr="lte")
    updated_since = UpdatedSince()

    class Meta:
        model = models.Observation
        fields = []


class UpdatedSinceFilter(FilterSet):
    updated_since = UpdatedSince()

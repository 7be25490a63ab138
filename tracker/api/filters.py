"""Query filters of the API (django-filter). Bad values give a 400 naming the parameter."""

import django_filters as filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from tracker import models
from tracker.choices import Health, MilestoneKind, MilestoneState, Status

MAX_SEARCH_LENGTH = 200


def _search(queryset, fields, value):
    value = value.strip()[:MAX_SEARCH_LENGTH]
    query = Q()
    for field in fields:
        query |= Q(**{f"{field}__icontains": value})
    return queryset.filter(query) if value else queryset


class InitiativeFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=Status.choices, help_text=_("Repeat for several."))
    health = filters.MultipleChoiceFilter(choices=Health.choices)
    area = filters.CharFilter(field_name="area__code", help_text=_("Area code."))
    region = filters.CharFilter(field_name="partner_region__code", help_text=_("Partner region ISO code."))
    owner = filters.CharFilter(field_name="owner__username", help_text=_("Owner's username."))
    organisation = filters.NumberFilter(method="filter_organisation", help_text=_("Participating organisation id."))
    overdue = filters.BooleanFilter(method="filter_overdue", help_text=_("Has an open milestone past due."))
    updated_since = filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    q = filters.CharFilter(method="filter_q", max_length=MAX_SEARCH_LENGTH, help_text=_("Text search."))

    class Meta:
        model = models.Initiative
        fields = []

    def filter_organisation(self, queryset, name, value):
        taking_part = models.Participation.objects.filter(initiative=OuterRef("pk"), organisation_id=value)
        return queryset.filter(Exists(taking_part))

    def filter_overdue(self, queryset, name, value):
        overdue = queryset.with_overdue()
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))

    def filter_q(self, queryset, name, value):
        return _search(queryset, ("code", "title", "summary"), value)


class InitiativePartFilter(filters.FilterSet):
    initiative = filters.CharFilter(field_name="initiative__code", help_text=_("Initiative code."))
    updated_since = filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")


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


class IndicatorFilter(filters.FilterSet):
    partner = filters.CharFilter(field_name="partner__code")
    reporter = filters.CharFilter(field_name="reporter__code")
    flow = filters.CharFilter(field_name="flow")
    frequency = filters.CharFilter(field_name="frequency")
    commodity = filters.CharFilter(field_name="commodity__hs_code")
    updated_since = filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = models.TradeIndicator
        fields = []


class ObservationFilter(filters.FilterSet):
    period_from = filters.DateFilter(field_name="period_start", lookup_expr="gte")
    period_to = filters.DateFilter(field_name="period_start", lookup_expr="lte")
    updated_since = filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = models.Observation
        fields = []


class UpdatedSinceFilter(filters.FilterSet):
    updated_since = filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

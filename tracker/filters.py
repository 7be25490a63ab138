"""Filtering initiatives: one FilterSet for the pages (as a form) and the API (as query parameters)."""

import django_filters as filters
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from tracker import models
from tracker.choices import Health, Status

__all__ = ["MAX_SEARCH_LENGTH", "InitiativeFilter", "search"]

MAX_SEARCH_LENGTH = 200


def search(queryset, fields, value):
    """Rows where any of `fields` contains `value` (case-insensitive); long input is cut, not refused."""
    value = value.strip()[:MAX_SEARCH_LENGTH]
    query = Q()
    for field in fields:
        query |= Q(**{f"{field}__icontains": value})
    return queryset.filter(query) if value else queryset


def _owners(request):
    return get_user_model().objects.filter(owned_initiatives__isnull=False).distinct().order_by("username")


class InitiativeFilter(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", max_length=MAX_SEARCH_LENGTH, label=_("Search"))
    status = filters.MultipleChoiceFilter(choices=Status.choices, label=_("Status"))
    health = filters.MultipleChoiceFilter(choices=Health.choices, label=_("Health"))
    area = filters.ModelChoiceFilter(queryset=models.Area.objects.all(), to_field_name="code", label=_("Area"))
    region = filters.ModelChoiceFilter(
        field_name="partner_region",
        queryset=models.Region.objects.all(),
        to_field_name="code",
        label=_("Partner region"),
    )
    owner = filters.ModelChoiceFilter(queryset=_owners, to_field_name="username", label=_("Owner"))
    organisation = filters.ModelChoiceFilter(
        queryset=models.Organisation.objects.all(), method="filter_organisation", label=_("Organisation")
    )
    overdue = filters.BooleanFilter(method="filter_overdue", label=_("Has overdue milestones"))
    updated_since = filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte", label=_("Updated since"))

    class Meta:
        model = models.Initiative
        fields = []

    def filter_organisation(self, queryset, name, value):
        taking_part = models.Participation.objects.filter(initiative=OuterRef("pk"), organisation=value)
        return queryset.filter(Exists(taking_part))

    def filter_overdue(self, queryset, name, value):
        overdue = models.Milestone.objects.overdue().filter(initiative=OuterRef("pk"))
        return queryset.filter(Exists(overdue)) if value else queryset.exclude(Exists(overdue))

    def filter_q(self, queryset, name, value):
        return search(queryset, ("code", "title", "summary"), value)

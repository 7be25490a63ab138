"""Filtering initiatives: one FilterSet for the pages (as a form) and the API (as query parameters)."""

import datetime

import django_filters as filters
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField

from tracker import models
from tracker.domain import text_search
from tracker.domain.choices import Health, Status

__all__ = ["MAX_SEARCH_LENGTH", "FilterSet", "InitiativeFilter", "UpdatedSince"]

MAX_SEARCH_LENGTH = text_search.MAX_SEARCH_LENGTH


class _UtcDateTimeField(IsoDateTimeField):
    """An ISO 8601 time, handed to the database in UTC: PostgreSQL refuses offsets beyond ±15:59 that Python
    parses (e.g. -19:38), and a time at the edge of the calendar can have no UTC equivalent at all."""

    def to_python(self, value):
        value = super().to_python(value)
        try:
            return value.astimezone(datetime.UTC) if value is not None else None
        except OverflowError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class UpdatedSince(filters.IsoDateTimeFilter):
    field_class = _UtcDateTimeField

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("Only rows changed at or after this time (ISO 8601)."))
        super().__init__(field_name="updated_at", lookup_expr="gte", **kwargs)


class FilterSet(filters.FilterSet):
    """A FilterSet that can be built with only the filters a query names (`given_only=True`, as the API does).

    django-filter deep-copies every declared filter and builds a form field for each on every request; for a
    list polled by partner systems that cost more than its query (bench/RESULTS.md, "Gains"). A filter that is
    not given filters nothing, so leaving it out changes no result. The pages keep every filter: they render
    the whole form.
    """

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, given_only=False):
        if given_only and data is not None:
            self.base_filters = {name: f for name, f in self.base_filters.items() if _names(data, name, prefix)}
        super().__init__(data, queryset, request=request, prefix=prefix)


def _names(data, name, prefix):
    """Whether `data` has a parameter of the filter `name` (a range filter's are `name_min`, `name_after`…)."""
    name = f"{prefix}-{name}" if prefix else name
    return any(key == name or key.startswith(f"{name}_") for key in data)


def _owners(request):
    return get_user_model().objects.filter(owned_initiatives__isnull=False).distinct().order_by("username")


class InitiativeFilter(FilterSet):
    q = filters.CharFilter(method="filter_q", max_length=MAX_SEARCH_LENGTH, label=_("Search"))
    # distinct=False: these are columns of the initiative itself, and SELECT DISTINCT over a page's columns
    # (summary included) cost more than the rest of the request (bench/RESULTS.md, "Gains").
    status = filters.MultipleChoiceFilter(choices=Status.choices, label=_("Status"), distinct=False)
    health = filters.MultipleChoiceFilter(choices=Health.choices, label=_("Health"), distinct=False)
    area = filters.ModelChoiceFilter(queryset=models.Area.objects.all(), to_field_name="code", label=_("Area"))
    region = filters.ModelChoiceFilter(
        field_name="partner_region",
        queryset=models.Region.objects.all(),
        to_field_name="code",
        label=_("Partner region"),
    )
    owner = filters.ModelChoiceFilter(queryset=_owners, to_field_name="username", label=_("Owner"))
    organisation = filters.ModelChoiceFilter(
        field_name="participations__organisation",  # for the schema; filtering is done by the method
        queryset=models.Organisation.objects.all(),
        method="filter_organisation",
        label=_("Organisation"),
    )
    overdue = filters.BooleanFilter(method="filter_overdue", label=_("Has overdue milestones"))
    updated_since = UpdatedSince(label=_("Updated since"))

    class Meta:
        model = models.Initiative
        fields = []

    def filter_organisation(self, queryset, name, value):
        taking_part = models.Participation.objects.filter(initiative=OuterRef("pk"), organisation=value)
        return queryset.filter(Exists(taking_part))

    def filter_overdue(self, queryset, name, value):
        return queryset.with_overdue() if value else queryset.without_overdue()

    def filter_q(self, queryset, name, value):
        return text_search.initiatives(queryset, value)

"""Changelist filters that are more than a field lookup."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

__all__ = ["OverdueInitiativeFilter", "OverdueMilestoneFilter"]


class OverdueInitiativeFilter(admin.SimpleListFilter):
    """Initiatives with at least one open milestone or instruction past its due date."""

    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Has overdue milestones")), ("no", _("Nothing overdue"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.with_overdue()
        if self.value() == "no":
            return queryset.without_overdue()
        return queryset


class OverdueMilestoneFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue"))]

    def queryset(self, request, queryset):
        return queryset.overdue() if self.value() == "yes" else queryset

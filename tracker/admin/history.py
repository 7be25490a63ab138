"""The admin's history pages in words: a changed status reads "Proposed → Under study", an empty value "—", never
"None", a code or "Deleted user (pk=None)" for an owner that was not set (#18)."""

from simple_history.template_utils import HistoricalRecordContextHelper

from tracker.admin.display import EMPTY

__all__ = ["ReadableHistoryHelper"]


class ReadableHistoryHelper(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        field = self.model._meta.get_field(change.field)
        if value is None or value == "" or (field.is_relation and getattr(value, "pk", True) is None):
            return EMPTY
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        return value

"""django-import-export resources: how initiatives and observations look in CSV and XLSX files.

Rows are identified by stable codes, never database ids; foreign keys are written as codes too. Every
bad value becomes a row error naming the column and what to write instead, and the admin imports a file
only if every row is valid (tracker.admin.importing.TrackerImportExportMixin).
"""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, results, widgets

from tracker.data.spreadsheets import separator_hint
from tracker.domain import observations, records
from tracker.domain.choices import Priority, Qualifier, Visibility
from tracker.domain.errors import InvalidRows
from tracker.domain.observations import amount
from tracker.models import Area, Initiative, Observation, Region, Source, TradeIndicator

__all__ = ["FileError", "InitiativeResource", "ObservationResource"]


class CodeWidget(widgets.ForeignKeyWidget):
    """A foreign key written as the target's code; an unknown code is a field error, not a crash."""

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(
                _("There is no %(model)s with %(field)s “%(value)s”.")
                % {"model": self.model._meta.verbose_name, "field": self.field, "value": value}
            ) from None


class AmountWidget(widgets.DecimalWidget):
    """An observation's value, by the rule every door applies (tracker.domain.observations.amount)."""

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return None
        text = repr(value) if isinstance(value, float) else str(value).strip()  # a spreadsheet's number cell
        checked = amount(text)
        if checked is None:
            raise ValueError(
                _("“%(value)s” is not a number below 10^16 with at most two decimals; write it like 1234.56.")
                % {"value": value}
            )
        return Decimal(checked)


class ChoiceWidget(widgets.Widget):
    """One of a fixed set of codes; blank means `default`."""

    def __init__(self, choices, default, **kwargs):
        super().__init__(**kwargs)
        self.choices, self.default = choices, default

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return getattr(self.default, "value", self.default)  # the code, as a file cell would give it
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # a spreadsheet's number cell: 2.0 means 2
        text = str(value).strip()
        for choice in self.choices:
            if text == str(choice.value):
                return choice.value
        allowed = ", ".join(str(choice.value) for choice in self.choices)
        raise ValueError(
            _("“%(value)s” is not allowed here; use one of: %(allowed)s.") % {"value": text, "allowed": allowed}
        )

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value


def _code_field(attribute, model, field):
    return fields.Field(attribute=attribute, column_name=attribute, widget=CodeWidget(model, field))


class FileError(results.Error):
    """An import error as the admin shows it: the message alone. For an error with the file as a whole (missing
    columns, say) import-export would print the traceback under it, which names the server's paths and helps
    nobody fix the file; row errors never show theirs (`import_error_display`)."""

    @property
    def traceback(self):
        return ""


class TrackerResource(resources.ModelResource):
    @classmethod
    def get_error_result_class(cls):
        return FileError

    def before_import(self, dataset, **kwargs):
        # A header that mixes ';' and ',' reads as a few columns named "code;title;…": say so, not only which
        # columns are missing.
        if hint := separator_hint(dataset.headers or ()):
            raise ValueError(hint[:1].upper() + hint[1:] + ".")
        super().before_import(dataset, **kwargs)

    def before_import_row(self, row, **kwargs):
        # PostgreSQL refuses text holding a NUL character, even to look a row up by it: refuse the cell first.
        message = _("Remove the NUL character (\\x00): text cannot hold it.")
        bad = [column for column, value in row.items() if isinstance(value, str) and "\x00" in value]
        if bad:
            raise ValidationError(dict.fromkeys(bad, message))
        super().before_import_row(row, **kwargs)

    def save_instance(self, instance, is_create, row, **kwargs):
        # Every row through its record's one door, as the user importing the file; import-export's own save would
        # skip the permission, version and event rules.
        self.before_save_instance(instance, row, **kwargs)
        if self._is_using_transactions(kwargs) or not self._is_dry_run(kwargs):
            self.write(instance, is_create, kwargs["user"])
        self.after_save_instance(instance, row, **kwargs)

    def write(self, instance, is_create, user):
        records.save(instance, by=user, expected_version=None if is_create else instance.version)

    def get_instance(self, instance_loader, row):
        # An unknown code in an identifying column means "no such row yet"; the same column's field
        # validation then reports the code as a row error instead of an unexplained crash.
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            return None


class ObservationResource(TrackerResource):
    indicator = _code_field("indicator", TradeIndicator, "code")
    value = fields.Field(attribute="value", column_name="value", widget=AmountWidget())
    qualifier = fields.Field(
        attribute="qualifier", column_name="qualifier", widget=ChoiceWidget(Qualifier, Qualifier.EXACT)
    )
    # Exported so a file shows which figures are derived, never imported: derived figures follow their inputs
    # (tracker.domain.derived), and a row for one is refused as the API and the import command refuse it.
    is_derived = fields.Field(attribute="is_derived", column_name="is_derived", readonly=True)
    formula = fields.Field(attribute="formula", column_name="formula", readonly=True)
    source = _code_field("source", Source, "key")

    def write(self, instance, is_create, user):
        # One row of the bulk upsert: the same rules, refusals and events as the API's PUT and the import command.
        row = {
            "period": instance.period,
            "value": str(instance.value),
            "qualifier": str(instance.qualifier),  # a model default is the enum member
            "source": instance.source.key if instance.source_id else None,
            "note": instance.note,
        }
        try:
            observations.upsert_observations(instance.indicator, [row], by=user)
        except InvalidRows as invalid:
            raise ValidationError(invalid.errors["0"]) from None
        stored = Observation.objects.filter(indicator=instance.indicator, period=instance.period)
        instance.pk, instance.version = stored.values_list("pk", "version").get()

    class Meta:
        model = Observation
        fields = (
            "indicator",
            "period",
            "value",
            "qualifier",
            "is_derived",
            "formula",
            "note",
            "source",
            "source_detail",
        )
        import_id_fields = ("indicator", "period")
        clean_model_instances = True  # runs Observation.clean: the period must fit the indicator's frequency
        skip_unchanged = True
        report_skipped = True


class InitiativeResource(TrackerResource):
    area = _code_field("area", Area, "code")
    partner_region = _code_field("partner_region", Region, "code")
    owner = _code_field("owner", get_user_model(), "username")
    source = _code_field("source", Source, "key")
    priority = fields.Field(
        attribute="priority", column_name="priority", widget=ChoiceWidget(Priority, Priority.MEDIUM)
    )
    visibility = fields.Field(
        attribute="visibility", column_name="visibility", widget=ChoiceWidget(Visibility, Visibility.INTERNAL)
    )
    # Exported so a file shows where each initiative stands, never imported: status and health change
    # only through tracker.domain.workflow, and the version only by saving.
    status = fields.Field(attribute="status", column_name="status", readonly=True)
    health = fields.Field(attribute="health", column_name="health", readonly=True)
    health_reason = fields.Field(attribute="health_reason", column_name="health_reason", readonly=True)
    version = fields.Field(attribute="version", column_name="version", readonly=True, widget=widgets.IntegerWidget())

    class Meta:
        model = Initiative
        fields = (
            "code",
            "title",
            "summary",
            "area",
            "partner_region",
            "priority",
            "owner",
            "visibility",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "source",
            "source_detail",
            "status",
            "health",
            "health_reason",
            "version",
        )
        import_id_fields = ("code",)
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

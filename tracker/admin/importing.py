"""CSV/XLSX import and export in the admin (django-import-export), all or nothing.

The import is two steps: the upload is tried in a transaction that is always rolled back and shown as a
preview with every row's errors; only a file without errors offers "Confirm import". The confirmed
import runs in one transaction again and is rolled back if any row fails, so a bad row writes nothing.
"""

import tablib
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX

from tracker.data.spreadsheets import BOM, decimal_point, delimiter_of, guarded

__all__ = ["SpreadsheetCSV", "TrackerImportExportMixin"]


class SpreadsheetCSV(CSV):
    """CSV as spreadsheet programs write and read it (tracker.data.spreadsheets): on import, ',' or ';' between fields,
    and with ';' a decimal comma in the number columns; on export, a byte-order mark."""

    NUMBER_COLUMNS = frozenset({"value"})

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes) and self.encoding:
            in_stream = in_stream.decode(self.encoding)
        delimiter = delimiter_of(in_stream.lstrip(BOM).partition("\n")[0].rstrip("\r"))
        dataset = super().create_dataset(in_stream, delimiter=delimiter, **kwargs)
        numbers = [i for i, name in enumerate(dataset.headers or ()) if name.strip().lower() in self.NUMBER_COLUMNS]
        if delimiter != ";" or not numbers:
            return dataset
        rows = [[decimal_point(cell) if i in numbers else cell for i, cell in enumerate(row)] for row in dataset]
        return tablib.Dataset(*rows, headers=dataset.headers)

    def export_data(self, dataset, **kwargs):
        return BOM + super().export_data(dataset, **kwargs)


class TrackerImportExportMixin(ImportExportMixin):
    formats = [SpreadsheetCSV, XLSX]
    import_error_display = ("message", "row")

    def get_data_for_export(self, request, queryset, **kwargs):
        # The formula guard on every text cell, for CSV and XLSX alike (openpyxl stores a text starting with '='
        # as a formula); numbers stay numbers.
        dataset = super().get_data_for_export(request, queryset, **kwargs)
        rows = [[guarded(cell) if isinstance(cell, str) else cell for cell in row] for row in dataset]
        return tablib.Dataset(*rows, headers=dataset.headers, title=dataset.title)

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        # import-export rolls back on exceptions by itself; this makes invalid rows roll back the file too.
        kwargs.setdefault("rollback_on_validation_errors", True)
        return kwargs

    def process_result(self, result, request):
        # Reached on confirm; the preview already refused bad files, but the data may have changed since.
        if result.has_errors() or result.has_validation_errors():
            messages.error(
                request, _("Nothing was imported: some rows have errors now. Upload the file again to see them.")
            )
            return HttpResponseRedirect(
                reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import", current_app=self.admin_site.name)
            )
        return super().process_result(result, request)

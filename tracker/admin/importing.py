"""CSV/XLSX import and export in the admin (django-import-export), all or nothing.

The import is two steps: the upload is tried in a transaction that is always rolled back and shown as a
preview with every row's errors; only a file without errors offers "Confirm import". The confirmed
import runs in one transaction again and is rolled back if any row fails, so a bad row writes nothing.
"""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX

__all__ = ["TrackerImportExportMixin"]


class TrackerImportExportMixin(ImportExportMixin):
    formats = [CSV, XLSX]
    import_error_display = ("message", "row")

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

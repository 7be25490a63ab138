from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = _("Cooperation tracker")

    def ready(self):
        from tracker import checks, signals  # noqa: F401  (connects the receivers, registers the checks)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = _("Cooperation tracker")

    def ready(self):
        # checks and signals register their checks and receivers when imported
        from tracker import checks, signals, timestamp_loader  # noqa: F401

        timestamp_loader.install()

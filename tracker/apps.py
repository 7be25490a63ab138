from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = _("Cooperation tracker")

    def ready(self):
        # checks and signals register their checks and receivers when imported
        from tracker import signals  # noqa: F401
        from tracker.api import keyring  # noqa: F401  (its receivers see every change to a key)
        from tracker.delivery import outbox
        from tracker.domain import events
        from tracker.ops import timestamp_loader

        timestamp_loader.install()
        events.on_events_written(outbox.wake_dispatcher)
        post_migrate.connect(_sync_roles, sender=self)


def _sync_roles(sender, apps=None, **kwargs):
    """The role groups and their permissions follow the models after every migrate, and come back after a
    database flush (as between transactional tests), which re-creates content types and permissions but runs no
    data migration."""
    from django.apps import apps as installed_apps

    from tracker.domain.roles import sync_roles

    sync_roles(apps or installed_apps)  # migrate passes its state's apps; flush none

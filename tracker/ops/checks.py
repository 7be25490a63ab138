"""System checks for the settings of notifications and webhooks that start-up cannot refuse outright."""

from django.conf import settings
from django.core import checks

__all__ = ["check_notification_settings"]


@checks.register("tracker")
def check_notification_settings(app_configs, **kwargs):
    if settings.DEBUG:
        return []
    problems = []
    if not settings.SITE_URL:
        problems.append(
            checks.Warning(
                "SITE_URL is not set: links in emails and webhook payloads will lack the address of this site.",
                hint="Set SITE_URL to the address people and partners reach it at, e.g. https://tracker.example.org.",
                id="tracker.W001",
            )
        )
    if settings.TASKS_BACKEND != "db":
        problems.append(
            checks.Warning(
                f"TASKS_BACKEND={settings.TASKS_BACKEND!r} runs webhooks inside web requests and never retries "
                "them on schedule.",
                hint="Use TASKS_BACKEND=db (the default) and run `manage.py db_worker` processes.",
                id="tracker.W002",
            )
        )
    return problems

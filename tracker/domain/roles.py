"""The groups that carry model permissions. Object-level rules (ownership) are in `tracker.domain.permissions`.

A migration calls `sync_roles`, so every database has these groups; a later migration that adds models
calls it again to grant their permissions.
"""

from tracker.domain.permissions import ANALYSTS, COORDINATORS, VIEWERS

__all__ = ["ROLE_PERMISSIONS", "sync_roles"]

_INITIATIVE_PARTS = ("initiative", "milestone", "participation", "initiativeindicator")
_TRADE = ("source", "commodity", "tradeindicator", "observation", "keycommodity", "initiativeindicator")

# Not for any group: webhooks and the dispatcher's bookkeeping are the administrators' (the admin shows them to
# superusers only); each user manages their own notification preferences and watches (tracker.admin.notifications).
NOT_FOR_ROLES = {
    "webhooksubscription",
    "historicalwebhooksubscription",
    "webhookdelivery",
    "webhookattempt",
    "dispatchcursor",
    "notification",
    "digestsent",
    "notificationpreference",
    "watch",
}

ROLE_PERMISSIONS = {
    VIEWERS: {"view"},
    # Coordinators may add and change these, but only where they own the initiative (tracker.domain.permissions).
    COORDINATORS: {"view"}
    | {f"{action}_{model}" for model in _INITIATIVE_PARTS for action in ("add", "change")}
    | {"delete_milestone", "delete_participation", "delete_initiativeindicator", "plan_meeting"},
    ANALYSTS: {"view"} | {f"{action}_{model}" for model in _TRADE for action in ("add", "change", "delete")},
}


def sync_roles(apps):
    """Create the groups and give each exactly its permissions ("view" means view every tracker model but those
    in NOT_FOR_ROLES)."""
    from django.contrib.auth.management import create_permissions

    tracker = apps.get_app_config("tracker")
    tracker.models_module = True  # create_permissions skips apps it believes have no models
    create_permissions(tracker, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    tracker_permissions = Permission.objects.filter(content_type__app_label="tracker").exclude(
        content_type__model__in=NOT_FOR_ROLES
    )
    for name, wanted in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        chosen = [
            permission
            for permission in tracker_permissions
            if permission.codename in wanted or ("view" in wanted and permission.codename.startswith("view_"))
        ]
        group.permissions.set(chosen)

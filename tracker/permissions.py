"""Who may do what to which object. The admin, the API, the pages and the workflow all ask here.

Model permissions (from the groups below) say what kind of object a user may change; the object-level
rules here add that a coordinator changes only the initiatives they own, and what hangs off them.
"""

__all__ = [
    "ANALYSTS",
    "COORDINATORS",
    "VIEWERS",
    "can_change_any_initiative",
    "can_change_initiative",
    "can_change_part",
    "can_reopen",
]

COORDINATORS = "Coordinators"
ANALYSTS = "Analysts"
VIEWERS = "Viewers"


def _is_system(actor):
    return getattr(actor, "is_system", False)


def _is_active_user(actor):
    return getattr(actor, "is_authenticated", False) and getattr(actor, "is_active", False)


def can_change_any_initiative(actor):
    if _is_system(actor):
        return True
    return _is_active_user(actor) and (actor.is_superuser or actor.has_perm("tracker.change_any_initiative"))


def can_change_initiative(actor, initiative):
    """The owner with change rights, or someone allowed to change any initiative."""
    if can_change_any_initiative(actor):
        return True
    return (
        _is_active_user(actor)
        and actor.has_perm("tracker.change_initiative")
        and initiative.owner_id is not None
        and initiative.owner_id == actor.pk
    )


def can_reopen(actor):
    """Completed and cancelled are final; only an administrator may reopen one (with a reason)."""
    if _is_system(actor):
        return True
    return _is_active_user(actor) and (actor.is_superuser or actor.has_perm("tracker.reopen_initiative"))


def can_change_part(actor, part):
    """A milestone, participation or indicator link of an initiative: its model permission plus the
    initiative's ownership; analysts may link trade series to any initiative."""
    if _is_system(actor):
        return True
    if not _is_active_user(actor) or not actor.has_perm(f"tracker.change_{part._meta.model_name}"):
        return False
    if part._meta.model_name == "initiativeindicator" and actor.has_perm("tracker.change_tradeindicator"):
        return True
    return can_change_initiative(actor, part.initiative)

"""DRF permission classes; every object-level rule is asked of tracker.domain.permissions."""

from rest_framework import permissions as drf

from tracker.domain.actors import is_api_key

_ACTION_PERMISSION = {"POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete"}


class TrackerAccess(drf.BasePermission):
    """Reads for every signed-in user and key; writes need the model permission (users) or write scope
    (keys), and then the object-level rule."""

    def has_permission(self, request, view):
        principal = request.user
        if not principal or not principal.is_authenticated:
            return False
        if request.method in drf.SAFE_METHODS:
            return True
        if getattr(view, "action", None) in getattr(view, "domain_checked_actions", ()):
            return True  # the domain function called by the action checks the object itself
        if is_api_key(principal):
            return principal.can_write
        codename = f"tracker.{_ACTION_PERMISSION[request.method]}_{view.queryset.model._meta.model_name}"
        return principal.has_perm(codename)

    def has_object_permission(self, request, view, obj):
        if request.method in drf.SAFE_METHODS:
            return True
        return view.may_change(request.user, obj)

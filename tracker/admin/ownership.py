"""Object-level rules in the admin: a coordinator changes only their own initiatives and what hangs off
them. The rules themselves are in tracker.domain.permissions; this module only asks them."""

from django.utils.translation import gettext_lazy as _

from tracker.admin.mixins import VersionedForm
from tracker.domain import permissions

__all__ = ["InitiativePartAdminMixin", "InitiativePartForm", "InitiativePartInlineMixin"]


class InitiativePartForm(VersionedForm):
    """A milestone, participation or indicator link may be attached only to an initiative the user may
    change, on the add form as on the change form."""

    acting_user = None  # set by InitiativePartAdminMixin.get_form

    def clean(self):
        cleaned = super().clean()
        initiative = cleaned.get("initiative")
        if initiative is not None and self.acting_user is not None:
            probe = self._meta.model(initiative=initiative)
            if not permissions.can_change_part(self.acting_user, probe):
                self.add_error("initiative", _("You may attach this only to an initiative you may change."))
        return cleaned


class InitiativePartAdminMixin:
    form = InitiativePartForm

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or permissions.can_change_part(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or permissions.can_change_part(request.user, obj))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.acting_user = request.user  # modelform_factory made this class for this request
        return form


class InitiativePartInlineMixin:
    """Inlines on an initiative: editable only where the initiative itself is (`obj` is the initiative)."""

    def _initiative_changeable(self, request, obj):
        return obj is None or permissions.can_change_initiative(request.user, obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._initiative_changeable(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._initiative_changeable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._initiative_changeable(request, obj)

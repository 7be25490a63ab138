"""Notification preferences and watched initiatives: every staff user manages their own (administrators see
everyone's); the log of notifications and digests sent is for administrators."""

from django import forms
from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tracker.middleware import language
from tracker.models import DigestSent, Initiative, Notification, NotificationPreference, Watch

__all__ = ["DigestSentAdmin", "NotificationAdmin", "NotificationPreferenceAdmin", "WatchAdmin"]


def _is_admin(request):
    return request.user.is_active and request.user.is_superuser


def _is_staff(request):
    return request.user.is_active and request.user.is_staff


class OwnRowsOnly:
    """Rows that belong to a user (`user`): each staff user sees and changes only their own, whatever their
    group; administrators see all."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("user")
        return queryset if _is_admin(request) else queryset.filter(user=request.user)

    def has_module_permission(self, request):
        return _is_staff(request)

    def has_view_permission(self, request, obj=None):
        return _is_staff(request) and (obj is None or _is_admin(request) or obj.user_id == request.user.pk)

    def has_add_permission(self, request, *args):
        return _is_staff(request)

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return fields if _is_admin(request) else [name for name in fields if name != "user"]

    def save_model(self, request, obj, form, change):
        if not _is_admin(request) or obj.user_id is None:
            obj.user = request.user
        super().save_model(request, obj, form, change)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(OwnRowsOnly, admin.ModelAdmin):
    list_display = ("user", "transitions", "health", "digest", "language")
    list_filter = ("transitions", "health", "digest", "language")
    search_fields = ("user__username", "user__email")
    fields = ("user", "transitions", "health", "digest", "language")

    def changelist_view(self, request, extra_context=None):
        """Anyone but an administrator has one row, their own: go straight to it."""
        if _is_admin(request):
            return super().changelist_view(request, extra_context)
        preference, _created = NotificationPreference.objects.get_or_create(user=request.user)
        return redirect(reverse("admin:tracker_notificationpreference_change", args=[preference.pk]))

    def has_add_permission(self, request, *args):
        return _is_admin(request)  # everyone else's row is made for them (changelist_view)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.user_id == request.user.pk:
            language.remember(request, obj.language)  # the pages follow at once, not from the next sign-in

    def has_delete_permission(self, request, obj=None):
        return _is_admin(request)


class WatchForm(forms.ModelForm):
    initiative = forms.ModelChoiceField(label=_("initiative"), queryset=Initiative.objects.order_by("code"))

    class Meta:
        model = Watch
        fields = ["user", "initiative"]

    def validate_unique(self):
        # The user is set after validation for non-administrators; check (user, initiative) here for them too.
        super().validate_unique()
        user = self.instance.user if self.instance.user_id else getattr(self, "current_user", None)
        initiative = self.cleaned_data.get("initiative")
        if user is not None and initiative is not None:
            others = Watch.objects.filter(user=user, initiative=initiative).exclude(pk=self.instance.pk)
            if others.exists():
                self.add_error("initiative", _("You watch this initiative already."))


@admin.register(Watch)
class WatchAdmin(OwnRowsOnly, admin.ModelAdmin):
    form = WatchForm
    list_display = ("initiative", "user", "created_at")
    list_select_related = ("initiative", "user")
    search_fields = ("initiative__code", "initiative__title", "user__username")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.current_user = request.user
        return form


class ReadOnlyLog:
    def has_module_permission(self, request):
        return _is_admin(request)

    def has_view_permission(self, request, obj=None):
        return _is_admin(request)

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyLog, admin.ModelAdmin):
    list_display = ("created_at", "user", "kind", "event", "status", "attempts", "sent_at")
    list_filter = ("status", "kind")
    list_select_related = ("user", "event")
    search_fields = ("user__username", "event__object_key")
    fields = ("user", "event", "kind", "status", "attempts", "next_attempt_at", "sent_at", "last_error", "created_at")
    readonly_fields = fields


@admin.register(DigestSent)
class DigestSentAdmin(ReadOnlyLog, admin.ModelAdmin):
    list_display = ("date", "user", "items", "sent_at")
    list_filter = ("date",)
    list_select_related = ("user",)
    search_fields = ("user__username",)

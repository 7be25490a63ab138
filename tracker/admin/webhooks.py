"""Webhook subscriptions, their deliveries and every attempt, for administrators (superusers) only.

A subscription's secret is shown once, when it is created or rotated, in the confirmation message; lists and
forms never show it. A delivery can be sent again ("Redeliver"), with the same delivery id, so a receiver
that did get it can still tell.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from tracker.admin.display import badge
from tracker.delivery import webhooks
from tracker.domain.choices import DeliveryStatus
from tracker.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from tracker.models.webhooks import ALL_EVENTS, event_names

__all__ = ["WebhookDeliveryAdmin", "WebhookSubscriptionAdmin"]


class SuperusersOnly:
    """Webhooks reach partner systems with a shared secret: administrators manage them, nobody else sees them."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request, *args):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


def _event_choices():
    names = event_names()
    types = sorted({name.split(".", 1)[0] for name in names})
    return [
        (ALL_EVENTS, _("every event")),
        *((f"{kind}.*", f"{kind}.*") for kind in types),
        *((name, name) for name in names),
    ]


class WebhookSubscriptionForm(forms.ModelForm):
    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        assume_scheme="https",
        help_text=WebhookSubscription._meta.get_field("url").help_text,
    )
    events = forms.MultipleChoiceField(
        label=_("events"),
        choices=_event_choices,
        widget=FilteredSelectMultiple(_("events"), is_stacked=False),
        help_text=WebhookSubscription._meta.get_field("events").help_text,
    )

    class Meta:
        model = WebhookSubscription
        fields = ["name", "api_key", "url", "events", "region", "enabled", "max_failures"]


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(SuperusersOnly, SimpleHistoryAdmin):
    form = WebhookSubscriptionForm
    list_display = ("__str__", "api_key", "event_list", "region", "enabled", "consecutive_failures", "deliveries")
    list_filter = ("enabled", "api_key", "region")
    list_select_related = ("api_key", "region")
    search_fields = ("name", "url", "api_key__name")
    readonly_fields = ("consecutive_failures", "disabled_at", "disabled_reason", "created_by", "created_at")
    fieldsets = [
        (None, {"fields": ["name", "api_key", "url", "events", "region"]}),
        (
            _("State"),
            {
                "fields": [
                    "enabled",
                    "max_failures",
                    "consecutive_failures",
                    "disabled_at",
                    "disabled_reason",
                    "created_by",
                    "created_at",
                ]
            },
        ),
    ]
    actions = ["enable_subscriptions", "rotate_secrets"]

    @admin.display(description=_("events"))
    def event_list(self, subscription):
        return ", ".join(subscription.events)

    @admin.display(description=_("deliveries"))
    def deliveries(self, subscription):
        url = reverse("admin:tracker_webhookdelivery_changelist") + f"?subscription__id__exact={subscription.pk}"
        return format_html('<a href="{}">{}</a>', url, _("deliveries"))

    def save_model(self, request, obj, form, change):
        adding = not change
        if adding:
            obj.created_by = request.user
        elif "enabled" in form.changed_data and obj.enabled:
            obj.enable()  # enabled again by hand: the failures that disabled it are forgotten
        super().save_model(request, obj, form, change)
        if adding:
            _show_secret_once(request, obj)

    @admin.action(description=_("Enable and reset the failure count"))
    def enable_subscriptions(self, request, queryset):
        for subscription in queryset:
            subscription.enable()
            subscription.save()
        self.message_user(request, _("Enabled; deliveries that gave up can be sent again from the deliveries list."))

    @admin.action(description=_("Rotate the secret (shown once)"))
    def rotate_secrets(self, request, queryset):
        for subscription in queryset:
            with transaction.atomic():
                subscription.rotate_secret()
            _show_secret_once(request, subscription)


def _show_secret_once(request, subscription):
    messages.warning(
        request,
        format_html(
            "{} <code>{}</code>",
            _("Signing secret of “%(subscription)s”; copy it now, it is not shown again:")
            % {"subscription": subscription},
            subscription.secret,
        ),
    )


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    fields = ("number", "started_at", "duration_ms", "status_code", "error", "response_excerpt")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(SuperusersOnly, admin.ModelAdmin):
    list_display = (
        "delivery_id",
        "subscription",
        "event_name",
        "object_key",
        "status_badge",
        "attempts",
        "next_attempt_at",
        "last_attempt_at",
    )
    list_filter = ("status", "subscription")
    list_select_related = ("subscription", "event")
    search_fields = ("=delivery_id", "event__object_key", "event__name")
    fields = (
        "delivery_id",
        "subscription",
        "event",
        "status",
        "attempts",
        "attempt_limit",
        "next_attempt_at",
        "last_attempt_at",
        "created_at",
    )
    readonly_fields = fields
    inlines = [WebhookAttemptInline]
    actions = ["redeliver"]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("event"), ordering="event__name")
    def event_name(self, delivery):
        return delivery.event.name

    @admin.display(description=_("object"), ordering="event__object_key")
    def object_key(self, delivery):
        return delivery.event.object_key

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, delivery):
        status = DeliveryStatus(delivery.status)
        return badge(status.label, status.colour)

    @admin.action(description=_("Redeliver (same delivery id)"))
    def redeliver(self, request, queryset):
        queued, skipped = webhooks.redeliver(queryset)
        if queued:
            self.message_user(
                request,
                ngettext("%(count)d delivery queued again.", "%(count)d deliveries queued again.", queued)
                % {"count": queued},
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d delivery belongs to a disabled subscription; enable it first.",
                    "%(count)d deliveries belong to disabled subscriptions; enable them first.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )

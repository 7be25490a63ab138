"""`/api/v1/webhooks/`: a write key manages its own webhook subscriptions (tracker.delivery.webhooks sends them).

A key sees only the subscriptions it created, and they are sent only what the key may read. The signing
secret is in the answer to the POST that creates a subscription (and to `rotate-secret/`), and never again.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions as drf
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from tracker.api.serializers import CodeField, ModelSerializer, StrictFields
from tracker.api.views import TrackerViewMixin, _both_ways
from tracker.domain.actors import is_api_key
from tracker.models import Region, WebhookSubscription
from tracker.models.webhooks import validate_event_patterns

__all__ = ["WebhookSerializer", "WebhookViewSet"]

MAX_FAILURES_LIMIT = 100


class WebhookSerializer(StrictFields, ModelSerializer):
    """A webhook subscription of the key: where deliveries go, for which events and region."""

    events = serializers.ListField(
        child=serializers.CharField(max_length=60),
        min_length=1,
        help_text="Event names such as `initiative.transitioned`, `initiative.*` for every event of a kind, "
        "or `*` for all.",
    )
    region = CodeField(
        slug_field="code",
        queryset=Region.objects.all(),
        allow_null=True,
        required=False,
        help_text="Send only events about this partner region (ISO code).",
    )
    max_failures = serializers.IntegerField(
        min_value=1,
        max_value=MAX_FAILURES_LIMIT,
        required=False,
        help_text="Consecutive failed attempts after which the subscription is disabled.",
    )

    class Meta:
        model = WebhookSubscription
        fields = [
            "id",
            "name",
            "url",
            "events",
            "region",
            "enabled",
            "max_failures",
            "consecutive_failures",
            "disabled_at",
            "disabled_reason",
            "created_at",
        ]
        read_only_fields = ["consecutive_failures", "disabled_at", "disabled_reason", "created_at"]

    def validate_events(self, events):
        from django.core.exceptions import ValidationError

        try:
            validate_event_patterns(events)
        except ValidationError as error:
            raise serializers.ValidationError(error.messages) from None
        return list(dict.fromkeys(events))

    def validate_region(self, region):
        key_region = getattr(self.context["request"].user, "region_id", None)
        if key_region and region is not None and region.pk != key_region:
            raise serializers.ValidationError(_("This key sees only its own region; choose it or none."))
        return region


class WebhookCreatedSerializer(WebhookSerializer):
    secret = serializers.CharField(
        read_only=True,
        help_text="Key of the HMAC-SHA256 in X-Tracker-Signature-256. Shown this once: store it now.",
    )

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]


_SECRET = inline_serializer("WebhookSecret", {"secret": serializers.CharField()})


class WriteKeysOnly(drf.BasePermission):
    """Webhooks belong to API keys with write scope; people manage them in the admin."""

    message = gettext_lazy("Only API keys with write scope manage webhooks here; administrators use the admin.")

    def has_permission(self, request, view):
        principal = request.user
        return bool(is_api_key(principal) and principal.is_active and principal.can_write)


class WebhookViewSet(TrackerViewMixin, viewsets.ModelViewSet):
    """The calling key's webhook subscriptions."""

    queryset = WebhookSubscription.objects.select_related("region")
    serializer_class = WebhookSerializer
    permission_classes = [WriteKeysOnly]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    default_ordering = "created"
    ordering_keys = _both_ways("created", ["created_at", "id"])

    def get_queryset(self):
        return super().get_queryset().filter(api_key_id=getattr(self.principal, "pk", None))

    @extend_schema(responses={201: WebhookCreatedSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        subscription = serializer.save(api_key=self.principal)
        return Response(WebhookCreatedSerializer(subscription, context=self.get_serializer_context()).data, 201)

    def perform_update(self, serializer):
        subscription = serializer.instance
        if serializer.validated_data.get("enabled") and not subscription.enabled:
            subscription.enable()  # enabled again: the failures that disabled it are forgotten
        serializer.save()

    @extend_schema(
        summary="Rotate a subscription's secret",
        request=None,
        responses={200: _SECRET},
        description="Replace the signing secret; shown once. Deliveries carry signatures by both the new and the "
        "previous secret for WEBHOOK_SECRET_OVERLAP_HOURS (24 by default).",
    )
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        subscription = self.get_object()
        return Response({"secret": subscription.rotate_secret()}, status=status.HTTP_200_OK)

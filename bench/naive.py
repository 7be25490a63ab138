"""The naive peer: the initiatives list as most teams would first write it with DRF.

A ModelViewSet, nested ModelSerializers for each related object, page-number pagination and django-filter's
`filterset_fields`, on the same models, authentication and visibility rule as the real API. It does follow the
one piece of advice every DRF guide gives (select_related for the nested objects): without it the page costs
about 250 queries and the comparison would only measure that well-known mistake, not what the project's own
list path saves (serializer machinery, COUNT(*) of page numbers, per-field work).
"""

from django.contrib.auth import get_user_model
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import filters, serializers, viewsets
from rest_framework.pagination import PageNumberPagination

from tracker import models
from tracker.api.auth import BearerKeyAuthentication
from tracker.domain import permissions


class AreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.Area
        fields = ["code", "name"]


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.Region
        fields = ["code", "name"]


class OwnerSerializer(serializers.ModelSerializer):
    class Meta:
        model = get_user_model()
        fields = ["username", "first_name", "last_name"]


class MeetingSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.Meeting
        fields = ["id", "title", "date", "place"]


class SourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.Source
        fields = ["key", "publisher", "title"]


class NaiveInitiativeSerializer(serializers.ModelSerializer):
    area = AreaSerializer()
    partner_region = RegionSerializer()
    owner = OwnerSerializer()
    origin = MeetingSerializer()
    source = SourceSerializer()

    class Meta:
        model = models.Initiative
        fields = [
            "code",
            "title",
            "summary",
            "area",
            "partner_region",
            "status",
            "health",
            "health_reason",
            "priority",
            "owner",
            "visibility",
            "origin",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "source",
            "source_detail",
            "version",
            "created_at",
            "updated_at",
        ]


class NaivePagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"  # lets the bench count queries at 10 and 50 rows, as for the API


class NaiveInitiativeViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = models.Initiative.objects.select_related("area", "partner_region", "owner", "origin", "source")
    serializer_class = NaiveInitiativeSerializer
    authentication_classes = [BearerKeyAuthentication]
    pagination_class = NaivePagination
    filter_backends = [DjangoFilterBackend, filters.OrderingFilter]
    filterset_fields = ["status"]
    ordering_fields = ["code", "updated_at"]
    lookup_field = "code"

    def get_queryset(self):
        # The same rows the real API shows this principal (a key sees only initiatives shared with partners).
        return permissions.visible_initiatives(self.request.user, super().get_queryset())

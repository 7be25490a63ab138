"""API v1 views. Each viewset names its queryset, serializer, filters and orderings. What a principal may see is
applied once, in the base view (permissions.restrict); writes go through the domain services
(tracker.domain.initiatives, tracker.domain.workflow, tracker.domain.observations), which hold the rules."""

import datetime
import functools

from django.db.models import Prefetch, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from tracker import models
from tracker.api import fast, filters, renderers, serializers
from tracker.api import languages as api_languages
from tracker.api.access import TrackerAccess
from tracker.api.concurrency import VersionedMixin, etag_of, expected_version, not_modified
from tracker.api.errors import PROBLEM_CONTENT_TYPE, CannotMakeHere, ContentTooLarge
from tracker.api.parameters import whole_number_parameter
from tracker.data import exports
from tracker.documents import formats, pdf, word
from tracker.domain import initiatives, meeting_file, observations, permissions, trade, workflow
from tracker.domain.actors import is_api_key
from tracker.domain.choices import Flow
from tracker.domain.context import acting_as

_FAR_FUTURE = datetime.date(9999, 12, 31)


def _both_ways(name, fields):
    """Ordering keys `name` and `-name` over `fields` (the last one unique)."""
    return {name: [(f, False) for f in fields], f"-{name}": [(f, True) for f in fields]}


UPDATED_ORDER = _both_ways("updated", ["updated_at", "id"])


def _planned_end_key():
    """The planned end as an order key: initiatives without one come last (after every date)."""
    return Coalesce("planned_end", Value(_FAR_FUTURE))


class TrackerViewMixin:
    """Common to every API view: access rules, errors as problem+json whatever the Accept header, and the
    principal recorded as the actor of every change made while serving the request."""

    permission_classes = [TrackerAccess]
    default_ordering = "updated"
    ordering_keys = UPDATED_ORDER

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if getattr(request, "key_changed", False):
            # The key was kept from an earlier request and has changed since (tracker/api/keyring.py): as it is now,
            # from the database, it may be refused, or may no longer do this.
            request._authenticate()
            self.check_permissions(request)
        # For the access log, which sees the Django request only (tracker.middleware.request_id).
        request._request.tracker_principal = request.user
        self._acting = acting_as(request.user)
        self._acting.__enter__()
        # Times in UTC (written with Z) whatever the installation's zone, as webhook bodies have them; a time
        # given without an offset (?updated_since=) is read as UTC too.
        self._zone = timezone.override(datetime.UTC)
        self._zone.__enter__()
        # Texts in the language asked for (tracker/api/languages.py); a bad body language is refused before any read.
        self._language = translation.override(api_languages.response_language(request))
        self._language.__enter__()
        api_languages.body_language(request)

    def finalize_response(self, request, response, *args, **kwargs):
        if getattr(self, "_acting", None) is not None:
            self._acting.__exit__(None, None, None)
            self._acting = None
        if getattr(self, "_zone", None) is not None:
            self._zone.__exit__(None, None, None)
            self._zone = None
        if getattr(self, "_language", None) is not None:
            response["Content-Language"] = translation.get_language()
            self._language.__exit__(None, None, None)
            self._language = None
        if response.status_code >= 400 and getattr(response, "content_type", None) == PROBLEM_CONTENT_TYPE:
            from rest_framework.renderers import JSONRenderer

            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = PROBLEM_CONTENT_TYPE
        return super().finalize_response(request, response, *args, **kwargs)

    @property
    def principal(self):
        return self.request.user

    def get_queryset(self):
        # What the principal may see, applied once here for every list and detail (tracker.domain.permissions).
        return permissions.restrict(super().get_queryset(), self.principal)


class ReadOnlyViewSet(TrackerViewMixin, viewsets.ReadOnlyModelViewSet):
    pass


class RegionViewSet(ReadOnlyViewSet):
    queryset = models.Region.objects.select_related("parent")
    serializer_class = serializers.RegionSerializer
    lookup_field = "code"
    filterset_class = filters.UpdatedSinceFilter
    ordering_keys = {**UPDATED_ORDER, **_both_ways("code", ["code"])}

    @extend_schema(
        summary="Trade with a partner region",
        parameters=[
            OpenApiParameter(
                "year",
                {"type": "integer", "minimum": 1900, "maximum": 2200},
                description="The year of the top commodities (default: the latest year with figures).",
            )
        ],
        responses={200: serializers.TradeSummarySerializer},
        description="Trade with this partner summed over its commodity-level series: exports, imports, turnover "
        "and balance by year, and the top 10 commodities of a year by turnover. Two queries whatever the size.",
        filters=False,
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def trade(self, request, code=None):
        partner = self.get_object()
        if not permissions.can_see_trade_with(self.principal, partner):
            raise exceptions.NotFound()
        year = whole_number_parameter(request, "year", None, 1900, 2200)
        summary = trade.commodity_summary(partner.pk, year)
        data = {"partner": partner, **vars(summary)}
        return Response(serializers.TradeSummarySerializer(data).data)


class AreaViewSet(ReadOnlyViewSet):
    queryset = models.Area.objects.all()
    serializer_class = serializers.AreaSerializer
    lookup_field = "code"
    filterset_class = filters.UpdatedSinceFilter
    ordering_keys = {**UPDATED_ORDER, **_both_ways("code", ["code"])}


class OrganisationViewSet(ReadOnlyViewSet):
    queryset = models.Organisation.objects.select_related("region")
    serializer_class = serializers.OrganisationSerializer
    filterset_class = filters.UpdatedSinceFilter


class MeetingViewSet(ReadOnlyViewSet):
    queryset = models.Meeting.objects.select_related("partner_region", "source")
    serializer_class = serializers.MeetingSerializer
    filterset_class = filters.UpdatedSinceFilter
    ordering_keys = {**UPDATED_ORDER, **_both_ways("date", ["date", "id"])}

    def get_queryset(self):
        # The file reads its initiatives in full; the list and the detail show their codes.
        return with_seen_initiatives(super().get_queryset(), self.principal, codes=self.action != "file")

    @extend_schema(
        summary="The meeting file as a document",
        parameters=[
            OpenApiParameter("extension", str, OpenApiParameter.PATH, enum=list(formats.FORMATS)),
        ],
        responses={
            (200, pdf.CONTENT_TYPE): OpenApiTypes.BINARY,
            (200, word.CONTENT_TYPE): OpenApiTypes.BINARY,
        },
        description="The meeting file for archiving, as the meeting page offers it: cover, agenda, each "
        "initiative's status and health with the reasons, changes since the previous meeting with the partner, "
        "deadlines due before the next one, overdue items, trade figures (chart and table) and sources, in the "
        "language of `lang` or Accept-Language. Only what the key may see is in it. 503 (problem+json) says what "
        "the server lacks when it cannot make a PDF.",
        filters=False,
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"file\.(?P<extension>docx|pdf)",
        pagination_class=None,
        filterset_class=None,
        renderer_classes=[*api_settings.DEFAULT_RENDERER_CLASSES, renderers.DocumentRenderer, renderers.WordRenderer],
    )
    def file(self, request, pk=None, extension=None):
        meeting = self.get_object()
        reason = formats.unavailable(extension)
        if reason:
            raise CannotMakeHere(reason)
        return formats.render(meeting_file.for_meeting(self.principal, meeting), extension).response()


class ApiRootView(TrackerViewMixin, generics.GenericAPIView):
    """GET /api/v1/: who the key is and where every resource is. A partner's first call, and a check that its key
    works, costing no more than authentication and the rate check (one query for a key, two for a region-bound
    one)."""

    pagination_class = None
    filter_backends = []

    @extend_schema(
        summary="Who you are, and where everything is",
        responses={200: serializers.ApiRootSerializer},
        description="The principal the request was made as (a key's name, whether it may write, its region and "
        "expiry) and the address of every resource. Answers 401 for a key that does not work.",
    )
    def get(self, request, *args, **kwargs):
        links = {name: request.build_absolute_uri(path) for name, path in _root_paths().items()}
        return Response({"version": "1", "principal": _principal(self.principal), "links": links})


@functools.cache
def _root_paths():
    """The resources' paths, reversed once per process: a dozen reverse() calls cost more than the rest."""
    names = {
        "initiatives": "api:initiative-list",
        "milestones": "api:milestone-list",
        "participations": "api:participation-list",
        "indicator_links": "api:indicator-link-list",
        "meetings": "api:meeting-list",
        "organisations": "api:organisation-list",
        "regions": "api:region-list",
        "areas": "api:area-list",
        "indicators": "api:indicator-list",
        "changes": "api:changes",
        "webhooks": "api:webhook-list",
        "schema": "api-schema",
        "docs": "api-docs",
    }
    return {name: reverse(url_name) for name, url_name in names.items()}


def _principal(principal):
    if is_api_key(principal):
        region = principal.region.code if principal.region_id else None
        return {
            "kind": "key",
            "name": principal.name,
            "can_write": principal.can_write,
            "region": region,
            "expires_at": principal.expires_at,
        }
    return {
        "kind": "user",
        "name": principal.get_username(),
        "can_write": principal.has_perm("tracker.change_initiative"),
        "region": None,
        "expires_at": None,
    }


def with_seen_initiatives(meetings, principal, *, codes=False):
    """Meetings with only the initiatives `principal` may see: a key never learns an internal one's code. With
    `codes`, the initiatives are read as far as a meeting's representation shows them: id and code."""
    seen = permissions.restrict(models.Initiative.objects.all(), principal)
    if codes:
        seen = seen.only("id", "code")
    return meetings.prefetch_related(Prefetch("initiatives", queryset=seen))


class IndicatorViewSet(ReadOnlyViewSet):
    queryset = models.TradeIndicator.objects.select_related("reporter", "partner", "commodity")
    serializer_class = serializers.IndicatorSerializer
    lookup_field = "code"
    filterset_class = filters.IndicatorFilter
    ordering_keys = {**UPDATED_ORDER, **_both_ways("code", ["code"])}


class InitiativeViewSet(TrackerViewMixin, VersionedMixin, viewsets.ModelViewSet):
    """Initiatives by code. Status and health change only through `transitions/`."""

    queryset = models.Initiative.objects.select_related("area", "partner_region", "owner", "origin", "source")
    # The JSON list's rows, set up once like `queryset` and copied by every request (setting up .values() over
    # these 32 fields took longer than running the page's query; bench/RESULTS.md, "Gains"). The fields name each
    # language's column (title_ru, title_en), so modeltranslation's rewriting of lookups is off (`rewrite(False)`).
    list_rows = (
        models.Initiative.objects.rewrite(False)
        .annotate(planned_end_key=_planned_end_key())
        .values(*fast.INITIATIVE_FIELDS, "planned_end_key")
    )
    serializer_class = serializers.InitiativeSerializer
    lookup_field = "code"
    filterset_class = filters.InitiativeFilter
    ordering_keys = {
        **UPDATED_ORDER,
        **_both_ways("code", ["code"]),
        **_both_ways("planned_end", ["planned_end_key", "id"]),
    }
    domain_checked_actions = ("transitions",)

    def get_queryset(self):
        return super().get_queryset().annotate(planned_end_key=_planned_end_key())

    def may_change(self, principal, initiative):
        return permissions.can_change_initiative(principal, initiative)

    def create(self, request, *args, **kwargs):
        initiatives.may_create(self.principal)  # before the body: "already exists" would reveal hidden codes
        return super().create(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        if request.accepted_renderer.format != "json":  # the browsable API keeps the serializer path
            return super().list(request, *args, **kwargs)
        queryset = self.filter_queryset(self._rows())
        page = self.paginate_queryset(queryset)
        return fast.json_response({"next": self.paginator.next_link(), "results": fast.initiative_rows(page, request)})

    def retrieve(self, request, *args, **kwargs):
        # The same row and rendering as the list: building the serializer's fields and one model instance cost
        # more than the query (bench/RESULTS.md, "Gains").
        if request.accepted_renderer.format != "json":
            return super().retrieve(request, *args, **kwargs)
        rows = self._detail_rows(request, kwargs["code"])
        if not rows:
            raise exceptions.NotFound()
        row = rows[0]
        version = fast.Version(row["version"])
        if not_modified(request, version):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag_of(version)})
        response = fast.json_response(fast.initiative_rows([row], request)[0])
        response["ETag"] = etag_of(version)
        return response

    def _rows(self):
        return permissions.restrict(self.list_rows.all(), self.principal)

    # The detail's SQL, compiled once per restriction (tracker/api/fast.py); with filters given, as any query.
    _detail = fast.CompiledOnce()
    _UNFILTERED = frozenset({"lang", "format"})

    def _detail_rows(self, request, code):
        def build(value):
            return self.filter_queryset(self._rows()).filter(code=value)[:1]

        if set(request.query_params) <= self._UNFILTERED:
            return self._detail.rows(permissions.restriction_of(self.principal), build, code)
        return list(build(code))

    @extend_schema(
        summary="Move an initiative to another status",
        request=serializers.TransitionSerializer,
        responses={201: serializers.StatusUpdateSerializer},
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=False)],
        description="Move the initiative to another status (and optionally set its health). "
        "409 lists the transitions allowed from the current status.",
    )
    @action(detail=True, methods=["post"])
    def transitions(self, request, code=None):
        initiative = self.get_object()
        body = serializers.TransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        entry = workflow.transition(
            initiative,
            data["to"],
            by=self.principal,
            note=data["note"],
            health=data.get("health"),
            health_reason=data["health_reason"],
            expected_version=expected_version(request, initiative, required=False),
        )
        return Response(
            serializers.StatusUpdateSerializer(entry).data,
            status=status.HTTP_201_CREATED,
            headers={"ETag": etag_of(initiative)},
        )


class JournalView(TrackerViewMixin, generics.ListAPIView):
    """The journal of one initiative, newest first by default."""

    serializer_class = serializers.StatusUpdateSerializer
    queryset = models.StatusUpdate.objects.all()
    default_ordering = "-time"
    ordering_keys = _both_ways("time", ["created_at", "id"])

    def get_queryset(self):
        visible = permissions.restrict(models.Initiative.objects.all(), self.principal)
        initiative = get_object_or_404(visible, code=self.kwargs["code"])
        return models.StatusUpdate.objects.filter(initiative=initiative).select_related("initiative", "author")


class InitiativePartViewSet(TrackerViewMixin, VersionedMixin, viewsets.ModelViewSet):
    """Milestones, participations and indicator links: visible with their initiative, changed by its owner."""

    shown_by_code = ("initiative",)  # related rows a representation shows by their code alone

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action in ("list", "retrieve"):
            queryset = codes_only(queryset, *self.shown_by_code)
        return queryset

    def may_change(self, principal, part):
        return permissions.can_change_part(principal, part)


def codes_only(queryset, *relations):
    """`queryset` reading only the id and code of each of `relations` (its select_related rows): a representation
    that shows them by code would otherwise read, and build model instances of, every column of an initiative
    (about thirty, in two languages) for each row; that was most of a small page's cost (bench/RESULTS.md)."""
    deferred = []
    for relation in relations:
        related = queryset.model._meta.get_field(relation).related_model
        deferred += [f"{relation}__{f.name}" for f in related._meta.concrete_fields if f.name not in ("id", "code")]
    return queryset.defer(*deferred)


def _due_date_key():
    """The due date as an order key: milestones without one come last."""
    return Coalesce("due_date", Value(_FAR_FUTURE))


class MilestoneViewSet(InitiativePartViewSet):
    queryset = models.Milestone.objects.select_related("initiative", "responsible_organisation")
    # The JSON list's rows, as InitiativeViewSet.list_rows (tracker/api/fast.py).
    list_rows = (
        models.Milestone.objects.rewrite(False)
        .annotate(due_date_key=_due_date_key())
        .values(*fast.MILESTONE_FIELDS, "due_date_key")
    )
    serializer_class = serializers.MilestoneSerializer
    filterset_class = filters.MilestoneFilter
    ordering_keys = {**UPDATED_ORDER, **_both_ways("due_date", ["due_date_key", "id"])}

    def get_queryset(self):
        return super().get_queryset().annotate(due_date_key=_due_date_key())

    def list(self, request, *args, **kwargs):
        if request.accepted_renderer.format != "json":  # the browsable API keeps the serializer path
            return super().list(request, *args, **kwargs)
        rows = self.filter_queryset(permissions.restrict(self.list_rows.all(), self.principal))
        page = self.paginate_queryset(rows)
        return fast.json_response({"next": self.paginator.next_link(), "results": fast.milestone_rows(page)})


class ParticipationViewSet(InitiativePartViewSet):
    queryset = models.Participation.objects.select_related("initiative", "organisation")
    serializer_class = serializers.ParticipationSerializer
    filterset_class = filters.ParticipationFilter


class IndicatorLinkViewSet(InitiativePartViewSet):
    queryset = models.InitiativeIndicator.objects.select_related("initiative", "indicator")
    shown_by_code = ("initiative", "indicator")
    serializer_class = serializers.IndicatorLinkSerializer
    filterset_class = filters.IndicatorLinkFilter


class ObservationsView(TrackerViewMixin, mixins.ListModelMixin, generics.GenericAPIView):
    """The observations of one indicator: GET lists them by period; PUT upserts a list all-or-nothing."""

    serializer_class = serializers.ObservationSerializer
    queryset = models.Observation.objects.all()
    filterset_class = filters.ObservationFilter
    default_ordering = "period"
    ordering_keys = _both_ways("period", ["period_start", "id"])
    domain_checked_actions = ("bulk_upsert",)

    def get_indicator(self):
        visible = permissions.restrict(models.TradeIndicator.objects.all(), self.principal)
        return get_object_or_404(visible.select_related("reporter", "partner"), code=self.kwargs["code"])

    def get_queryset(self):
        return self.get_indicator().observations.select_related("source")

    @extend_schema(summary="List an indicator's figures")
    def get(self, request, *args, **kwargs):
        if request.accepted_renderer.format != "json":  # the browsable API keeps the serializer path
            return self.list(request, *args, **kwargs)
        # The same page from values() rows (tracker/api/fast.py); the indicator is looked up by id alone.
        visible = permissions.restrict(models.TradeIndicator.objects.all(), self.principal)
        indicator_id = visible.filter(code=self.kwargs["code"]).values_list("pk", flat=True).first()
        if indicator_id is None:
            raise exceptions.NotFound()
        rows = models.Observation.objects.filter(indicator_id=indicator_id).values(*fast.OBSERVATION_FIELDS)
        page = self.paginate_queryset(self.filter_queryset(rows))
        return fast.json_response({"next": self.paginator.next_link(), "results": fast.observation_rows(page)})

    @extend_schema(
        summary="Create or update an indicator's figures by period",
        request=serializers.ObservationInputSerializer(many=True),
        responses={200: serializers.UpsertResultSerializer},
        description="Create or update observations by period, all or nothing; a second identical PUT changes "
        "nothing. Rows with errors are listed by number under `errors.rows`.",
    )
    def put(self, request, *args, **kwargs):
        self.action = "bulk_upsert"
        indicator = self.get_indicator()
        rows = request.data
        if not isinstance(rows, list):
            raise exceptions.ValidationError({"non_field_errors": [_("Send a JSON array of observations.")]})
        limit = self.bulk_limit()
        if len(rows) > limit:
            raise ContentTooLarge(
                _("%(count)s observations sent; at most %(limit)s are accepted per request. Send them in parts.")
                % {"count": len(rows), "limit": limit}
            )
        if not all(isinstance(row, dict) for row in rows):
            raise exceptions.ValidationError({"non_field_errors": [_("Every item must be a JSON object.")]})
        result = observations.upsert_observations(indicator, rows, by=self.principal)
        return Response(result.as_dict())

    @staticmethod
    def bulk_limit():
        from django.conf import settings

        return settings.API_MAX_BULK_OBSERVATIONS


class ObservationsExportView(TrackerViewMixin, generics.GenericAPIView):
    """Every observation of a partner's indicators as CSV, streamed (the columns of `import_observations`)."""

    queryset = models.Observation.objects.all()
    filterset_class = filters.ObservationFilter
    pagination_class = None

    @extend_schema(
        summary="Export figures as CSV",
        parameters=[
            OpenApiParameter("partner", str, required=True, description="The partner region's code."),
            OpenApiParameter("flow", str, enum=[f.value for f in Flow], description="Only this flow."),
        ],
        responses={(200, "text/csv"): OpenApiTypes.STR},
        description="CSV with the header indicator,period,value,qualifier,source,note, ordered by indicator and "
        "period; it can be edited and loaded back with `manage.py import_observations`.",
    )
    def get(self, request, *args, **kwargs):
        partner = self._partner(request)
        indicators = permissions.restrict(models.TradeIndicator.objects.all(), self.principal).filter(partner=partner)
        flow = request.query_params.get("flow")
        if flow is not None:
            if flow not in Flow.values:
                message = _("Use one of: %(values)s.") % {"values": ", ".join(Flow.values)}
                raise exceptions.ValidationError({"flow": [message]})
            indicators = indicators.filter(flow=flow)
        observations = self.filter_queryset(self.get_queryset().filter(indicator__in=indicators))
        return exports.observations_csv_response(observations, f"observations-{partner.code}")

    def _partner(self, request):
        code = request.query_params.get("partner")
        if not code:
            raise exceptions.ValidationError({"partner": [_("Give the partner region's code, e.g. RU-LIP.")]})
        partner = models.Region.objects.filter(code=code).first()
        if partner is None or not permissions.can_see_trade_with(self.principal, partner):
            raise exceptions.ValidationError({"partner": [_("No partner region with this code.")]})
        return partner


# What /changes/?include=object shows of each kind of object: its list's queryset and serializer.
_CHANGED = {
    "initiative": (InitiativeViewSet.queryset, serializers.InitiativeSerializer),
    "milestone": (MilestoneViewSet.queryset, serializers.MilestoneSerializer),
    "participation": (ParticipationViewSet.queryset, serializers.ParticipationSerializer),
    "initiativeindicator": (IndicatorLinkViewSet.queryset, serializers.IndicatorLinkSerializer),
    "observation": (models.Observation.objects.select_related("source"), serializers.ObservationSerializer),
    "meeting": (MeetingViewSet.queryset, serializers.MeetingSerializer),
    "tradeindicator": (IndicatorViewSet.queryset, serializers.IndicatorSerializer),
    "region": (RegionViewSet.queryset, serializers.RegionSerializer),
    "area": (AreaViewSet.queryset, serializers.AreaSerializer),
    "organisation": (OrganisationViewSet.queryset, serializers.OrganisationSerializer),
}


def changed_objects(events, request):
    """(representation or None, gone) of each event's object as the principal may see it now: one query per kind of
    object on the page, whatever its size. Gone: deleted, or no longer shown to the principal (an initiative made
    internal, moved to another region); a kind the API does not serve is None and not gone."""
    principal = request.user
    wanted = {}
    for event in events:
        if event.object_type in _CHANGED:
            wanted.setdefault(event.object_type, set()).add(event.object_id)
    found = {}
    for kind, ids in wanted.items():
        queryset, serializer = _CHANGED[kind]
        if kind == "meeting":
            queryset = with_seen_initiatives(queryset, principal, codes=True)
        rows = list(permissions.restrict(queryset.filter(pk__in=ids), principal))
        data = serializer(rows, many=True, context={"request": request}).data
        found.update({(kind, row.pk): item for row, item in zip(rows, data, strict=True)})
    return [
        (
            found.get((e.object_type, e.object_id)),
            e.object_type in _CHANGED and (e.object_type, e.object_id) not in found,
        )
        for e in events
    ]


class ChangesView(TrackerViewMixin, generics.GenericAPIView):
    """Every create, update, delete and transition in commit order, for mirroring. Page with `after`."""

    serializer_class = serializers.EventSerializer
    queryset = models.Event.objects.all()
    pagination_class = None

    @extend_schema(
        summary="Follow the change feed",
        parameters=[
            OpenApiParameter(
                "after",
                {"type": "integer", "minimum": 0},
                description="The `cursor` of the last change you have; 0 to start.",
            ),
            OpenApiParameter(
                "limit",
                {"type": "integer", "minimum": 1, "maximum": 1000},
                description="At most this many (default 100, at most 1000).",
            ),
            OpenApiParameter(
                "include",
                {"type": "string", "enum": ["object"]},
                description="`object`: each change carries the object's current representation as your key may "
                "see it (`object`), or `gone: true` when it was deleted or is no longer shown to you.",
            ),
        ],
        responses={200: serializers.ChangesPageSerializer},
        operation_id="v1_changes_list",
    )
    def get(self, request, *args, **kwargs):
        after = whole_number_parameter(request, "after", 0, 0, 2**62)
        limit = whole_number_parameter(request, "limit", 100, 1, 1000)
        events = permissions.restrict(models.Event.objects.filter(id__gt=after), self.principal)
        events = events.select_related("author")  # the author's display name, for a partner's key
        page = list(events.order_by("id")[: limit + 1])  # one more than asked: whether more wait, exactly
        more = len(page) > limit
        page = page[:limit]
        cursor = page[-1].pk if page else after
        next_url = request.build_absolute_uri(f"?after={cursor}&limit={limit}") if more else None
        results = self.get_serializer(page, many=True).data
        include = request.query_params.get("include")
        if include not in (None, "object"):
            raise exceptions.ValidationError({"include": [_("The only value is “object”.")]})
        if include:
            for result, (representation, gone) in zip(results, changed_objects(page, request), strict=True):
                result["object"], result["gone"] = representation, gone
            next_url = next_url and f"{next_url}&include=object"
        return Response({"cursor": cursor, "has_more": more, "next": next_url, "results": results})

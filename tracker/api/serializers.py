"""API representations. Explicit field lists; related objects as brief objects on read, codes on write.

Write serializers refuse what they do not know: a key that is no field (`StrictFields`), and a related code or id
no row can have (`CodeField`, `IdField`: a NUL character, a number beyond any id) — as a 400 naming the field,
before the database is asked (PostgreSQL refuses NUL in text with an error of its own).
"""

import copy
import re
from collections.abc import Mapping

from django.contrib.auth import get_user_model
from django.db.models import DateField
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from tracker import models
from tracker.api import languages as api_languages
from tracker.api.languages import TranslationsField
from tracker.domain import initiatives, languages, permissions, workflow
from tracker.domain.actors import is_api_key
from tracker.domain.choices import Health, Qualifier, Status

User = get_user_model()


class ModelSerializer(serializers.ModelSerializer):
    """DRF's ModelSerializer with its fields worked out from the model once per class, not on every use.

    DRF builds a model serializer's fields on each instance, from the model's metadata: 0.3–0.9 ms of every API
    request, more than most queries (bench/RESULTS.md, "Gains"). They depend on the class alone (its Meta and
    declared fields), so the first build is kept and each use gets a deep copy, as DRF itself hands out the
    declared fields; a subclass keeps its own.
    """

    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_built_fields")
        if built is None:
            built = super().get_fields()
            cls._built_fields = built
        return copy.deepcopy(built)


class StrictFields:
    """Refuse keys that are no field of the serializer, naming them: a misspelt field would otherwise be dropped
    in silence and the client would believe it saved. Read-only fields are fields: what a GET returned may be
    sent back as it was."""

    ignored_keys = frozenset({"csrfmiddlewaretoken"})  # the browsable API's forms send it along

    def body_errors(self, data):
        """{field: [message]} for what the body `data` (a mapping) shows wrong before its fields are read; they are
        reported together with the fields' own errors."""
        names = [key for key in data if key not in self.fields and key not in self.ignored_keys]
        if not names:
            return {}
        writable = ", ".join(name for name, field in self.fields.items() if not field.read_only)
        message = _("Unknown field; the fields are: %(fields)s.") % {"fields": writable}
        return {name: [message] for name in names}

    def to_internal_value(self, data):
        found = self.body_errors(data) if isinstance(data, Mapping) else {}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:
            if found and isinstance(error.detail, dict):
                error.detail = {**found, **error.detail}
            raise
        if found:
            raise serializers.ValidationError(found)
        return value


def _principal(field):
    request = field.context.get("request")
    return request.user if request is not None else None


class Seen:
    """A related field whose choices are what the request's principal may see (permissions.restrict): an object
    hidden from a partner's key answers exactly as one that does not exist, and what a key may not see is not
    shown through a relation either (null in its place)."""

    def get_queryset(self):
        principal = _principal(self)
        queryset = super().get_queryset()
        return queryset if principal is None else permissions.restrict(queryset, principal)

    def visible(self, obj):
        principal = _principal(self)
        return principal is None or permissions.can_see(principal, obj)


class CodeField(Seen, serializers.SlugRelatedField):
    """A related object by its code (or key, or username). A NUL character is never in one, and PostgreSQL
    refuses to even compare text holding it: such a value is an unknown code, without a query."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", "\\x00"))
        return super().to_internal_value(data)


class IdField(Seen, serializers.PrimaryKeyRelatedField):
    """A related object by id. A JSON number that is no whole number (1.5, or 1e400, which Python reads as
    infinity) is refused as such: looking infinity up made int() overflow, a 500."""

    def to_internal_value(self, data):
        if isinstance(data, float) and not data.is_integer():
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


class Brief(CodeField):
    """Written as the related object's key (a code), or as the object a GET returned (what a client read can be
    sent back as it is); read as a small object with its key and name."""

    def __init__(self, slug_field="code", brief=("code", "name"), **kwargs):
        self.brief = brief
        super().__init__(slug_field=slug_field, **kwargs)

    def to_internal_value(self, data):
        return super().to_internal_value(_key_of(self, data, self.slug_field, "invalid"))

    def to_representation(self, obj):
        return {field: _brief_value(obj, field) for field in self.brief}

    def get_choices(self, cutoff=None):
        # The browsable API's form keys its choices by representation, which here is a dict: key them by slug.
        queryset = self.get_queryset()
        if cutoff is not None:
            queryset = queryset[:cutoff]
        return {getattr(item, self.slug_field): self.display_value(item) for item in queryset}


def _key_of(field, data, key, error, **details):
    """A related object's key as sent: the key itself, or the object a GET returned (which must hold it)."""
    if not isinstance(data, Mapping):
        return data
    if key not in data:
        field.fail(error, **details)
    return data[key]


def _brief_value(obj, field):
    value = getattr(obj, field)
    return str(value) if field == "name" else value


class BriefCode(Brief):
    pass


class BriefUser(Brief):
    """A person: username and name; a partner's key reads the display name alone (permissions.name_shown_to)."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="username", brief=("username",), **kwargs)

    def to_representation(self, obj):
        principal = _principal(self)
        if principal is not None and is_api_key(principal):
            return {"username": None, "name": permissions.person_for_partners(obj.get_full_name())}
        return {"username": obj.username, "name": obj.get_full_name() or obj.username}


class BriefId(IdField):
    """Written as the related object's id, or as the object a GET returned; read as {id, name}."""

    def to_internal_value(self, data):
        return super().to_internal_value(_key_of(self, data, "id", "incorrect_type", data_type="object without an id"))

    def to_representation(self, obj):
        return {"id": obj.pk, "name": str(obj)} if self.visible(obj) else None

    def get_choices(self, cutoff=None):
        queryset = self.get_queryset()
        if cutoff is not None:
            queryset = queryset[:cutoff]
        return {item.pk: self.display_value(item) for item in queryset}

    def use_pk_only_optimization(self):
        return False


class CanonicalDateField(serializers.DateField):
    """A date in its one form, YYYY-MM-DD with ASCII digits: Django's parser also took 2023-1-1 and other scripts'
    digits, which a partner's system then read back as something else."""

    def to_internal_value(self, value):
        if not isinstance(value, str) or not _CANONICAL_DATE(value):
            self.fail("invalid", format="YYYY-MM-DD")
        return super().to_internal_value(value)


_CANONICAL_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}").fullmatch


class VersionedSerializer(StrictFields, ModelSerializer):
    """Reads and checks the shape of a body; creating and changing the record is tracker.domain.initiatives' (which
    checks permission, validates, and saves through `save_versioned`, so a stale write is refused)."""

    serializer_related_field = IdField
    serializer_field_mapping = {**ModelSerializer.serializer_field_mapping, DateField: CanonicalDateField}

    def update(self, instance, validated_data):
        expected = validated_data.pop("expected_version")
        with self._in_body_language():
            return initiatives.update(
                instance, validated_data, by=self.context["request"].user, expected_version=expected
            )

    def create(self, validated_data):
        with self._in_body_language():
            return initiatives.create(self.Meta.model, validated_data, by=self.context["request"].user)

    def get_fields(self):
        fields = super().get_fields()
        for name in self._required_texts(fields):
            fields[name].required = False  # it may come in `translations` instead: to_internal_value checks
        return fields

    def _required_texts(self, fields):
        model = self.Meta.model
        return [
            name
            for name in languages.translated_fields(model)
            if name in fields and not fields[name].read_only and not model._meta.get_field(name).blank
        ]

    def body_errors(self, data):
        # A required text given neither as itself nor in `translations`.
        found = super().body_errors(data)
        if self.partial or "translations" not in self.fields:
            return found
        for name in self._required_texts(self.fields):
            if data.get(name) in (None, "") and not self.fields["translations"].gives(data, name):
                found[name] = [_("Give it here or in `translations`, in at least one language.")]
        return found

    def _in_body_language(self):
        """`title` and the other texts of a body are written in the body's language (tracker/api/languages.py)."""
        return translation.override(api_languages.body_language(self.context["request"]))


class RegionSerializer(ModelSerializer):
    """A country or a region of one, by its ISO 3166 code."""

    translations = TranslationsField(read_only=True)
    parent = BriefCode(queryset=models.Region.objects.all(), allow_null=True)

    class Meta:
        model = models.Region
        fields = ["code", "name", "name_ru", "translations", "kind", "parent", "version", "updated_at"]


class AreaSerializer(ModelSerializer):
    """An area of cooperation (industry, transport, agribusiness…)."""

    translations = TranslationsField(read_only=True)

    class Meta:
        model = models.Area
        fields = ["code", "name", "name_ru", "translations", "version", "updated_at"]


class OrganisationSerializer(ModelSerializer):
    """A ministry, enterprise or other organisation taking part in initiatives."""

    translations = TranslationsField(read_only=True)
    region = BriefCode(queryset=models.Region.objects.all())

    class Meta:
        model = models.Organisation
        fields = ["id", "name", "name_ru", "short_name", "translations", "kind", "region", "version", "updated_at"]


class SourceRefSerializer(ModelSerializer):
    """The document a fact comes from."""

    class Meta:
        model = models.Source
        fields = ["key", "publisher", "title", "url", "published_on"]


class MeetingSerializer(ModelSerializer):
    """A meeting where initiatives were agreed, with the initiatives it produced that the reader may see."""

    translations = TranslationsField(read_only=True)
    partner_region = BriefCode(queryset=models.Region.objects.all())
    initiatives = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    source = SourceRefSerializer(read_only=True)

    class Meta:
        model = models.Meeting
        fields = [
            "id",
            "title",
            "date",
            "place",
            "participants",
            "translations",
            "partner_region",
            "initiatives",
            "source",
            "source_detail",
            "version",
            "updated_at",
        ]


class InitiativeSerializer(VersionedSerializer):
    """An initiative: what was agreed, who owns it, where it stands. Related objects are read as {code, name} and
    written as their code."""

    translations = TranslationsField()
    url = serializers.SerializerMethodField()
    area = BriefCode(queryset=models.Area.objects.all())
    partner_region = BriefCode(queryset=models.Region.objects.all())
    owner = BriefUser(queryset=User.objects.all(), allow_null=True, required=False)
    origin = BriefId(queryset=models.Meeting.objects.all(), allow_null=True, required=False)
    source = CodeField(slug_field="key", queryset=models.Source.objects.all(), allow_null=True, required=False)
    iati_status = serializers.SerializerMethodField()

    class Meta:
        model = models.Initiative
        fields = [
            "code",
            "url",
            "title",
            "summary",
            "translations",
            "area",
            "partner_region",
            "status",
            "iati_status",
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
        read_only_fields = ["status", "health", "health_reason", "version", "created_at", "updated_at"]

    def get_url(self, obj) -> str:
        return reverse("api:initiative-detail", args=[obj.code], request=self.context.get("request"))

    def get_iati_status(self, obj) -> int:
        return Status(obj.status).iati_code

    def validate_code(self, value):
        if self.instance is not None and value != self.instance.code:
            raise serializers.ValidationError(_("The code is permanent; it cannot be changed."))
        return value

    def validate(self, attrs):
        start = attrs.get("planned_start", getattr(self.instance, "planned_start", None))
        end = attrs.get("planned_end", getattr(self.instance, "planned_end", None))
        if start and end and end < start:
            raise serializers.ValidationError({"planned_end": _("The end date cannot be before the start date.")})
        return attrs


class TransitionSerializer(StrictFields, serializers.Serializer):
    """A status change (and optionally a health change) of an initiative."""

    to = serializers.ChoiceField(choices=Status.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=workflow.NOTE_MAX_LENGTH, default="")
    health = serializers.ChoiceField(choices=Health.choices, required=False, allow_null=True)
    health_reason = serializers.CharField(
        required=False, allow_blank=True, max_length=workflow.HEALTH_REASON_MAX_LENGTH, default=""
    )


@extend_schema_field(OpenApiTypes.STR)
class AuthorField(serializers.Field):
    """Who made a change, as the reader may see it (permissions.name_shown_to)."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, record):
        recorded = getattr(record, "author_name", None) or getattr(record, "actor_name", "")
        principal = _principal(self)
        if principal is None:
            return recorded
        return permissions.name_shown_to(principal, recorded=recorded, user=record.author, api_key_id=record.api_key_id)


class StatusUpdateSerializer(ModelSerializer):
    """One entry of an initiative's journal: a status or health change, who made it and why."""

    initiative = serializers.SlugRelatedField(slug_field="code", read_only=True)
    author = AuthorField()
    note = serializers.CharField(
        source="note_text", read_only=True, help_text="Why; a note the system wrote is in the response's language."
    )

    class Meta:
        model = models.StatusUpdate
        fields = [
            "id",
            "initiative",
            "from_status",
            "to_status",
            "from_health",
            "to_health",
            "health_reason",
            "note",
            "author",
            "version",
            "created_at",
        ]


class InitiativePartSerializer(VersionedSerializer):
    """Common to milestones, participations and indicator links: the initiative by code."""

    initiative = CodeField(slug_field="code", queryset=models.Initiative.objects.all())

    def validate_initiative(self, initiative):
        if self.instance is not None and initiative.pk != self.instance.initiative_id:
            raise serializers.ValidationError(_("A record cannot be moved to another initiative."))
        return initiative


class MilestoneSerializer(InitiativePartSerializer):
    """A milestone or instruction of an initiative, with its due date and state."""

    translations = TranslationsField()
    responsible_organisation = BriefId(queryset=models.Organisation.objects.all(), allow_null=True, required=False)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = models.Milestone
        fields = [
            "id",
            "initiative",
            "kind",
            "title",
            "translations",
            "responsible_organisation",
            "responsible_person",
            "meeting",
            "due_date",
            "state",
            "done_on",
            "overdue",
            "version",
            "updated_at",
        ]
        read_only_fields = ["version", "updated_at"]

    def get_overdue(self, obj) -> bool:
        return obj.is_overdue()


class ParticipationSerializer(InitiativePartSerializer):
    """An organisation's part in an initiative (IATI role code) and its side."""

    organisation = BriefId(queryset=models.Organisation.objects.all())

    class Meta:
        model = models.Participation
        fields = ["id", "initiative", "organisation", "role", "side", "version", "updated_at"]
        read_only_fields = ["version", "updated_at"]


class IndicatorLinkSerializer(InitiativePartSerializer):
    """A trade series an initiative should move, with an optional target."""

    translations = TranslationsField()
    indicator = CodeField(slug_field="code", queryset=models.TradeIndicator.objects.all())

    class Meta:
        model = models.InitiativeIndicator
        fields = [
            "id",
            "initiative",
            "indicator",
            "rationale",
            "translations",
            "target_value",
            "target_period",
            "version",
            "updated_at",
        ]
        read_only_fields = ["version", "updated_at"]


class IndicatorSerializer(ModelSerializer):
    """A trade series: reporter, partner, flow, commodity and frequency."""

    translations = TranslationsField(read_only=True)
    reporter = BriefCode(queryset=models.Region.objects.all())
    partner = BriefCode(queryset=models.Region.objects.all())
    commodity = BriefCode(slug_field="hs_code", brief=("hs_code", "name"), read_only=True, allow_null=True)

    class Meta:
        model = models.TradeIndicator
        fields = [
            "code",
            "name",
            "translations",
            "reporter",
            "partner",
            "flow",
            "commodity",
            "frequency",
            "currency",
            "version",
            "updated_at",
        ]


class ObservationSerializer(ModelSerializer):
    """One figure of a trade series for one period."""

    source = serializers.SlugRelatedField(slug_field="key", read_only=True)
    qualifier_symbol = serializers.CharField(read_only=True)

    class Meta:
        model = models.Observation
        fields = [
            "period",
            "period_start",
            "value",
            "qualifier",
            "qualifier_symbol",
            "is_derived",
            "formula",
            "note",
            "source",
            "version",
            "updated_at",
        ]


class ObservationInputSerializer(serializers.Serializer):
    """One figure to create or update by period: the value with at most two decimals, written like 1234.56."""

    period = serializers.CharField(max_length=7)
    value = serializers.DecimalField(max_digits=18, decimal_places=2)
    qualifier = serializers.ChoiceField(choices=Qualifier.choices, default=Qualifier.EXACT)
    source = CodeField(slug_field="key", queryset=models.Source.objects.all(), required=False, allow_null=True)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class TradeYearSerializer(serializers.Serializer):
    """A year's trade flows with a partner."""

    year = serializers.IntegerField()
    exports = serializers.DecimalField(max_digits=20, decimal_places=2)
    imports = serializers.DecimalField(max_digits=20, decimal_places=2)
    turnover = serializers.DecimalField(max_digits=20, decimal_places=2)
    balance = serializers.DecimalField(max_digits=20, decimal_places=2)


class TopCommoditySerializer(serializers.Serializer):
    """One of a year's key commodities of a flow."""

    hs_code = serializers.CharField()
    name = serializers.CharField()
    name_ru = serializers.CharField()
    exports = serializers.DecimalField(max_digits=20, decimal_places=2)
    imports = serializers.DecimalField(max_digits=20, decimal_places=2)
    turnover = serializers.DecimalField(max_digits=20, decimal_places=2)


class TradeSummarySerializer(serializers.Serializer):
    """Sums over the partner's commodity-level series (whole-trade series are left out: no double counting)."""

    partner = serializers.CharField(source="partner.code")
    years = TradeYearSerializer(many=True)
    year = serializers.IntegerField(allow_null=True, help_text="The year of `top_commodities`.")
    top_commodities = TopCommoditySerializer(many=True)


class UpsertResultSerializer(serializers.Serializer):
    """How many figures a bulk PUT created, updated and found unchanged."""

    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class EventSerializer(ModelSerializer):
    """One change in the feed: its cursor, the event, the object it is about, when and by whom."""

    cursor = serializers.IntegerField(source="pk", read_only=True)
    event = serializers.CharField(source="name")
    key = serializers.CharField(source="object_key")
    time = serializers.DateTimeField(source="occurred_at")
    author = AuthorField()

    class Meta:
        model = models.Event
        fields = ["cursor", "event", "object_type", "object_id", "key", "action", "time", "author", "data"]


@extend_schema_field(OpenApiTypes.OBJECT)
class AnyObject(serializers.JSONField):
    pass


class ChangeSerializer(EventSerializer):
    """One change in the feed; with `include=object`, the object as the reader may see it now, or `gone`."""

    object = AnyObject(required=False, allow_null=True, help_text="With include=object: the object now, or null.")
    gone = serializers.BooleanField(
        required=False, help_text="With include=object: deleted, or no longer shown to you (drop it from a mirror)."
    )

    class Meta(EventSerializer.Meta):
        fields = [*EventSerializer.Meta.fields, "object", "gone"]


class ChangesPageSerializer(serializers.Serializer):
    """One page of /changes/: the events, the cursor to ask `after` next time, and a link while more wait."""

    cursor = serializers.IntegerField(help_text="The `cursor` of the last event here; send it as `after` next time.")
    has_more = serializers.BooleanField(help_text="Whether more events wait after this page (then `next` is set).")
    next = serializers.URLField(allow_null=True, help_text="The next page, while this one was full; else null.")
    results = ChangeSerializer(many=True)


class PrincipalSerializer(serializers.Serializer):
    """Who the request was made as: the API key (its name, whether it may write, its region and expiry) or the
    signed-in user."""

    kind = serializers.ChoiceField(choices=["key", "user"])
    name = serializers.CharField(help_text="The key's name, or the user's username.")
    can_write = serializers.BooleanField(help_text="Whether writes are allowed at all (each is still checked).")
    region = serializers.CharField(allow_null=True, help_text="The only partner region a key sees, or null.")
    expires_at = serializers.DateTimeField(allow_null=True, help_text="When the key stops working, or null.")


class ApiRootSerializer(serializers.Serializer):
    """The API's front door: who you are, and where every resource is."""

    version = serializers.CharField(help_text="The API version of these addresses.")
    principal = PrincipalSerializer()
    links = serializers.DictField(child=serializers.URLField(), help_text="Resource name: its address.")

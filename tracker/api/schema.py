"""OpenAPI generation: every operation documents the problem responses it can actually return."""

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from tracker.api.concurrency import VersionedMixin
from tracker.api.languages import LANG_PARAMETER
from tracker.domain.languages import CONTENT_LANGUAGES


class ProblemSerializer(serializers.Serializer):
    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.DictField(required=False)
    allowed = serializers.ListField(child=serializers.CharField(), required=False)
    current_version = serializers.IntegerField(required=False, allow_null=True)


_ALWAYS = {
    "400": "Invalid input",
    "401": "Not authenticated",
    "403": "Not allowed",
    "414": "Address too long (MAX_URL_LENGTH): send fewer or shorter query parameters",
    "429": "Too many requests",
}
_DETAIL = {"404": "Not found"}
_WRITE = {"409": "Conflict: transition not allowed or data conflict"}
_CONDITIONAL = {"412": "The If-Match ETag is stale", "428": "If-Match is required"}

_IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description='The ETag of the version you read, like "3": a stale one gets 412, none 428.',
)
_IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match", str, OpenApiParameter.HEADER, description="The ETag you hold: 304 while it is still current."
)
_ETAG = OpenApiParameter(
    "ETag", str, OpenApiParameter.HEADER, response=[200, 201, 304], description="The version, for If-Match."
)

# The languages of an exchange (tracker/api/languages.py), on every operation of the API.
_LANG = OpenApiParameter(
    LANG_PARAMETER,
    str,
    OpenApiParameter.QUERY,
    enum=[code for code, _name in settings.LANGUAGES],
    description="The language of the texts in the response; without it, Accept-Language decides.",
)
_ACCEPT_LANGUAGE = OpenApiParameter(
    "Accept-Language", str, OpenApiParameter.HEADER, description="The language wanted, e.g. `ru` or `en`."
)
_CONTENT_LANGUAGE_IN = OpenApiParameter(
    "Content-Language",
    str,
    OpenApiParameter.HEADER,
    enum=list(CONTENT_LANGUAGES),
    description="The language of the texts (`title`, …) in this body; without it, the response's language.",
)
_CONTENT_LANGUAGE_OUT = OpenApiParameter(
    "Content-Language",
    str,
    OpenApiParameter.HEADER,
    response=[200, 201],
    description="The language of the texts in the response.",
)


_VERBS = {
    "list": "List",
    "retrieve": "Read",
    "create": "Create",
    "update": "Replace",
    "partial_update": "Change",
    "destroy": "Delete",
}


class TrackerAutoSchema(AutoSchema):
    def get_summary(self):
        """A short summary of every operation ("List initiatives", "Change milestone or instruction"), which
        generated clients and documentation tools show; the view's docstring stays the longer description."""
        summary = super().get_summary()
        if summary:
            return summary
        action = getattr(self.view, "action", None)
        model = getattr(getattr(self.view, "queryset", None), "model", None)
        if action in _VERBS and model is not None:
            names = model._meta.verbose_name_plural if action == "list" else model._meta.verbose_name
            return f"{_VERBS[action]} {names!s}"
        first_line = (self.view.__class__.__doc__ or self.view.get_view_name()).strip().splitlines()[0]
        return first_line.rstrip(".")[:80]

    def get_override_parameters(self):
        """The conditional headers of the versioned resources (VersionedMixin): If-Match is required to change
        one, If-None-Match may be sent to read one, and the ETag comes back with it."""
        parameters = list(super().get_override_parameters())
        if self.path.startswith("/api/v1/"):
            parameters += [_LANG, _ACCEPT_LANGUAGE, _CONTENT_LANGUAGE_OUT]
            if self.method in ("POST", "PUT", "PATCH"):
                parameters.append(_CONTENT_LANGUAGE_IN)
        if not isinstance(self.view, VersionedMixin):
            return parameters
        action = getattr(self.view, "action", None)
        if self.method in ("PUT", "PATCH", "DELETE"):
            parameters.append(_IF_MATCH)
        if action == "retrieve":
            parameters.append(_IF_NONE_MATCH)
        if action in ("retrieve", "create", "update", "partial_update", "transitions"):
            parameters.append(_ETAG)
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if not self.path.startswith("/api/v1/"):
            return responses
        codes = dict(_ALWAYS)
        if "{" in self.path:
            codes.update(_DETAIL)
        if self.method != "GET":
            codes.update(_WRITE)
        bulk = self.path.endswith("observations/")
        if (self.method in ("PUT", "PATCH", "DELETE") and not bulk) or self.path.endswith("transitions/"):
            codes.update(_CONDITIONAL)
        for code, description in codes.items():
            if code not in responses:
                response = self._get_response_for_code(ProblemSerializer, code, ["application/problem+json"])
                response["description"] = description
                responses[code] = response
        if isinstance(self.view, VersionedMixin) and getattr(self.view, "action", None) == "retrieve":
            etag = {"schema": {"type": "string"}, "description": _ETAG.description}
            responses.setdefault(
                "304", {"description": "Not modified (If-None-Match matched the ETag)", "headers": {"ETag": etag}}
            )
        return responses


class BriefFieldScheme(OpenApiSerializerFieldExtension):
    """A related object: read as {key, name}, written as its key alone, so a generated client's request models
    take a plain code, username or id (the server also takes the object a GET returned)."""

    target_class = "tracker.api.serializers.Brief"
    match_subclasses = True

    def key(self):
        """The related object's key as written: its name and JSON type."""
        return self.target.slug_field, "string"

    def map_serializer_field(self, auto_schema, direction):
        key, key_type = self.key()
        nullable = {"nullable": True} if _nullable(self.target) else {}
        if direction == "request":
            return {"type": key_type, **nullable}
        key_schema = {"type": key_type, **({"nullable": True} if key == "username" else {})}
        return {
            "type": "object",
            "properties": {key: key_schema, "name": {"type": "string"}},
            "required": [key, "name"],
            **nullable,
        }


class BriefIdScheme(BriefFieldScheme):
    target_class = "tracker.api.serializers.BriefId"

    def key(self):
        return "id", "integer"


class TranslationsScheme(OpenApiSerializerFieldExtension):
    """`translations`: per text field, an object of texts by language, each with the field's length limit."""

    target_class = "tracker.api.languages.TranslationsField"

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        names = list(field.fields() if direction == "response" else field.writable())
        reading = {"required": names} if direction == "response" else {}
        return {
            "type": "object",
            "properties": {name: self.texts(field.model, name, direction) for name in names},
            "additionalProperties": False,
            **reading,
        }

    @staticmethod
    def texts(model, name, direction):
        limit = model._meta.get_field(name).max_length
        text = {"type": "string", "nullable": True, **({"maxLength": limit} if limit else {})}
        reading = {"required": list(CONTENT_LANGUAGES)} if direction == "response" else {}
        return {
            "type": "object",
            "properties": {language: dict(text) for language in CONTENT_LANGUAGES},
            "additionalProperties": False,
            **reading,
        }


def _nullable(field):
    """Whether the field can be null: it says so, or the model column it reads can be empty."""
    if field.allow_null:
        return True
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    try:
        return model._meta.get_field(field.source).null
    except (AttributeError, FieldDoesNotExist):
        return False


def typed_nullables(result, generator, request, public):
    """A POSTPROCESSING_HOOK: drf-spectacular writes a nullable enum as `nullable` beside an allOf/oneOf of
    components, without the `type` OpenAPI 3.0 wants next to `nullable` (Redocly's nullable-type-sibling). The
    type is the one the referenced components share."""
    components = result.get("components", {}).get("schemas", {})

    def visit(node):
        if isinstance(node, dict):
            variants = node.get("allOf") or node.get("oneOf")
            if node.get("nullable") and "type" not in node and variants:
                types = {components.get(v.get("$ref", "").rsplit("/", 1)[-1], v).get("type") for v in variants}
                types.discard(None)
                if len(types) == 1:
                    node["type"] = types.pop()
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(result)
    return result

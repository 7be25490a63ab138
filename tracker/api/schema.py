"""OpenAPI generation: every operation documents the problem responses it can actually return."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from tracker.api.concurrency import VersionedMixin


class ProblemSerializer(serializers.Serializer):
    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.DictField(required=False)
    allowed = serializers.ListField(child=serializers.CharField(), required=False)
    current_version = serializers.IntegerField(required=False, allow_null=True)


_ALWAYS = {"400": "Invalid input", "401": "Not authenticated", "403": "Not allowed", "429": "Too many requests"}
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


class TrackerAutoSchema(AutoSchema):
    def get_override_parameters(self):
        """The conditional headers of the versioned resources (VersionedMixin): If-Match is required to change
        one, If-None-Match may be sent to read one, and the ETag comes back with it."""
        parameters = list(super().get_override_parameters())
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

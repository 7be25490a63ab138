"""OpenAPI generation: every operation documents the problem responses it can actually return."""

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers


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


class TrackerAutoSchema(AutoSchema):
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
        if self.method == "GET" and "{" in self.path:
            responses.setdefault("304", {"description": "Not modified (If-None-Match matched the ETag)"})
        return responses

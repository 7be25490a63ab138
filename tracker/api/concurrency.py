"""Optimistic concurrency over HTTP: ETags derived from the version, If-Match required on writes.

The check against If-Match is done twice: once early for a fast 412, and again by the conditional UPDATE
in `Tracked.save_versioned` (or the locked conditional DELETE of `Tracked.delete_versioned`), so two writers
holding the same ETag can never both succeed.
"""

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response

from tracker.api.errors import PreconditionRequired
from tracker.domain import initiatives
from tracker.domain.errors import StaleVersion
from tracker.domain.inputs import whole_number

__all__ = ["VersionedMixin", "etag_of", "expected_version"]


def etag_of(instance):
    return f'"{instance.version}"'


def _versions(header):
    """Versions named by an If-Match / If-None-Match header ("3", W/"3", or a list of them)."""
    versions = []
    for part in header.split(","):
        version = whole_number(part.strip().removeprefix("W/").strip('"'))
        if version is not None:
            versions.append(version)
    return versions


def expected_version(request, required=True):
    """The version the client last read, from If-Match; None when absent and not required."""
    header = request.headers.get("If-Match")
    if header is None:
        if required:
            raise PreconditionRequired()
        return None
    versions = _versions(header)
    if len(versions) != 1:
        raise PreconditionRequired(_('If-Match must carry exactly one ETag as returned by GET, like "3".'))
    return versions[0]


class VersionedMixin:
    """For ModelViewSets whose model is `Tracked`: ETag on reads, If-Match on PUT, PATCH and DELETE."""

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        if instance.version in _versions(request.headers.get("If-None-Match", "")):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag_of(instance)})
        return Response(self.get_serializer(instance).data, headers={"ETag": etag_of(instance)})

    def update(self, request, *args, **kwargs):
        response = super().update(request, *args, **kwargs)
        response["ETag"] = etag_of(self._saved)
        return response

    def perform_update(self, serializer):
        seen = self._check_if_match(serializer.instance)
        serializer.save(expected_version=seen)
        self._saved = serializer.instance

    def perform_destroy(self, instance):
        seen = self._check_if_match(instance)
        # A conditional DELETE: if anyone saved since `seen` was read, nothing is deleted (412); if another
        # request deleted it meanwhile, this one finds it gone (404), as a request that came later would.
        try:
            initiatives.delete(instance, by=self.request.user, expected_version=seen)
        except ObjectDoesNotExist:
            raise Http404 from None

    def create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        response["ETag"] = etag_of(self._created)
        return response

    def perform_create(self, serializer):
        self._created = serializer.save()

    def _check_if_match(self, instance):
        seen = expected_version(self.request)
        if seen != instance.version:
            raise StaleVersion(instance, seen, instance.version)  # a 412 naming the current version
        return seen

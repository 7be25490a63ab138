"""Optimistic concurrency over HTTP: ETags derived from the version, If-Match required on writes.

The check against If-Match is done twice: once early for a fast 412, and again by the conditional UPDATE
in `Tracked.save_versioned` (or the locked conditional DELETE of `Tracked.delete_versioned`), so two writers
holding the same ETag can never both succeed.
"""

import re

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response

from tracker.api.errors import BadPrecondition, PreconditionRequired
from tracker.domain import initiatives
from tracker.domain.errors import StaleVersion
from tracker.domain.inputs import whole_number

__all__ = ["VersionedMixin", "etag_of", "expected_version", "not_modified"]


def etag_of(instance):
    return f'"{instance.version}"'


# entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE (RFC 9110 §8.8.3), one of a comma-separated list.
_ENTITY_TAG = re.compile(r'\s*(W/)?"([\x21\x23-\x7e\x80-\xff]*)"\s*(?:,|\Z)')
ANY = "*"


def entity_tags(header):
    """The entity tags of an If-Match / If-None-Match value as (weak, opaque text) pairs, or ANY for "*"; None when
    the value is not of that form."""
    if header.strip() == ANY:
        return ANY
    tags, position = [], 0
    while position < len(header):
        match = _ENTITY_TAG.match(header, position)
        if match is None or match.end() == position:
            return None
        tags.append((bool(match.group(1)), match.group(2)))
        position = match.end()
    return tags or None


def _matches(tags, instance, weak):
    """Whether `tags` name the instance's current entity tag; If-Match compares strongly (a weak tag never
    matches), If-None-Match weakly (RFC 9110 §8.8.3.2)."""
    if tags == ANY:
        return True
    current = str(instance.version)
    return any(text == current and (weak or not is_weak) for is_weak, text in tags)


def expected_version(request, instance, required=True):
    """The version of `instance` a write may replace, by the request's If-Match (RFC 9110 §13.1.1): absent, 428 when
    required (else None); not an entity-tag list, 400; naming the current version ("*", or a list holding its strong
    tag), that version; anything else, 412 naming the current version."""
    header = request.headers.get("If-Match")
    if header is None:
        if required:
            raise PreconditionRequired()
        return None
    tags = entity_tags(header)
    if tags is None:
        raise BadPrecondition(_('If-Match must be "*" or entity tags as returned in ETag, like "3" or "3", "4".'))
    if not _matches(tags, instance, weak=False):
        named = next((whole_number(text) for _weak, text in tags), None)  # tags is a list here
        raise StaleVersion(instance, named, instance.version)
    return instance.version


def not_modified(request, instance):
    """Whether a GET's If-None-Match names the current representation ("*" or a weakly matching tag): 304."""
    tags = entity_tags(request.headers.get("If-None-Match", ""))
    return tags is not None and _matches(tags, instance, weak=True)


class VersionedMixin:
    """For ModelViewSets whose model is `Tracked`: ETag on reads, If-Match on PUT, PATCH and DELETE."""

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        if not_modified(request, instance):
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
        return expected_version(self.request, instance)  # a stale one: 412 naming the current version

"""What OPTIONS answers: the endpoint's name, description and media types, with `Allow` naming its methods.

DRF's SimpleMetadata also describes the body of each write, which it learns by building the serializer and, for
PUT, by fetching the object with the view's lookup: on a view whose lookup is not a model's (the bulk PUT of an
indicator's observations) that failed with a 500. The OpenAPI schema at /api/schema/ describes every body."""

from rest_framework.metadata import SimpleMetadata

__all__ = ["Metadata"]


class Metadata(SimpleMetadata):
    def determine_metadata(self, request, view):
        metadata = super().determine_metadata(request, view)
        metadata["schema"] = request.build_absolute_uri("/api/schema/")
        return metadata

    def determine_actions(self, request, view):
        return {}

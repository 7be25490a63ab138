"""Request body parsers: DRF's, with a JSON nesting too deep to read refused as bad JSON (400) instead of a 500."""

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

__all__ = ["JSONParser"]


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:  # e.g. [[[[…]]]] a hundred thousand deep: Python's decoder gives up
            raise ParseError(_("JSON parse error - the body is nested too deeply.")) from None

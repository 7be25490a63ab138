"""Renderers for answers that are documents rather than JSON: content negotiation must accept a partner's
`Accept: application/pdf`, and the view hands over the bytes it made (tracker.documents.formats)."""

from rest_framework.renderers import BaseRenderer

from tracker.documents import pdf, word

__all__ = ["DocumentRenderer", "WordRenderer"]


class DocumentRenderer(BaseRenderer):
    media_type = pdf.CONTENT_TYPE
    format = "pdf"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class WordRenderer(DocumentRenderer):
    media_type = word.CONTENT_TYPE
    format = "docx"

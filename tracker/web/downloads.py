"""The meeting file as a download from the pages: the briefing's (a partner and a date) and a meeting's."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from tracker.documents import formats

__all__ = ["document_links", "meeting_file_response"]


def document_links(query):
    """[(label, href or None, why not)] for the download buttons: a format this server cannot make shows what to
    install instead of a link that would fail."""
    labels = {"docx": _("Download the meeting file (Word)"), "pdf": _("Download the meeting file (PDF)")}
    return [(labels[extension], f"?{query}format={extension}", formats.unavailable(extension)) for extension in labels]


def meeting_file_response(request, file, extension):
    reason = formats.unavailable(extension)
    if reason:
        context = {"title": _("The PDF cannot be made here"), "message": reason}
        return render(request, "refused.html", context, status=503)
    return formats.render(file, extension).response()

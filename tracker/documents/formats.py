"""The formats the meeting file comes in, and what is missing for one this installation cannot make."""

from dataclasses import dataclass

from django.http import HttpResponse
from django.utils.translation import gettext as _

from tracker.documents import fonts, meeting_file, pdf, word

__all__ = ["FORMATS", "Rendered", "render", "unavailable"]

FORMATS = {"docx": word, "pdf": pdf}


@dataclass(frozen=True)
class Rendered:
    body: bytes
    content_type: str
    file_name: str

    def response(self):
        """The file as a download, for the pages and the API alike."""
        response = HttpResponse(self.body, content_type=self.content_type)
        response["Content-Disposition"] = f'attachment; filename="{self.file_name}"'
        return response


def unavailable(extension):
    """Why `extension` cannot be made here (what to install), or None when it can."""
    if extension == "pdf" and fonts.missing():
        message = _("The PDF needs the DejaVu Sans font, which this server lacks (%(files)s). Install it: %(hint)s")
        return message % {
            "files": ", ".join(fonts.missing()),
            "hint": fonts.INSTALL_HINT,
        }
    return None


def render(file, extension):
    """`file` (tracker.domain.meeting_file.MeetingFile) as `extension` ("docx" or "pdf"), in the active language."""
    writer = FORMATS[extension]
    return Rendered(
        writer.render(meeting_file.outline(file)), writer.CONTENT_TYPE, meeting_file.file_name(file, extension)
    )

"""The TrueType fonts the PDF and the chart image are set in: DejaVu Sans, which covers Cyrillic, from the system
(Debian's fonts-dejavu-core) or from DOCUMENT_FONT_DIR. Without them the PDF is not offered, and the pages say
what to install instead of failing."""

from pathlib import Path

from django.conf import settings

__all__ = ["INSTALL_HINT", "bold", "missing", "regular"]

INSTALL_HINT = "apt-get install fonts-dejavu-core"
_REGULAR, _BOLD = "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"


def _path(name):
    return Path(settings.DOCUMENT_FONT_DIR) / name


def regular():
    return str(_path(_REGULAR))


def bold():
    return str(_path(_BOLD))


def missing():
    """The font files that are not there (empty when the PDF can be made)."""
    return [name for name in (_REGULAR, _BOLD) if not _path(name).is_file()]

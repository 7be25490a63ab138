"""Small pieces of HTML the admin shows: coloured badges for status and health, and formatted values."""

from django.utils.formats import number_format
from django.utils.html import format_html

from tracker.domain.choices import Health, Qualifier, Status

__all__ = ["badge", "health_badge", "qualified_value", "status_badge"]

_BADGE = '<span class="tracker-badge" style="background:{};color:#fff;padding:1px 7px;border-radius:9px;">{}</span>'


def badge(label, colour):
    """A label on a coloured background; format_html escapes the label."""
    return format_html(_BADGE, colour, label)


def status_badge(value):
    status = Status(value)
    return badge(status.label, status.colour)


def health_badge(value):
    health = Health(value)
    return badge(health.label, health.colour)


def qualified_value(value, qualifier, unit=""):
    """“≈ 334,000,000.00 USD”: the figure with how exact the source says it is."""
    symbol = Qualifier(qualifier).symbol
    text = number_format(value, decimal_pos=2, force_grouping=True)
    return " ".join(part for part in (symbol, text, unit) if part)

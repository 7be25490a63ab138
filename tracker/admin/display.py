"""Small pieces of HTML the admin shows: coloured badges for status and health, and formatted values."""

import datetime

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.html import format_html

from tracker.domain.actors import name_of
from tracker.domain.choices import Health, Qualifier, Status

__all__ = ["EMPTY", "badge", "health_badge", "person", "qualified_value", "short_date", "status_badge"]

EMPTY = "—"  # what an empty value reads as, never "None"
_BADGE = (
    '<span class="tracker-badge" style="background:{};color:#fff;padding:1px 7px;border-radius:9px;'
    'white-space:nowrap;">{}</span>'
)


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


def person(user):
    """A user as people know them (tracker.domain.actors.name_of); "—" for nobody."""
    return EMPTY if user is None else name_of(user)


def short_date(value):
    """A date (or a time's local date) in the active language's short form; "—" for none."""
    if value is None:
        return EMPTY
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return date_format(value, "SHORT_DATE_FORMAT")

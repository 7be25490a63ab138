"""Template filters for money, numbers and periods in the active language (see tracker.web.formatting).

    {% load tracker_format %}
    {{ observation.value|money:observation.qualifier }}   → ≈ USD 334 million / ≈ 334 млн $
    {{ indicator_total|money:"EUR" }}                      → EUR 1.2 billion
    {{ value|money:"approx EUR" }}                         → ≈ EUR 1.2 billion
    {{ count|number }}  {{ share|percent }}  {{ observation.period|period }}
    {{ initiative|text:"title" }}                          → the title in the reader's language, or marked fallback

A value that is not a number comes back unchanged, and None as "", so `|default:"—"` works after any of them.
"""

import re
from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from tracker.domain import languages
from tracker.domain.choices import Qualifier, Status
from tracker.web import formatting

register = template.Library()

_CURRENCY = re.compile(r"^[A-Z]{3}$")


def _is_number(value):
    if isinstance(value, bool):
        return False
    try:
        return Decimal(str(value).strip()).is_finite()
    except ArithmeticError:
        return False


@register.filter
def money(value, arg=""):
    """`value|money`, `value|money:qualifier`, `value|money:"EUR"` or `value|money:"approx EUR"`.

    An unknown qualifier raises: the database only holds known ones, so it is a mistake in a template.
    """
    if value is None or value == "":
        return ""
    if not _is_number(value):
        return value
    qualifier, currency = Qualifier.EXACT, "USD"
    for word in str(arg or "").split():
        if _CURRENCY.match(word):
            currency = word
        else:
            qualifier = Qualifier(word)
    return formatting.format_money(value, currency, qualifier)


@register.filter
def iati_status(value):
    """`initiative.status|iati_status`: the IATI ActivityStatus name of a status ("Implementation")."""
    return Status(value).iati_label


@register.filter
def number(value, decimal_pos=None):
    """`value|number` or `value|number:2`: digits grouped the way the active language groups them."""
    if value is None or value == "":
        return ""
    if not _is_number(value):
        return value
    return formatting.format_number(value, None if decimal_pos in (None, "") else int(decimal_pos))


@register.filter
def percent(value, decimal_pos=1):
    """`value|percent` for a value in percent (12.5 → "12.5%", "12,5 %")."""
    if value is None or value == "":
        return ""
    if not _is_number(value):
        return value
    return formatting.format_percent(value, int(decimal_pos))


@register.filter
def period(value):
    """`"2023-Q1"|period` → "Q1 2023" / "I кв. 2023"."""
    return formatting.format_period(value)


@register.filter
def text(obj, field):
    """`obj`'s `field` in the reader's language; a text that falls back to another language is marked with that
    language (`lang`, for screen readers and hyphenation) and a class editors can see (`untranslated`)."""
    value = getattr(obj, field)
    if not value or languages.own(obj, field):
        return value
    language = next(language for language in languages.reading_order() if languages.own(obj, field, language))
    hint = _("Not translated into this language yet")
    return format_html('<span lang="{}" class="untranslated" title="{}">{}</span>', language, hint, value)

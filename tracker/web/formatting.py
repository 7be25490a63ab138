"""Money, numbers, percentages and reporting periods written the way the active language writes them.

    English:  USD 334 million   ≈ USD 1.2 billion   −USD 68 million   USD 512.40   Q1 2023   Mar 2023
    Russian:  334 млн $         ≈ 1,2 млрд $        −68 млн $         512,40 $     I кв. 2023   март 2023

Digits, decimal and group separators come from Django's own locale formats (the same ones the admin uses;
Russian groups thousands with a no-break space U+00A0, so that is the separator everywhere here). Words and
word order come from gettext, so `makemessages` collects them for translators, with a built-in Russian table
behind them (see `_BUILT_IN`). Minus signs are the real minus, U+2212.
"""

import functools
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.formats import number_format
from django.utils.translation import get_language, pgettext

from tracker.domain.choices import Qualifier

__all__ = [
    "MINUS",
    "clear_cache",
    "compact_unit",
    "format_compact",
    "format_money",
    "format_number",
    "format_percent",
    "format_period",
]

MINUS = "\u2212"
NBSP = "\u00a0"

# Powers of a thousand that money is written in, with the English word (msgid) for each.
_UNITS = (
    (Decimal(10) ** 3, "thousand", "K"),
    (Decimal(10) ** 6, "million", "M"),
    (Decimal(10) ** 9, "billion", "B"),
    (Decimal(10) ** 12, "trillion", "T"),
)
_ONE = Decimal(1)
_TENTH = Decimal("0.1")
_CENT = Decimal("0.01")

# Money has to be right in Russian on the day the Russian interface is switched on, and a missing .po entry
# would otherwise print "334 million USD" on a Russian page without anyone noticing. So the few words and
# patterns that money, numbers and periods need are kept here for Russian. A translation in a catalogue still
# wins (a .po entry is a reviewed, deliberate choice); this table only fills what no catalogue translates.
# Other languages get their words from their catalogues alone, and English when there are none.
_BUILT_IN = {
    "ru": {
        "money scale": {"thousand": "тыс.", "million": "млн", "billion": "млрд", "trillion": "трлн"},
        "compact number scale": {"K": "тыс.", "M": "млн", "B": "млрд", "T": "трлн"},
        "currency symbol": {"USD": "$", "EUR": "€", "RUB": "₽", "BYN": "Br", "CNY": "¥", "GBP": "£"},
        "money pattern": {
            "%(sign)s%(currency)s %(number)s": "%(sign)s%(number)s" + NBSP + "%(currency)s",
            "%(sign)s%(currency)s %(number)s %(scale)s": "%(sign)s%(number)s"
            + NBSP
            + "%(scale)s"
            + NBSP
            + "%(currency)s",
        },
        "qualified amount": {"%(symbol)s %(amount)s": "%(symbol)s" + NBSP + "%(amount)s"},
        "compact number pattern": {"%(number)s%(scale)s": "%(number)s" + NBSP + "%(scale)s"},
        "percent pattern": {"%(number)s%%": "%(number)s" + NBSP + "%%"},
        "period": {
            "Q%(quarter)s %(year)s": "%(roman)s" + NBSP + "кв." + NBSP + "%(year)s",
            "%(month)s %(year)s": "%(month)s" + NBSP + "%(year)s",
        },
        "month in a period": {
            "Jan": "январь",
            "Feb": "февраль",
            "Mar": "март",
            "Apr": "апрель",
            "May": "май",
            "Jun": "июнь",
            "Jul": "июль",
            "Aug": "август",
            "Sep": "сентябрь",
            "Oct": "октябрь",
            "Nov": "ноябрь",
            "Dec": "декабрь",
        },
    },
}

_QUARTER_PERIOD = re.compile(r"^(?P<year>\d{4})-Q(?P<quarter>[1-4])$")
_MONTH_PERIOD = re.compile(r"^(?P<year>\d{4})-(?P<month>0[1-9]|1[0-2])$")
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def _language():
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0].lower()


def _localised(context, translated):
    """`translated` maps each msgid to pgettext(context, msgid); fill what no catalogue translated from `_BUILT_IN`.

    Callers spell out every pgettext(...) call literally so that makemessages finds them.
    """
    table = _BUILT_IN.get(_language(), {}).get(context, {})
    return {msgid: text if text != msgid else table.get(msgid, msgid) for msgid, text in translated.items()}


_TABLES = []  # the caches of the word tables below, emptied when a test changes the language settings


def _per_language(table):
    """Build a word table once per language: a page formats hundreds of amounts, and gettext's catalogues do not
    change while the process runs (a dashboard spent a tenth of its time looking the same words up)."""
    cache = {}
    _TABLES.append(cache)

    @functools.wraps(table)
    def cached():
        language = get_language()
        if language not in cache:
            cache[language] = table()
        return cache[language]

    return cached


def clear_cache():
    """Forget the word tables built so far (after the translation catalogues changed)."""
    for cache in _TABLES:
        cache.clear()


@receiver(setting_changed)
def _forget_tables(setting, **kwargs):
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS"}:
        clear_cache()


@_per_language
def _scale_words():
    return _localised(
        "money scale",
        {
            "thousand": pgettext("money scale", "thousand"),
            "million": pgettext("money scale", "million"),
            "billion": pgettext("money scale", "billion"),
            "trillion": pgettext("money scale", "trillion"),
        },
    )


@_per_language
def _compact_scale_words():
    return _localised(
        "compact number scale",
        {
            "K": pgettext("compact number scale", "K"),
            "M": pgettext("compact number scale", "M"),
            "B": pgettext("compact number scale", "B"),
            "T": pgettext("compact number scale", "T"),
        },
    )


def _currency_symbol(currency):
    # English writes the ISO code ("USD 334 million"); a translation may give a symbol for the codes it knows.
    return _currency_symbols().get(currency, currency)


@_per_language
def _currency_symbols():
    return _localised(
        "currency symbol",
        {
            "USD": pgettext("currency symbol", "USD"),
            "EUR": pgettext("currency symbol", "EUR"),
            "RUB": pgettext("currency symbol", "RUB"),
            "BYN": pgettext("currency symbol", "BYN"),
            "CNY": pgettext("currency symbol", "CNY"),
            "GBP": pgettext("currency symbol", "GBP"),
        },
    )


@_per_language
def _money_patterns():
    return _localised(
        "money pattern",
        {
            "%(sign)s%(currency)s %(number)s": pgettext("money pattern", "%(sign)s%(currency)s %(number)s"),
            "%(sign)s%(currency)s %(number)s %(scale)s": pgettext(
                "money pattern", "%(sign)s%(currency)s %(number)s %(scale)s"
            ),
        },
    )


def _qualified(symbol, amount):
    if not symbol:
        return amount
    return _qualified_pattern() % {"symbol": symbol, "amount": amount}


@_per_language
def _qualified_pattern():
    return _localised(
        "qualified amount", {"%(symbol)s %(amount)s": pgettext("qualified amount", "%(symbol)s %(amount)s")}
    )["%(symbol)s %(amount)s"]


def _decimal(value):
    try:
        number = Decimal(repr(value) if isinstance(value, float) else str(value).strip())
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number.")
    return number


def _digits(magnitude, decimal_pos):
    """A non-negative number with the active language's separators and grouping."""
    return number_format(magnitude, decimal_pos=decimal_pos, use_l10n=True, force_grouping=True)


def _round_in_unit(magnitude, index):
    """Round `magnitude` in _UNITS[index], moving up a unit when rounding reaches a thousand of it.

    One decimal below 10 of the unit (1.2 billion), none from 10 (334 million); a decimal of 0 is dropped.
    Returns (index, rounded number).
    """
    while True:
        quotient = magnitude / _UNITS[index][0]
        rounded = quotient.quantize(_TENTH, ROUND_HALF_UP)
        if rounded >= 10:  # 9.96 rounds to 10.0, which is written "10"
            rounded = quotient.quantize(_ONE, ROUND_HALF_UP)
        if rounded >= 1000 and index + 1 < len(_UNITS):
            index += 1
            continue
        if rounded == rounded.to_integral_value():
            rounded = rounded.quantize(_ONE)
        return index, rounded


def _unit_index(magnitude):
    index = 0
    for position, (unit, _word, _letter) in enumerate(_UNITS):
        if magnitude >= unit:
            index = position
    return index


def _places(number):
    return max(0, -number.as_tuple().exponent)


def format_money(value, currency="USD", qualifier=Qualifier.EXACT):
    """`value` (full units of `currency`) as people read it: "USD 334 million", "≈ 334 млн $", "USD 512.40".

    Amounts from a thousand up are written in thousands, millions, billions or trillions; smaller ones to the
    cent. `qualifier` is a Qualifier (or its value); its symbol goes in front. None gives "".
    """
    if value is None or value == "":
        return ""
    amount = _decimal(value)
    symbol = Qualifier(qualifier or Qualifier.EXACT).symbol
    magnitude = abs(amount)
    patterns = _money_patterns()
    cents = magnitude.quantize(_CENT, ROUND_HALF_UP)
    if cents < 1000:
        sign = MINUS if amount < 0 and cents else ""
        text = patterns["%(sign)s%(currency)s %(number)s"] % {
            "sign": sign,
            "currency": _currency_symbol(currency),
            "number": _digits(cents, 2),
        }
    else:
        index, number = _round_in_unit(magnitude, _unit_index(magnitude))
        text = patterns["%(sign)s%(currency)s %(number)s %(scale)s"] % {
            "sign": MINUS if amount < 0 else "",
            "currency": _currency_symbol(currency),
            "number": _digits(number, _places(number)),
            "scale": _scale_words()[_UNITS[index][1]],
        }
    return _qualified(symbol, text)


def compact_unit(value):
    """The power of a thousand (1, 10³, 10⁶, …) that `format_compact` writes `value` in by default."""
    magnitude = abs(_decimal(value))
    if magnitude < 1000:
        return _ONE
    return _UNITS[_unit_index(magnitude)][0]


def format_compact(value, *, unit=None, decimal_pos=None):
    """A short number for chart axes and labels: "300M", "1.2B", "950K" / "300 млн", "1,2 млрд", "950 тыс.".

    `unit` (1, 1000, 10⁶, 10⁹ or 10¹²) fixes the scale and `decimal_pos` the decimals, so that all ticks of an
    axis read alike ("0.5B", "1.0B", "1.5B"); without them the value picks its own, as format_money does.
    Zero is always "0".
    """
    amount = _decimal(value)
    if amount == 0:
        return "0"
    magnitude = abs(amount)
    if unit is None:
        if magnitude.quantize(_ONE, ROUND_HALF_UP) < 1000:
            unit, number = _ONE, magnitude.quantize(_ONE, ROUND_HALF_UP)
        else:
            index, number = _round_in_unit(magnitude, _unit_index(magnitude))
            unit = _UNITS[index][0]
        if decimal_pos is None:
            decimal_pos = _places(number)
    unit = Decimal(unit)
    if decimal_pos is None:
        decimal_pos = 0 if magnitude / unit >= 10 else 1
    number = (magnitude / unit).quantize(Decimal(1).scaleb(-decimal_pos), ROUND_HALF_UP)
    sign = MINUS if amount < 0 and number else ""
    digits = sign + _digits(number, decimal_pos)
    if unit == 1:
        return digits
    letters = {scale: letter for scale, _word, letter in _UNITS}
    if unit not in letters:
        raise ValueError(f"{unit} is not 1 or a power of a thousand up to 10¹².")
    return _compact_pattern() % {"number": digits, "scale": _compact_scale_words()[letters[unit]]}


@_per_language
def _compact_pattern():
    return _localised(
        "compact number pattern",
        {"%(number)s%(scale)s": pgettext("compact number pattern", "%(number)s%(scale)s")},
    )["%(number)s%(scale)s"]


def format_number(value, decimal_pos=None):
    """`value` with the active language's digit grouping and decimal separator: "1,234,567" / "1 234 567".

    Without `decimal_pos` a whole number shows no decimals and any other keeps its own. None gives "".
    """
    if value is None or value == "":
        return ""
    amount = _decimal(value)
    if decimal_pos is None:
        decimal_pos = 0 if amount == amount.to_integral_value() else _places(amount)
    magnitude = abs(amount).quantize(Decimal(1).scaleb(-decimal_pos), ROUND_HALF_UP)
    sign = MINUS if amount < 0 and magnitude else ""
    return sign + _digits(magnitude, decimal_pos)


def format_percent(value, decimal_pos=1, *, signed=False):
    """`value` in percent (12.5 means 12.5 %): "12.5%" / "12,5 %". `signed` adds "+" to growth above zero."""
    if value is None or value == "":
        return ""
    amount = _decimal(value)
    number = format_number(amount, decimal_pos)
    if signed and amount.quantize(Decimal(1).scaleb(-decimal_pos), ROUND_HALF_UP) > 0:
        number = "+" + number
    return _percent_pattern() % {"number": number}


@_per_language
def _percent_pattern():
    return _localised("percent pattern", {"%(number)s%%": pgettext("percent pattern", "%(number)s%%")})["%(number)s%%"]


@_per_language
def _month_names():
    return _localised(
        "month in a period",
        {
            "Jan": pgettext("month in a period", "Jan"),
            "Feb": pgettext("month in a period", "Feb"),
            "Mar": pgettext("month in a period", "Mar"),
            "Apr": pgettext("month in a period", "Apr"),
            "May": pgettext("month in a period", "May"),
            "Jun": pgettext("month in a period", "Jun"),
            "Jul": pgettext("month in a period", "Jul"),
            "Aug": pgettext("month in a period", "Aug"),
            "Sep": pgettext("month in a period", "Sep"),
            "Oct": pgettext("month in a period", "Oct"),
            "Nov": pgettext("month in a period", "Nov"),
            "Dec": pgettext("month in a period", "Dec"),
        },
    )


def format_period(period):
    """A period's text as people read it: "2023-Q1" → "Q1 2023" / "I кв. 2023"; "2023-03" → "Mar 2023" /
    "март 2023"; a year, and anything unrecognised, unchanged. Takes the text or a tracker.domain.periods.Period."""
    if period is None:
        return ""
    text = str(getattr(period, "text", period)).strip()
    patterns = _period_patterns()
    if match := _QUARTER_PERIOD.match(text):
        quarter = int(match["quarter"])
        return patterns["Q%(quarter)s %(year)s"] % {
            "quarter": quarter,
            "roman": _ROMAN[quarter],
            "year": match["year"],
        }
    if match := _MONTH_PERIOD.match(text):
        month = list(_month_names().values())[int(match["month"]) - 1]
        return patterns["%(month)s %(year)s"] % {"month": month, "year": match["year"]}
    return text


@_per_language
def _period_patterns():
    return _localised(
        "period",
        {
            "Q%(quarter)s %(year)s": pgettext("period", "Q%(quarter)s %(year)s"),
            "%(month)s %(year)s": pgettext("period", "%(month)s %(year)s"),
        },
    )

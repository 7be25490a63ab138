"""CSV for people: what spreadsheet programs need of the files we send them and do to the files they send us.

- **The formula guard (CSV injection).** A cell that starts with = + - @ TAB or CR is run as a formula by Excel
  and LibreOffice; such a cell gets a leading apostrophe, unless it is a plain number ("-1.5", "+2", "-1e5"),
  which must stay a number. One rule, `FORMULA_START` and `NUMBER`, applied in Python (`guarded`) and inside a
  query (`guarded_sql`, for exports that PostgreSQL writes itself with COPY); tests hold both to one table.
- **The byte-order mark.** Excel reads a CSV file without one in the computer's legacy code page, so Cyrillic
  turns to mojibake: CSV exports meant for spreadsheets start with `BOM`. Machine CSV (the API's
  `observations.csv`) has none; our imports accept files with or without it.
- **Dialects.** Excel in a Russian (and most European) locale saves CSV with ';' between fields and a decimal
  comma. An import takes such a file when its header is clearly in that dialect (`delimiter_of`), reading
  numbers with a decimal comma (`decimal_point`); a header that mixes ';' and ',' is refused with a hint.
"""

import csv
import re

from django.db.models import Case, CharField, F, Q, Value, When
from django.db.models.functions import Concat
from django.utils.translation import gettext as _

__all__ = [
    "BOM",
    "FORMULA_START",
    "NUMBER",
    "decimal_point",
    "delimiter_of",
    "guarded",
    "guarded_sql",
    "separator_hint",
]

BOM = "\ufeff"
FORMULA_START = "=+-@\t\r"
# A number a spreadsheet reads as a number: optional sign, digits with an optional decimal point, optional
# exponent. Written in the syntax that Python's re and PostgreSQL's regular expressions share.
NUMBER = r"[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?"

_STARTS_LIKE_A_FORMULA = "^[" + FORMULA_START.replace("-", "") + "-]"  # '-' last: a literal, not a range
_WHOLE_NUMBER = r"\A(" + NUMBER + r")\Z"  # \A and \Z: the whole text, in both engines (no '$' before a newline)
_is_formula_like = re.compile(_STARTS_LIKE_A_FORMULA).match
_is_number = re.compile(_WHOLE_NUMBER).match


def guarded(value):
    """`value` as the text of a spreadsheet cell that cannot run as a formula."""
    text = str(value)
    return "'" + text if _is_formula_like(text) and not _is_number(text) else text


def guarded_sql(field):
    """The same rule as a query expression over the text column `field`."""
    formula_like = Q(**{f"{field}__regex": _STARTS_LIKE_A_FORMULA}) & ~Q(**{f"{field}__regex": _WHOLE_NUMBER})
    return Case(
        When(formula_like, then=Concat(Value("'"), field, output_field=CharField())),
        default=F(field),
        output_field=CharField(),
    )


def delimiter_of(header_line):
    """',' or ';': ';' only when the header is clearly ';'-separated (several fields on ';', none on ',')."""
    on_comma = next(csv.reader([header_line]), [])
    on_semicolon = next(csv.reader([header_line], delimiter=";"), [])
    return ";" if len(on_comma) == 1 and len(on_semicolon) > 1 else ","


def separator_hint(names):
    """A sentence for a header whose unknown column names hold ';': the file mixes separators."""
    if any(";" in name for name in names):
        return _("this file seems to use ';' as separator: save it with ',' or ';' between all fields")
    return ""


# A number as a spreadsheet in a decimal-comma locale writes it: "-1234,5", or with digit groups "1 234,50".
_DECIMAL_COMMA = re.compile(r"[+-]?[0-9][0-9 \u00a0\u202f]*(,[0-9]+)?\Z")
_GROUP_SPACES = str.maketrans("", "", " \u00a0\u202f")


def decimal_point(text):
    """`text` with a decimal comma (and digit-group spaces) written the way our rules read numbers; other text
    is returned as it is, for the rules to judge."""
    if text.__class__ is str and _DECIMAL_COMMA.match(text):
        return text.translate(_GROUP_SPACES).replace(",", ".")
    return text

"""Reporting periods of trade observations: "2022", "2023-Q1", "2023-03".

A period's text is what people and partner systems exchange; its first day is stored beside it so
series sort and aggregate by date.
"""

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from tracker.domain.choices import Frequency

__all__ = ["PERIOD_PATTERN", "Period", "parse_period"]

PERIOD_PATTERN = r"^[0-9]{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$"
# One canonical form each: ASCII digits only, nothing around them (no space, no trailing newline).
_FORMS = {
    Frequency.YEAR: re.compile(r"(?P<year>[0-9]{4})"),
    Frequency.QUARTER: re.compile(r"(?P<year>[0-9]{4})-Q(?P<quarter>[1-4])"),
    Frequency.MONTH: re.compile(r"(?P<year>[0-9]{4})-(?P<month>0[1-9]|1[0-2])"),
}
_EXAMPLES = {Frequency.YEAR: "2022", Frequency.QUARTER: "2023-Q1", Frequency.MONTH: "2023-03"}


@dataclass(frozen=True)
class Period:
    text: str
    frequency: str
    start: datetime.date

    @property
    def end(self):
        months = {Frequency.YEAR: 12, Frequency.QUARTER: 3, Frequency.MONTH: 1}[self.frequency]
        year, month = divmod(self.start.month - 1 + months, 12)
        return datetime.date(self.start.year + year, month + 1, 1) - datetime.timedelta(days=1)

    def same_period_a_year_earlier(self):
        return parse_period(str(int(self.text[:4]) - 1) + self.text[4:], self.frequency)


def parse_period(text, frequency):
    """Parse `text` as a period of `frequency`; raise ValueError saying the expected form."""
    frequency = Frequency(frequency)
    match = _FORMS[frequency].fullmatch(text) if isinstance(text, str) else None
    if not match:
        raise ValueError(
            _("“%(text)s” is not a %(frequency)s period; write it like %(example)s.")
            % {"text": text, "frequency": frequency.label.lower(), "example": _EXAMPLES[frequency]}
        )
    year = int(match["year"])
    if year < 1900 or year > 2200:
        raise ValueError(_("Year %(year)s is out of range (1900–2200).") % {"year": year})
    month = 1
    if frequency == Frequency.QUARTER:
        month = 3 * (int(match["quarter"]) - 1) + 1
    elif frequency == Frequency.MONTH:
        month = int(match["month"])
    return Period(match.group(0), frequency, datetime.date(year, month, 1))

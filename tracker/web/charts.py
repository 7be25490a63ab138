"""Trade charts drawn on the server as SVG: no JavaScript, nothing to download, readable in any language.

Every chart is an <svg role="img"> labelled by its own <title> and <desc>, scales with its container
(viewBox, width 100%), and carries its numbers in the active language (tracker.web.formatting). Nothing relies on
colour alone: each series has its own marker shape and dash pattern (lines) or fill pattern (bars); derived
values are drawn hollow or faded with a dashed outline; values that are not exact carry their qualifier symbol
(≈, ≥, ≤). Pages show `data_table_rows` beside every chart, so every figure is also available as text.

All text goes through format_html, so series labels, titles and descriptions are always escaped.
"""

import math
import re
import uuid
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from tracker.domain.choices import Qualifier
from tracker.web.formatting import compact_unit, format_compact, format_money, format_percent, format_period

__all__ = [
    "PALETTE",
    "Point",
    "Series",
    "TableRow",
    "Target",
    "axis_ticks",
    "bar_chart",
    "data_table_rows",
    "line_chart",
    "target_progress",
]

# Each at least 4.5:1 against white (so also fine for the qualifier symbols drawn in them), and told apart by
# marker shape, dash pattern and fill pattern as well (tests/test_charts.py checks the contrast).
PALETTE = ("#1f5f99", "#a34700", "#1d6b3a", "#7b3f99", "#8e1c1c", "#4d5560")
_DASHES = ("", "8 4", "2 3", "10 3 2 3", "5 5", "1 2")
_SHAPES = ("circle", "square", "triangle", "diamond", "triangle-down")
_TEXT = "#222"
_MUTED = "#555"
_GRID = "#d9d9d9"
_FONT_SIZE = 12
_MARKER_RADIUS = 4.5


@dataclass(frozen=True)
class Point:
    """One value of a series: a period's text ("2022", "2023-Q1", "2023-03"), its value, and how sure it is."""

    period: str
    value: Decimal | None
    qualifier: str = Qualifier.EXACT
    derived: bool = False

    @classmethod
    def from_observation(cls, observation):
        return cls(observation.period, observation.value, observation.qualifier, observation.is_derived)


@dataclass(frozen=True)
class Series:
    label: str
    points: tuple[Point, ...]
    currency: str = "USD"

    @classmethod
    def from_observations(cls, label, observations, currency="USD"):
        return cls(str(label), tuple(Point.from_observation(o) for o in observations), currency)


@dataclass(frozen=True)
class TableRow:
    """One line of the table shown beside a chart."""

    series: str
    period: str
    period_display: str
    value: Decimal
    value_display: str
    qualifier: str
    qualifier_label: str
    qualifier_symbol: str
    derived: bool


def _point(point):
    if isinstance(point, Point):
        return point
    if hasattr(point, "period") and hasattr(point, "value"):
        return Point.from_observation(point)
    period, value, *rest = point
    qualifier = rest[0] if rest and rest[0] else Qualifier.EXACT
    derived = bool(rest[1]) if len(rest) > 1 else False
    return Point(str(period), value, qualifier, derived)


def _series(series):
    """Accept Series objects or (label, points) pairs, with points as Point, observations or tuples."""
    result = []
    for item in series:
        if not isinstance(item, Series):
            label, points, *rest = item
            item = Series(str(label), tuple(points), *rest)
        points = tuple(_point(p) for p in item.points)
        points = tuple(
            Point(
                str(p.period),
                Decimal(str(p.value)) if p.value is not None else None,
                Qualifier(p.qualifier or Qualifier.EXACT),
                bool(p.derived),
            )
            for p in points
        )
        result.append(Series(str(item.label), points, item.currency))
    return result


def _period_key(text):
    match = re.match(r"^(\d{4})(?:-Q([1-4])|-(\d{2}))?$", text)
    if not match:
        return (0, 0, text)
    year, quarter, month = match.groups()
    return (int(year), 3 * int(quarter) - 2 if quarter else int(month or 0), text)


def _text_width(text, size=_FONT_SIZE):
    # An estimate (the browser measures, we cannot): a little wider than an average sans-serif glyph.
    return len(text) * size * 0.62


def _n(number):
    return f"{number:.1f}"


def _join(parts):
    return mark_safe("".join(parts))  # every part comes from format_html or another _join


def data_table_rows(series):
    """The rows of the table shown beside a chart: one per point with a value, series by series, in period order."""
    rows = []
    for item in _series(series):
        for point in sorted(item.points, key=lambda p: _period_key(p.period)):
            if point.value is None:
                continue
            qualifier = Qualifier(point.qualifier or Qualifier.EXACT)
            rows.append(
                TableRow(
                    series=item.label,
                    period=point.period,
                    period_display=format_period(point.period),
                    value=point.value,
                    value_display=format_money(point.value, item.currency, qualifier),
                    qualifier=qualifier.value,
                    qualifier_label=str(qualifier.label),
                    qualifier_symbol=qualifier.symbol,
                    derived=point.derived,
                )
            )
    return rows


@dataclass(frozen=True)
class Target:
    """Where a linked indicator should get to: a value by a period ("USD 150 million in 2025")."""

    value: Decimal
    period: str
    currency: str = "USD"


def target_progress(series, target):
    """ "Target: USD 150 million in 2025. The latest value (2022) is 61% of it." in the active language, for the
    first of `series`."""
    text = _("Target: %(value)s in %(period)s.") % {
        "value": format_money(target.value, target.currency),
        "period": format_period(target.period),
    }
    points = [p for s in _series(series)[:1] for p in s.points if p.value is not None]
    if not points or not target.value:
        return text
    latest = max(points, key=lambda p: _period_key(p.period))
    share = 100 * Decimal(latest.value) / Decimal(target.value)
    return f"{text} " + _("The latest value (%(period)s) is %(percent)s of it.") % {
        "period": format_period(latest.period),
        "percent": format_percent(share, 0),
    }


def line_chart(series, *, title, description, y_label, width=640, height=300, target=None):
    """A line per series over its periods, with a marker at each value; with `target`, a dashed target line, the
    target's period on the axis and the progress of the latest value toward it. Returns a SafeString <svg>."""
    return _Chart("line", series, title, description, y_label, width, height, target).render()


def bar_chart(series, *, title, description, y_label, width=640, height=300):
    """Bars grouped by period, one per series; negative values hang below the zero line. Returns a SafeString."""
    return _Chart("bar", series, title, description, y_label, width, height).render()


def _bar_label(point):
    symbol = Qualifier(point.qualifier).symbol
    return f"{symbol}\u00a0{format_compact(point.value)}" if symbol else format_compact(point.value)


def axis_ticks(values):
    """(ticks, their labels, the unit they are written in) for a value axis over `values` and zero: round ticks,
    every label in one unit with as many decimals as the step needs ("0", "0.5B", "1.0B"). Also used by the
    documents' chart image (tracker.documents.chart_image)."""
    ticks, step = _nice_ticks(min([*values, Decimal(0)]), max([*values, Decimal(0)]))
    unit = compact_unit(max(abs(ticks[0]), abs(ticks[-1])))
    places = max(0, -(step / unit).normalize().as_tuple().exponent)
    return ticks, [format_compact(t, unit=unit, decimal_pos=places) for t in ticks], unit


def _nice_ticks(low, high, target=5):
    """Round tick values covering low..high (and zero): 0, 100, 200, 300, 400 million, not 0, 83.5, 167…"""
    if low == high:
        high = low + (abs(low) or 1)
    raw = (high - low) / target
    magnitude = Decimal(1).scaleb(raw.adjusted())
    step = next(magnitude * m for m in (1, 2, 5, 10) if magnitude * m >= raw)
    start = (low / step).to_integral_value(ROUND_FLOOR) * step
    end = (high / step).to_integral_value(ROUND_CEILING) * step
    count = int((end - start) / step)
    return [start + step * i for i in range(count + 1)], step


def _marker_path(shape, x, y, r=_MARKER_RADIUS):
    if shape == "circle":
        return f"M{_n(x - r)} {_n(y)}a{r} {r} 0 1 0 {2 * r} 0a{r} {r} 0 1 0 {-2 * r} 0Z"
    if shape == "square":
        s = r * 0.9
        return f"M{_n(x - s)} {_n(y - s)}h{_n(2 * s)}v{_n(2 * s)}h{_n(-2 * s)}Z"
    if shape == "triangle":
        return f"M{_n(x)} {_n(y - r * 1.2)}L{_n(x + r * 1.1)} {_n(y + r * 0.8)}L{_n(x - r * 1.1)} {_n(y + r * 0.8)}Z"
    if shape == "triangle-down":
        return f"M{_n(x)} {_n(y + r * 1.2)}L{_n(x + r * 1.1)} {_n(y - r * 0.8)}L{_n(x - r * 1.1)} {_n(y - r * 0.8)}Z"
    return f"M{_n(x)} {_n(y - r * 1.3)}L{_n(x + r * 1.3)} {_n(y)}L{_n(x)} {_n(y + r * 1.3)}L{_n(x - r * 1.3)} {_n(y)}Z"


class _Chart:
    """Lays out and draws one chart; `kind` is "line" or "bar"."""

    def __init__(self, kind, series, title, description, y_label, width, height, target=None):
        self.kind = kind
        self.target = target
        self.series = [s for s in _series(series) if any(p.value is not None for p in s.points)]
        self.title = str(title)
        self.description = str(description)
        self.y_label = str(y_label or "")
        self.width = width
        self.height = height
        self.id = f"chart-{uuid.uuid4().hex[:12]}"
        # A period given with no value keeps its place on the axis, so the line breaks there instead of bridging it.
        self.periods = sorted({p.period for s in self.series for p in s.points}, key=_period_key)
        if target is not None and self.periods and target.period not in self.periods:
            self.periods = sorted([*self.periods, target.period], key=_period_key)
        self.qualifiers = [
            q
            for q in Qualifier
            if q != Qualifier.EXACT
            and any(p.qualifier == q for s in self.series for p in s.points if p.value is not None)
        ]
        self.has_derived = any(p.derived for s in self.series for p in s.points if p.value is not None)

    # -- the whole picture -------------------------------------------------------------------------------------

    def render(self):
        head = format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{}" viewBox="0 0 {} {}" width="100%" '
            'role="img" aria-labelledby="{}-title {}-desc" font-family="system-ui, -apple-system, Segoe UI, '
            'Roboto, sans-serif" font-size="{}"><title id="{}-title">{}</title><desc id="{}-desc">{}</desc>',
            self.kind,
            self.width,
            self.height,
            self.id,
            self.id,
            _FONT_SIZE,
            self.id,
            self.title,
            self.id,
            self._desc(),
        )
        if not self.periods:
            body = format_html(
                '<text class="no-data" x="{}" y="{}" text-anchor="middle" fill="{}">{}</text>',
                _n(self.width / 2),
                _n(self.height / 2),
                _MUTED,
                _("No data"),
            )
        else:
            self._layout()
            body = _join([self._defs(), self._y_axis(), self._x_axis(), self._target(), self._marks(), self._legend()])
        return _join([head, body, mark_safe("</svg>")])

    def _desc(self):
        if not self.periods:
            return " ".join(part for part in (self.description, _("No data.")) if part)
        parts = [self.description] if self.description else []
        parts.append(
            _("%(kind)s of %(series)s, %(first)s to %(last)s.")
            % {
                "kind": _("Line chart") if self.kind == "line" else _("Bar chart"),
                "series": ", ".join(s.label for s in self.series),
                "first": format_period(self.periods[0]),
                "last": format_period(self.periods[-1]),
            }
        )
        if self.has_derived:
            derived = [
                f"{s.label} {format_period(p.period)}"
                for s in self.series
                for p in s.points
                if p.derived and p.value is not None
            ]
            if len(derived) > 8:
                derived = [*derived[:8], _("%(count)s more") % {"count": len(derived) - 8}]
            drawn = _("hollow markers") if self.kind == "line" else _("faded bars with a dashed outline")
            parts.append(
                _("Derived values, computed from other figures, are drawn as %(drawn)s: %(points)s.")
                % {"drawn": drawn, "points": ", ".join(derived)}
            )
        if self.target is not None:
            parts.append(self.progress())
        if self.qualifiers:
            parts.append(
                _("Values that are not exact are marked: %(marks)s.")
                % {"marks": ", ".join(f"{q.symbol} {str(q.label).lower()}" for q in self.qualifiers)}
            )
        return " ".join(parts)

    # -- geometry ----------------------------------------------------------------------------------------------

    def _layout(self):
        values = [p.value for s in self.series for p in s.points if p.value is not None]
        if self.target is not None:
            values.append(Decimal(self.target.value))
        self.ticks, self.tick_labels, _unit = axis_ticks(values)

        self.legend_items = self._legend_items()
        self.legend_rows = self._place_legend()
        legend_height = len(self.legend_rows) * 20
        self.left = max(36, max(_text_width(t) for t in self.tick_labels) + 14)
        self.right = 14
        self.top = 30 if self.y_label else 14
        self.bottom = 28 + legend_height
        self.plot_height = max(60, self.height - self.top - self.bottom)
        self.plot_width = self.width - self.left - self.right
        self.band = self.plot_width / len(self.periods)
        self.index = {period: i for i, period in enumerate(self.periods)}
        self.labelled = self._labelled_bars() if self.kind == "bar" else set()

    def _labelled_bars(self):
        """{(series index, period)} of the bars that carry their figure: all when every label fits over its bar;
        otherwise thinned so that none overlaps, never none (#18). A labelled band carries as many series' labels
        as fit side by side (else one, taking turns), every `stride` bands counted back from the latest."""
        count = len(self.series)
        widths = [_text_width(_bar_label(p), 11) for s in self.series for p in s.points if p.value is not None]
        if not widths:
            return set()
        widest = max(widths)
        if widest <= self.band * 0.8 / count - 4:
            return {(i, p.period) for i, s in enumerate(self.series) for p in s.points}
        together = count if count * (widest + 4) <= self.band * 0.8 else 1
        stride = max(1, math.ceil((together * (widest + 4) + 4) / self.band))
        labelled = set()
        last = len(self.periods) - 1
        for position, period in enumerate(self.periods):
            if (last - position) % stride:
                continue
            turn = (last - position) // stride
            chosen = range(count) if together == count else [turn % count]
            labelled |= {(i, period) for i in chosen}
        return labelled

    def y(self, value):
        low, high = float(self.ticks[0]), float(self.ticks[-1])
        return self.top + (high - float(value)) / (high - low) * self.plot_height

    def x(self, period):
        return self.left + (self.index[period] + 0.5) * self.band

    # -- pieces ------------------------------------------------------------------------------------------------

    def _defs(self):
        if self.kind != "bar":
            return mark_safe("")
        patterns = []
        for i in range(len(self.series)):
            colour = PALETTE[i % len(PALETTE)]
            kind = i % 4
            pid = f"{self.id}-fill-{i}"
            if kind == 0:
                inner = format_html('<rect width="6" height="6" fill="{}"/>', colour)
                rotate = 0
            elif kind == 1:
                inner = format_html(
                    '<rect width="6" height="6" fill="#fff"/><rect width="3.5" height="6" fill="{}"/>', colour
                )
                rotate = 45
            elif kind == 2:
                inner = format_html(
                    '<rect width="6" height="6" fill="#fff"/><circle cx="3" cy="3" r="2" fill="{}"/>', colour
                )
                rotate = 0
            else:
                inner = format_html(
                    '<rect width="6" height="6" fill="#fff"/><rect width="2.5" height="6" fill="{}"/>'
                    '<rect width="6" height="2.5" fill="{}"/>',
                    colour,
                    colour,
                )
                rotate = 45
            patterns.append(
                format_html(
                    '<pattern id="{}" patternUnits="userSpaceOnUse" width="6" height="6" '
                    'patternTransform="rotate({})">{}</pattern>',
                    pid,
                    rotate,
                    inner,
                )
            )
        return format_html("<defs>{}</defs>", _join(patterns))

    def _y_axis(self):
        parts = []
        if self.y_label:
            parts.append(
                format_html(
                    '<text class="y-label" x="{}" y="{}" fill="{}">{}</text>', _n(self.left), 16, _TEXT, self.y_label
                )
            )
        x1, x2 = self.left, self.width - self.right
        for tick, label in zip(self.ticks, self.tick_labels, strict=True):
            y = self.y(tick)
            is_zero = tick == 0
            parts.append(
                format_html(
                    '<line class="{}" x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="{}"/>',
                    "zero-line" if is_zero else "gridline",
                    _n(x1),
                    _n(x2),
                    _n(y),
                    _n(y),
                    _MUTED if is_zero else _GRID,
                    "1.5" if is_zero else "1",
                )
            )
            parts.append(
                format_html(
                    '<text class="tick-label" x="{}" y="{}" text-anchor="end" dominant-baseline="middle" '
                    'fill="{}">{}</text>',
                    _n(self.left - 6),
                    _n(y),
                    _TEXT,
                    label,
                )
            )
        return format_html('<g class="y-axis">{}</g>', _join(parts))

    def _x_axis(self):
        labels = [format_period(p) for p in self.periods]
        every = max(1, math.ceil((max(_text_width(t) for t in labels) + 8) / self.band))
        baseline = self.top + self.plot_height
        parts = [
            format_html(
                '<text class="x-label" x="{}" y="{}" text-anchor="middle" fill="{}">{}</text>',
                _n(min(max(self.x(period), _text_width(label) / 2 + 2), self.width - _text_width(label) / 2 - 2)),
                _n(baseline + 18),
                _TEXT,
                label,
            )
            for i, (period, label) in enumerate(zip(self.periods, labels, strict=True))
            if i % every == 0
        ]
        return format_html('<g class="x-axis">{}</g>', _join(parts))

    def _point_title(self, series, point):
        text = f"{series.label}, {format_period(point.period)}: "
        text += format_money(point.value, series.currency, point.qualifier)
        if point.derived:
            text += " (" + _("derived") + ")"
        return text

    # -- the target ------------------------------------------------------------------------------------------------

    def progress(self):
        return target_progress(self.series, self.target)

    def _target(self):
        if self.target is None or self.target.period not in self.index:
            return ""
        y, x = self.y(self.target.value), self.x(self.target.period)
        label = _("Target: %(value)s") % {"value": format_compact(self.target.value)}
        anchor = "end" if x > self.left + self.plot_width / 2 else "start"
        return format_html(
            '<g class="target">'
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="2" stroke-dasharray="6 4"/>'
            '<path class="target-marker" d="M {} {} l 7 -7 l 7 7 l -7 7 z" fill="#fff" stroke="{}" stroke-width="2">'
            "<title>{}</title></path>"
            '<text class="target-label" x="{}" y="{}" text-anchor="{}" fill="{}">{}</text></g>',
            _n(self.left),
            _n(self.left + self.plot_width),
            _n(y),
            _n(y),
            _TEXT,
            _n(x - 7),
            _n(y),
            _TEXT,
            self.progress(),
            _n(x + (-10 if anchor == "end" else 10)),
            _n(y - 8),
            anchor,
            _TEXT,
            label,
        )

    def _marks(self):
        if self.kind == "line":
            groups = [self._line(i, s) for i, s in enumerate(self.series)]
        else:
            groups = [self._bars(i, s) for i, s in enumerate(self.series)]
        return format_html('<g class="marks">{}</g>', _join(groups))

    def _line(self, i, series):
        colour, dash, shape = PALETTE[i % len(PALETTE)], _DASHES[i % len(_DASHES)], _SHAPES[i % len(_SHAPES)]
        points = sorted((p for p in series.points if p.period in self.index), key=lambda p: self.index[p.period])
        path, pen_down, previous = [], False, None
        for point in points:
            # A missing value, or a period this series skips, breaks the line rather than bridging the gap.
            adjacent = previous is not None and self.index[point.period] == self.index[previous.period] + 1
            if point.value is None:
                pen_down = False
            else:
                command = "L" if pen_down and adjacent else "M"
                path.append(f"{command}{_n(self.x(point.period))} {_n(self.y(point.value))}")
                pen_down = True
            previous = point
        parts = []
        if any(c.startswith("L") for c in path):
            parts.append(
                format_html(
                    '<path class="line" d="{}" fill="none" stroke="{}" stroke-width="2.5" stroke-dasharray="{}" '
                    'stroke-linejoin="round"/>',
                    "".join(path),
                    colour,
                    dash or "none",
                )
            )
        for point in points:
            if point.value is None:
                continue
            x, y = self.x(point.period), self.y(point.value)
            parts.append(
                format_html(
                    '<path class="marker point{}" data-period="{}" d="{}" fill="{}" stroke="{}" stroke-width="2">'
                    "<title>{}</title></path>",
                    " derived" if point.derived else "",
                    point.period,
                    _marker_path(shape, x, y),
                    "#fff" if point.derived else colour,
                    colour,
                    self._point_title(series, point),
                )
            )
            symbol = Qualifier(point.qualifier).symbol
            if symbol:
                parts.append(
                    format_html(
                        '<text class="qualifier" x="{}" y="{}" font-size="13" fill="{}" font-weight="bold">{}</text>',
                        _n(x + 6),
                        _n(y - 7),
                        colour,
                        symbol,
                    )
                )
        return format_html('<g class="series" data-series="{}">{}</g>', i, _join(parts))

    def _bars(self, i, series):
        colour = PALETTE[i % len(PALETTE)]
        count = len(self.series)
        group = self.band * 0.8
        bar_width = group / count
        zero = self.y(0)
        parts = []
        for point in series.points:
            if point.value is None or point.period not in self.index:
                continue
            x = self.x(point.period) - group / 2 + i * bar_width
            top = self.y(point.value)
            height = abs(zero - top)
            if point.value and height < 1:
                height = 1  # a tiny value still shows which side of zero it is on
            y = zero - height if point.value >= 0 else zero
            parts.append(
                format_html(
                    '<rect class="marker bar{}" data-period="{}" x="{}" y="{}" width="{}" height="{}" fill="url(#{})" '
                    'fill-opacity="{}" stroke="{}" stroke-width="1.5" stroke-dasharray="{}"><title>{}</title></rect>',
                    " derived" if point.derived else "",
                    point.period,
                    _n(x + 1),
                    _n(y),
                    _n(max(bar_width - 2, 1)),
                    _n(height),
                    f"{self.id}-fill-{i}",
                    "0.35" if point.derived else "1",
                    colour,
                    "3 2" if point.derived else "none",
                    self._point_title(series, point),
                )
            )
            # Figures on the bars, thinned where they would overlap (every figure is in the table beside the
            # chart); a bar without its figure still shows its qualifier symbol.
            symbol = Qualifier(point.qualifier).symbol
            on_bar = (i, point.period) in self.labelled
            label = _bar_label(point) if on_bar else symbol
            if label:
                parts.append(
                    format_html(
                        '<text class="{}" x="{}" y="{}" text-anchor="middle" font-size="{}" fill="{}"{}>{}</text>',
                        "value-label" if on_bar else "qualifier",
                        _n(x + bar_width / 2),
                        _n(y + height + 12 if point.value < 0 else y - 4),
                        11 if on_bar else 13,
                        _TEXT,
                        mark_safe("" if on_bar else ' font-weight="bold"'),
                        label,
                    )
                )
        return format_html('<g class="series" data-series="{}">{}</g>', i, _join(parts))

    # -- legend ------------------------------------------------------------------------------------------------

    def _legend_items(self):
        items = [(self._series_swatch(i), s.label) for i, s in enumerate(self.series)]
        if self.has_derived:
            if self.kind == "line":
                swatch = format_html(
                    '<path d="{}" fill="#fff" stroke="{}" stroke-width="2"/>', _marker_path("circle", 14, 0), _MUTED
                )
            else:
                swatch = format_html(
                    '<rect x="6" y="-6" width="16" height="12" fill="{}" fill-opacity="0.35" stroke="{}" '
                    'stroke-width="1.5" stroke-dasharray="3 2"/>',
                    _MUTED,
                    _MUTED,
                )
            items.append((swatch, _("derived (computed from other figures)")))
        for qualifier in self.qualifiers:
            swatch = format_html(
                '<text x="14" y="0" text-anchor="middle" dominant-baseline="middle" font-weight="bold" '
                'fill="{}">{}</text>',
                _TEXT,
                qualifier.symbol,
            )
            items.append((swatch, str(qualifier.label).lower()))
        return items

    def _series_swatch(self, i):
        colour = PALETTE[i % len(PALETTE)]
        if self.kind == "line":
            return format_html(
                '<line x1="0" x2="28" y1="0" y2="0" stroke="{}" stroke-width="2.5" stroke-dasharray="{}"/>'
                '<path d="{}" fill="{}" stroke="{}" stroke-width="2"/>',
                colour,
                _DASHES[i % len(_DASHES)] or "none",
                _marker_path(_SHAPES[i % len(_SHAPES)], 14, 0),
                colour,
                colour,
            )
        return format_html(
            '<rect x="6" y="-6" width="16" height="12" fill="url(#{}-fill-{})" stroke="{}" stroke-width="1.5"/>',
            self.id,
            i,
            colour,
        )

    def _place_legend(self):
        """Wrap legend items into rows that fit the width: [[(x, swatch, label), …], …]."""
        rows, row, x = [], [], 0.0
        available = self.width - 24
        for swatch, label in self.legend_items:
            item_width = 34 + _text_width(label) + 18
            if row and x + item_width > available:
                rows.append(row)
                row, x = [], 0.0
            row.append((x, swatch, label))
            x += item_width
        if row:
            rows.append(row)
        return rows

    def _legend(self):
        parts = []
        first_row = self.top + self.plot_height + 40
        for r, row in enumerate(self.legend_rows):
            for x, swatch, label in row:
                parts.append(
                    format_html(
                        '<g class="legend-item" transform="translate({} {})">{}<text x="34" y="0" '
                        'dominant-baseline="middle" fill="{}">{}</text></g>',
                        _n(12 + x),
                        _n(first_row + r * 20),
                        swatch,
                        _TEXT,
                        label,
                    )
                )
        return format_html('<g class="legend">{}</g>', _join(parts))

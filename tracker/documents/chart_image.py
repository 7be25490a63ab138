"""The trade chart as a PNG for documents (Word and PDF take images, not SVG): bars by year for each flow, drawn
with Pillow in the same colours as the pages' SVG charts (tracker.web.charts.PALETTE), numbers in the reader's
language. The table beside it in the document carries every figure as text."""

import io
from decimal import Decimal

from PIL import Image, ImageDraw, ImageFont

from tracker.documents import fonts
from tracker.domain.choices import Flow
from tracker.web.charts import PALETTE, axis_ticks
from tracker.web.formatting import format_compact

__all__ = ["yearly_bars"]

WIDTH, HEIGHT = 1600, 800  # drawn at twice the printed size, so it stays sharp on paper
_MARGIN_LEFT, _MARGIN_RIGHT, _MARGIN_TOP, _MARGIN_BOTTOM = 150, 40, 90, 90
_TEXT, _GRID = "#222222", "#d9d9d9"


def yearly_bars(rows, title):
    """PNG bytes for `rows` ([(year, {flow: observation or None})], trade.YearlyFlows.rows()), or None if empty."""
    flows = [flow for flow in (rows[0][1] if rows else {}) if any(by_flow[flow] for _, by_flow in rows)]
    if not flows:
        return None
    values = [by_flow[flow].value for _, by_flow in rows for flow in flows if by_flow[flow] is not None]
    ticks, tick_labels, unit = axis_ticks(values)  # the pages' charts' round ticks
    low, high = ticks[0], ticks[-1]
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    font, small = ImageFont.truetype(fonts.regular(), 26), ImageFont.truetype(fonts.regular(), 20)
    draw.text((_MARGIN_LEFT, 20), title, fill=_TEXT, font=ImageFont.truetype(fonts.bold(), 30))
    plot_top, plot_bottom = _MARGIN_TOP, HEIGHT - _MARGIN_BOTTOM

    def y_of(value):
        span = (high - low) or Decimal(1)
        return plot_bottom - float((Decimal(value) - low) / span) * (plot_bottom - plot_top)

    _axis(draw, y_of, ticks, tick_labels, small)
    group = (WIDTH - _MARGIN_LEFT - _MARGIN_RIGHT) / len(rows)
    bar = group * 0.8 / len(flows)
    label_every = max(1, round(len(rows) * len(flows) / 24))  # about two dozen labels fit; thin them evenly
    for column, (year, by_flow) in enumerate(rows):
        left = _MARGIN_LEFT + column * group + group * 0.1
        for index, flow in enumerate(flows):
            observation = by_flow[flow]
            if observation is None:
                continue
            x0, top, base = left + index * bar, y_of(observation.value), y_of(0)
            draw.rectangle((x0, min(top, base), x0 + bar - 2, max(top, base)), fill=PALETTE[index % len(PALETTE)])
            if (column * len(flows) + index) % label_every == 0:
                text = format_compact(observation.value, unit=unit)
                draw.text((x0 + bar / 2, min(top, base) - 4), text, fill=_TEXT, font=small, anchor="md")
        draw.text((left + group * 0.4, plot_bottom + 12), str(year), fill=_TEXT, font=font, anchor="ma")
    _legend(draw, flows, font)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", dpi=(200, 200))
    return buffer.getvalue()


def _axis(draw, y_of, ticks, labels, font):
    for value, label in zip(ticks, labels, strict=True):
        y = y_of(value)
        draw.line((_MARGIN_LEFT, y, WIDTH - _MARGIN_RIGHT, y), fill=_GRID, width=2)
        draw.text((_MARGIN_LEFT - 12, y), label, fill=_TEXT, font=font, anchor="rm")
    draw.line((_MARGIN_LEFT, y_of(0), WIDTH - _MARGIN_RIGHT, y_of(0)), fill=_TEXT, width=2)


def _legend(draw, flows, font):
    x = _MARGIN_LEFT
    for index, flow in enumerate(flows):
        draw.rectangle((x, HEIGHT - 34, x + 24, HEIGHT - 10), fill=PALETTE[index % len(PALETTE)])
        label = str(Flow(flow).label)
        draw.text((x + 34, HEIGHT - 22), label, fill=_TEXT, font=font, anchor="lm")
        x += 34 + draw.textlength(label, font=font) + 40

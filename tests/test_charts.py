"""Server-rendered SVG charts (tracker.web.charts): valid, labelled, localised, honest about derived and rough
values."""

import itertools
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString

from tracker.web.charts import PALETTE, Point, Series, Target, _text_width, bar_chart, data_table_rows, line_chart

SVG = "{http://www.w3.org/2000/svg}"
NBSP = "\u00a0"
MINUS = "\u2212"
YEARS = ("2019", "2020", "2021", "2022", "2023")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def exports():
    values = ("250000000", "280000000", "334000000", "310000000", "360000000")
    return Series("Exports", tuple(Point(year, Decimal(v)) for year, v in zip(YEARS, values, strict=True)))


def imports():
    values = ("300000000", "320000000", "402000000", "378000000", "350000000")
    return Series(
        "Imports",
        tuple(
            Point(year, Decimal(v), "approx" if year == "2022" else "exact")
            for year, v in zip(YEARS, values, strict=True)
        ),
    )


def balance():
    """Exports minus imports, so every value is derived and most are negative."""
    return Series(
        "Balance",
        tuple(
            Point(e.period, e.value - i.value, "exact", True)
            for e, i in zip(exports().points, imports().points, strict=True)
        ),
    )


def draw(chart=line_chart, series=None, **options):
    options = {"title": "Trade with Lipetsk", "description": "By year.", "y_label": "USD", **options}
    svg = chart([exports(), imports()] if series is None else series, **options)
    return svg, ET.fromstring(str(svg))


def with_class(root, name):
    return [e for e in root.iter() if name in (e.get("class") or "").split()]


def texts(elements):
    return ["".join(e.itertext()) for e in elements]


@pytest.mark.parametrize("chart", [line_chart, bar_chart])
def test_it_is_one_valid_svg_element_that_scales(chart):
    svg, root = draw(chart)
    assert isinstance(svg, SafeString)
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == "0 0 640 300"
    assert root.get("width") == "100%"
    assert root.get("height") is None


@pytest.mark.parametrize("chart", [line_chart, bar_chart])
def test_it_is_an_image_labelled_by_its_own_title_and_desc(chart):
    _svg, root = draw(chart, title="Trade with Lipetsk", description="Exports and imports by year.")
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert (title.get("id"), desc.get("id")) == (title_id, desc_id)
    assert title.text == "Trade with Lipetsk"
    assert desc.text.startswith("Exports and imports by year.")
    assert "Exports, Imports" in desc.text


def test_two_charts_on_one_page_have_different_ids():
    _svg, first = draw()
    _svg, second = draw()
    assert first.get("aria-labelledby") != second.get("aria-labelledby")


def test_y_ticks_are_round_values_in_english():
    _svg, root = draw(series=[exports()])
    assert texts(with_class(root, "tick-label")) == ["0", "100M", "200M", "300M", "400M"]
    assert len(with_class(root, "gridline")) == 4
    assert len(with_class(root, "zero-line")) == 1


def test_y_ticks_and_x_labels_follow_the_active_language():
    quarters = Series("Exports", (Point("2023-Q1", Decimal("1200000000")), Point("2023-Q2", Decimal("900000000"))))
    with translation.override("ru"):
        _svg, root = draw(series=[quarters])
    ticks = texts(with_class(root, "tick-label"))
    assert ticks[0] == "0"
    assert all("млрд" in tick for tick in ticks[1:]), ticks
    assert f"0,5{NBSP}млрд" in ticks
    assert texts(with_class(root, "x-label")) == [f"I{NBSP}кв.{NBSP}2023", f"II{NBSP}кв.{NBSP}2023"]


def test_russian_millions_on_the_axis():
    with translation.override("ru"):
        _svg, root = draw(bar_chart, series=[exports()])
    assert f"300{NBSP}млн" in texts(with_class(root, "tick-label"))


def test_x_labels_are_formatted_periods_in_period_order():
    shuffled = Series("Exports", tuple(reversed(exports().points)))
    _svg, root = draw(series=[shuffled])
    assert texts(with_class(root, "x-label")) == list(YEARS)
    months = Series("Exports", (Point("2023-03", 5), Point("2023-01", 3)))
    _svg, root = draw(series=[months])
    assert texts(with_class(root, "x-label")) == ["Jan 2023", "Mar 2023"]


@pytest.mark.parametrize("chart", [line_chart, bar_chart])
def test_one_marker_per_point_with_a_value(chart):
    gappy = Series("Turnover", (Point("2019", 5), Point("2020", None), Point("2021", 7)))
    _svg, root = draw(chart, series=[exports(), imports(), gappy])
    assert len(with_class(root, "marker")) == 5 + 5 + 2


def test_a_missing_value_breaks_the_line():
    gappy = Series("Turnover", (Point("2019", 5), Point("2020", 6), Point("2021", None), Point("2022", 7)))
    _svg, root = draw(series=[gappy])
    (line,) = with_class(root, "line")
    assert line.get("d").count("M") == 2


def test_each_marker_says_what_it_is_when_hovered():
    _svg, root = draw(series=[imports()])
    titles = [m.find(f"{SVG}title").text for m in with_class(root, "marker")]
    assert "Imports, 2022: ≈ USD 378 million" in titles


def test_derived_points_are_hollow_and_the_legend_and_desc_say_so():
    _svg, root = draw(series=[exports(), balance()])
    derived = with_class(root, "derived")
    assert len(derived) == 5
    assert all(marker.get("fill") == "#fff" for marker in derived)
    assert all(marker.get("fill") != "#fff" for marker in with_class(root, "marker") if marker not in derived)
    assert "derived (computed from other figures)" in texts(with_class(root, "legend-item"))
    assert "Derived values" in root.find(f"{SVG}desc").text
    assert "Balance 2019" in root.find(f"{SVG}desc").text


def test_derived_bars_are_faded_with_a_dashed_outline():
    _svg, root = draw(bar_chart, series=[exports(), balance()])
    derived = with_class(root, "derived")
    assert len(derived) == 5
    assert all(bar.get("stroke-dasharray") != "none" and bar.get("fill-opacity") != "1" for bar in derived)
    assert "derived (computed from other figures)" in texts(with_class(root, "legend-item"))


@pytest.mark.parametrize("chart", [line_chart, bar_chart])
def test_approximate_points_show_the_qualifier_symbol(chart):
    _svg, root = draw(chart, series=[imports()])
    marks = [t for t in texts(root.iter(f"{SVG}text")) if "≈" in t]
    legend = texts(with_class(root, "legend-item"))
    assert any(t in ("≈", f"≈{NBSP}378M") for t in marks), marks
    assert "≈approximately" in legend
    assert "≈ approximately" in root.find(f"{SVG}desc").text


def test_exact_only_charts_have_no_qualifier_marks():
    _svg, root = draw(series=[exports()])
    assert not with_class(root, "qualifier")
    assert "approximately" not in "".join(root.itertext())


@pytest.mark.parametrize("chart", [line_chart, bar_chart])
def test_labels_are_escaped(chart):
    nasty = Series("<script>alert(1)</script>", exports().points)
    svg, root = draw(chart, series=[nasty], title="<b>Title</b>", description="<i>&</i>", y_label="<u>USD</u>")
    assert "<script" not in svg and "<b>" not in svg and "<u>" not in svg
    assert "&lt;script&gt;" in svg
    assert not [e for e in root.iter() if e.tag.endswith(("script", "b", "i", "u"))]
    assert "<script>alert(1)</script>" in texts(with_class(root, "legend-item"))
    assert root.find(f"{SVG}title").text == "<b>Title</b>"


@pytest.mark.parametrize("chart", [line_chart, bar_chart])
@pytest.mark.parametrize("series", [[], [Series("Exports", ())], [Series("Exports", (Point("2020", None),))]])
def test_no_data(chart, series):
    _svg, root = draw(chart, series=series)
    assert texts(with_class(root, "no-data")) == ["No data"]
    assert root.get("role") == "img"
    _title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}desc").get("id") == desc_id
    assert not with_class(root, "marker")


def test_negative_bars_hang_below_the_zero_line():
    _svg, root = draw(bar_chart, series=[exports(), balance()])
    (zero_line,) = with_class(root, "zero-line")
    zero = float(zero_line.get("y1"))
    exports_group, balance_group = with_class(root, "series")
    for bar in with_class(exports_group, "bar"):
        assert float(bar.get("y")) < zero
        assert float(bar.get("y")) + float(bar.get("height")) == pytest.approx(zero)
    balance_bars = {bar.get("data-period"): bar for bar in with_class(balance_group, "bar")}
    surplus = balance_bars.pop("2023")  # exports beat imports only in 2023
    assert float(surplus.get("y")) + float(surplus.get("height")) == pytest.approx(zero)
    for bar in balance_bars.values():
        assert float(bar.get("y")) == pytest.approx(zero)
        assert float(bar.get("y")) + float(bar.get("height")) > zero + 1
    assert texts(with_class(root, "tick-label"))[0].startswith(MINUS)


def test_bigger_values_make_taller_bars():
    _svg, root = draw(bar_chart, series=[exports()])
    heights = {bar.get("data-period"): float(bar.get("height")) for bar in with_class(root, "bar")}
    assert heights["2021"] > heights["2020"] > heights["2019"]
    assert heights["2021"] / heights["2019"] == pytest.approx(334 / 250, rel=0.02)


def test_series_differ_by_more_than_colour():
    _svg, root = draw(series=[exports(), imports(), balance()])
    lines = with_class(root, "line")
    assert len({line.get("stroke") for line in lines}) == 3
    assert len({line.get("stroke-dasharray") for line in lines}) == 3
    shapes = {re.sub(r"[^A-Za-z]", "", with_class(group, "marker")[0].get("d")) for group in with_class(root, "series")}
    assert len(shapes) == 3
    _svg, root = draw(bar_chart, series=[exports(), imports(), balance()])
    assert len({bar.get("fill") for bar in with_class(root, "bar")}) == 3
    assert len(root.findall(f".//{SVG}pattern")) == 3


def _luminance(colour):
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("colour", PALETTE)
def test_every_series_colour_stands_out_against_white(colour):
    contrast = 1.05 / (_luminance(colour) + 0.05)
    assert contrast >= 4.5, f"{colour} has contrast {contrast:.2f}:1 against white; darken it"


def test_series_can_be_given_as_tuples_or_observations():
    observation = SimpleNamespace(period="2021", value=Decimal("5000000"), qualifier="at_least", is_derived=False)
    _svg, root = draw(series=[("Exports", [("2020", Decimal("4000000")), ("2022", 6000000, "approx", True)])])
    assert len(with_class(root, "marker")) == 2
    _svg, root = draw(series=[Series.from_observations("Exports", [observation])])
    assert "≥" in "".join(root.itertext())


def test_data_table_rows():
    rows = data_table_rows([imports(), balance(), Series("Empty", (Point("2020", None),))])
    assert len(rows) == 10
    approx = next(row for row in rows if row.series == "Imports" and row.period == "2022")
    assert (approx.period_display, approx.value_display) == ("2022", "≈ USD 378 million")
    assert (approx.qualifier, approx.qualifier_symbol, approx.qualifier_label) == ("approx", "≈", "Approximately")
    assert not approx.derived
    derived = next(row for row in rows if row.series == "Balance" and row.period == "2019")
    assert derived.derived
    assert derived.value == Decimal("-50000000")
    assert derived.value_display == f"{MINUS}USD 50 million"
    with translation.override("ru"):
        (row,) = data_table_rows([Series("Exports", (Point("2023-Q1", Decimal("334000000"), "approx"),))])
    assert (row.period_display, row.value_display) == (f"I{NBSP}кв.{NBSP}2023", f"≈{NBSP}334{NBSP}млн{NBSP}$")


def test_the_chart_include_shows_the_chart_and_its_table():
    series = [imports()]
    html = render_to_string(
        "tracker/includes/chart.html",
        {"chart": line_chart(series, title="T", description="D", y_label="USD"), "rows": data_table_rows(series)},
    )
    assert html.count("<svg") == 1
    assert "≈ USD 378 million" in html
    assert html.count("<tr>") == 1 + 5


def test_bars_carry_all_their_figures_when_they_fit():
    _svg, root = draw(bar_chart, series=[imports()])
    assert texts(with_class(root, "value-label")) == ["300M", "320M", "402M", f"≈{NBSP}378M", "350M"]


def _flows_over(periods):
    """Four flows over `periods` years, the values growing, so labels are as wide as they get."""
    years = [str(2000 + n) for n in range(periods)]
    return [
        Series(name, tuple(Point(year, Decimal(100_000_000 * (k + 1) + 7_654_321 * n)) for n, year in enumerate(years)))
        for k, name in enumerate(("Turnover", "Exports", "Imports", "Balance"))
    ]


@pytest.mark.parametrize("periods", [3, 10, 30])
def test_figures_on_bars_are_thinned_never_dropped_and_never_overlap(periods):
    """Before #18 a chart of 4 flows lost every figure once they did not all fit (from three years on)."""
    _svg, root = draw(bar_chart, series=_flows_over(periods))

    labels = with_class(root, "value-label")
    spans = sorted(
        (float(e.get("x")) - _text_width(text, 11) / 2, float(e.get("x")) + _text_width(text, 11) / 2)
        for e, text in zip(labels, texts(labels), strict=True)
    )
    assert all(left >= right_before for (_, right_before), (left, _) in itertools.pairwise(spans))
    groups = [g for g in root.iter() if g.get("class") == "series"]
    assert len(groups) == 4 and all(with_class(group, "value-label") for group in groups), "a series lost its figures"
    last = str(2000 + periods - 1)
    centres = {
        round(float(bar.get("x")) - 1 + (float(bar.get("width")) + 2) / 2, 1)
        for bar in with_class(root, "bar")
        if bar.get("data-period") == last
    }
    assert any(round(float(label.get("x")), 1) in centres for label in labels), "the latest year has no figure"


def test_a_target_is_drawn_with_its_period_on_the_axis_and_the_progress_toward_it():
    """Before #18 a linked indicator's target was only a sentence under the chart."""
    target = Target(Decimal("500000000"), "2025")

    svg, root = draw(series=[exports()], target=target)

    line = [e for e in root.iter() if e.get("class") == "target"]
    assert len(line) == 1 and with_class(root, "target-label")
    assert texts(with_class(root, "x-label"))[-1] == "2025"  # the target's year on the axis, after the data
    assert "Target: USD 500 million in 2025. The latest value (2023) is 72% of it." in str(svg)
    assert texts(with_class(root, "tick-label"))[-1] == "500M"  # the axis reaches the target

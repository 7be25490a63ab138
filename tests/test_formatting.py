"""Money, numbers, percentages and periods in English and Russian (tracker.web.formatting and its template filters)."""

from decimal import Decimal
from unittest import mock

import pytest
from django.template import Context, Template
from django.utils import translation

from tracker.domain.choices import Frequency, Qualifier
from tracker.domain.periods import parse_period
from tracker.web import formatting
from tracker.web.formatting import format_compact, format_money, format_number, format_percent, format_period

NBSP = "\u00a0"
MINUS = "\u2212"


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def russian():
    with translation.override("ru"):
        yield


@pytest.mark.parametrize(
    ("value", "qualifier", "expected"),
    [
        ("334000000", Qualifier.EXACT, "USD 334 million"),
        ("334412000.50", Qualifier.APPROXIMATELY, "≈ USD 334 million"),
        ("91000000", Qualifier.AT_LEAST, "≥ USD 91 million"),
        ("68000000", "exact", "USD 68 million"),
        ("1234000000", "exact", "USD 1.2 billion"),
        ("950000", "exact", "USD 950 thousand"),
        ("512.4", "exact", "USD 512.40"),
        ("12000000", "at_most", "≤ USD 12 million"),
        ("2000000000", "exact", "USD 2 billion"),
    ],
)
def test_it_writes_money_in_english(english, value, qualifier, expected):
    assert format_money(Decimal(value), qualifier=qualifier) == expected


@pytest.mark.parametrize(
    ("value", "qualifier", "expected"),
    [
        ("334000000", "exact", f"334{NBSP}млн{NBSP}$"),
        ("334000000", "approx", f"≈{NBSP}334{NBSP}млн{NBSP}$"),
        ("91000000", "at_least", f"≥{NBSP}91{NBSP}млн{NBSP}$"),
        ("1234000000", "exact", f"1,2{NBSP}млрд{NBSP}$"),
        ("950000", "exact", f"950{NBSP}тыс.{NBSP}$"),
        ("512.4", "exact", f"512,40{NBSP}$"),
    ],
)
def test_it_writes_money_in_russian_without_a_catalogue(russian, value, qualifier, expected):
    assert format_money(Decimal(value), qualifier=qualifier) == expected


def test_russian_money_never_breaks_a_line_inside_an_amount(russian):
    for value in ("334000000", "1234000000", "950000", "512.4", "-68000000", "1234567.89"):
        assert " " not in format_money(Decimal(value), qualifier="approx")


def test_negative_money_has_a_real_minus_sign(english):
    assert format_money(Decimal("-68000000")) == f"{MINUS}USD 68 million"
    assert format_money(Decimal("-512.4")) == f"{MINUS}USD 512.40"
    assert format_money(Decimal("-68000000"), qualifier="approx") == f"≈ {MINUS}USD 68 million"
    with translation.override("ru"):
        assert format_money(Decimal("-68000000")) == f"{MINUS}68{NBSP}млн{NBSP}$"
        assert format_money(Decimal("-1234000000")) == f"{MINUS}1,2{NBSP}млрд{NBSP}$"


def test_small_values_are_written_to_the_cent_with_grouping(english):
    assert format_money(Decimal("999.994")) == "USD 999.99"
    assert format_money(0) == "USD 0.00"
    assert format_money(Decimal("-0.001")) == "USD 0.00", "no minus on a value that rounds to zero"
    with translation.override("ru"):
        assert format_money(Decimal("7.5")) == f"7,50{NBSP}$"


def test_one_decimal_below_ten_of_the_unit_and_none_from_ten(english):
    assert format_money(Decimal("9940000")) == "USD 9.9 million"
    assert format_money(Decimal("9960000")) == "USD 10 million"
    assert format_money(Decimal("10400000")) == "USD 10 million"
    assert format_money(Decimal("1040000000")) == "USD 1 billion", "a decimal of 0 is dropped"


def test_rounding_up_to_a_thousand_of_a_unit_moves_to_the_next_unit(english):
    assert format_money(Decimal("999999999")) == "USD 1 billion"
    assert format_money(Decimal("999999.99")) == "USD 1 million"
    assert format_money(Decimal("999.996")) == "USD 1 thousand"


def test_money_takes_ints_floats_strings_and_other_currencies(english):
    assert format_money(334_000_000) == "USD 334 million"
    assert format_money(1.25e9) == "USD 1.3 billion"
    assert format_money("950000", currency="EUR") == "EUR 950 thousand"
    with translation.override("ru"):
        assert format_money("950000", currency="EUR") == f"950{NBSP}тыс.{NBSP}€"
        assert format_money("950000", currency="KZT") == f"950{NBSP}тыс.{NBSP}KZT"


def test_money_of_nothing_is_empty_and_nonsense_is_refused(english):
    assert format_money(None) == ""
    with pytest.raises(ValueError, match="not a number"):
        format_money("lots")
    with pytest.raises(ValueError):
        format_money(1, qualifier="roughly")


def test_a_catalogue_translation_wins_over_the_built_in_table(russian):
    real = formatting.pgettext

    def translated(context, message):
        return "миллионов" if (context, message) == ("money scale", "million") else real(context, message)

    format_money(334_000_000)  # the word tables are built once per language and kept...
    with mock.patch.object(formatting, "pgettext", translated):
        formatting.clear_cache()  # ...until the catalogues change
        assert format_money(334_000_000) == f"334{NBSP}миллионов{NBSP}$"
        assert format_money(1_234_000_000) == f"1,2{NBSP}млрд{NBSP}$"
    formatting.clear_cache()
    assert format_money(334_000_000) == f"334{NBSP}млн{NBSP}$"


def test_compact_numbers_for_chart_axes(english):
    assert [format_compact(v) for v in (0, 300_000_000, 1_200_000_000, 950_000, -50_000_000, 512)] == [
        "0",
        "300M",
        "1.2B",
        "950K",
        f"{MINUS}50M",
        "512",
    ]
    assert format_compact(10**9, unit=10**9, decimal_pos=1) == "1.0B"
    with translation.override("ru"):
        assert format_compact(300_000_000) == f"300{NBSP}млн"
        assert format_compact(1_200_000_000) == f"1,2{NBSP}млрд"
        assert format_compact(950_000) == f"950{NBSP}тыс."


def test_numbers_are_grouped_per_language(english):
    assert format_number(1234567) == "1,234,567"
    assert format_number(Decimal("1234567.50")) == "1,234,567.50"
    assert format_number(Decimal("1234567.00")) == "1,234,567"
    assert format_number(-1234) == f"{MINUS}1,234"
    assert format_number(Decimal("2.345"), 2) == "2.35"
    assert format_number(None) == ""
    with translation.override("ru"):
        assert format_number(1234567) == f"1{NBSP}234{NBSP}567"
        assert format_number(Decimal("1234.5")) == f"1{NBSP}234,5"


def test_percentages(english):
    assert format_percent(Decimal("12.5")) == "12.5%"
    assert format_percent(-3.14) == f"{MINUS}3.1%"
    assert format_percent(3, signed=True) == "+3.0%"
    assert format_percent(0, signed=True) == "0.0%"
    with translation.override("ru"):
        assert format_percent(Decimal("12.5")) == f"12,5{NBSP}%"


@pytest.mark.parametrize(
    ("period", "english_text", "russian_text"),
    [
        ("2023-Q1", "Q1 2023", f"I{NBSP}кв.{NBSP}2023"),
        ("2023-Q4", "Q4 2023", f"IV{NBSP}кв.{NBSP}2023"),
        ("2023-03", "Mar 2023", f"март{NBSP}2023"),
        ("2024-12", "Dec 2024", f"декабрь{NBSP}2024"),
        ("2022", "2022", "2022"),
        ("not a period", "not a period", "not a period"),
    ],
)
def test_periods(period, english_text, russian_text):
    with translation.override("en"):
        assert format_period(period) == english_text
    with translation.override("ru"):
        assert format_period(period) == russian_text


def test_period_objects_and_nothing(english):
    assert format_period(parse_period("2023-Q2", Frequency.QUARTER)) == "Q2 2023"
    assert format_period(None) == ""


def _render(source, **context):
    return Template("{% load tracker_format %}" + source).render(Context(context))


def test_money_filter_with_and_without_qualifier_and_currency(english):
    assert _render("{{ v|money }}", v=Decimal("334000000")) == "USD 334 million"
    assert _render("{{ v|money:q }}", v=Decimal("334000000"), q="approx") == "≈ USD 334 million"
    assert _render('{{ v|money:"EUR" }}', v=Decimal("1200000000")) == "EUR 1.2 billion"
    assert _render('{{ v|money:"at_least EUR" }}', v=Decimal("91000000")) == "≥ EUR 91 million"
    with translation.override("ru"):
        assert _render("{{ v|money:q }}", v=Decimal("334000000"), q="approx") == f"≈{NBSP}334{NBSP}млн{NBSP}$"


def test_filters_pass_non_numbers_through_and_empty_for_none(english):
    assert _render('{{ v|money|default:"—" }}', v=None) == "—"
    assert _render("{{ v|money }}", v="n/a") == "n/a"
    assert _render("{{ v|number }}", v="n/a") == "n/a"


def test_number_percent_and_period_filters():
    with translation.override("en"):
        assert _render("{{ v|number }} {{ p|percent }} {{ t|period }}", v=1234567, p=12.5, t="2023-Q1") == (
            "1,234,567 12.5% Q1 2023"
        )
    with translation.override("ru"):
        assert _render("{{ v|number }}|{{ t|period }}", v=1234567, t="2023-03") == (
            f"1{NBSP}234{NBSP}567|март{NBSP}2023"
        )

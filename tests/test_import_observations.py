"""`manage.py import_observations FILE.csv`: trade figures from a CSV file of any size, validated with the API's row
rules, written all or nothing (or the valid rows with --skip-invalid), idempotent, journalled, one event per
indicator."""

import csv
import datetime
import io
import os
import re
import signal
import subprocess
import sys
import time
import tracemalloc
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection
from hypothesis import example, given
from hypothesis import strategies as st

from tests import factories
from tracker.data.imports import COLUMNS, import_observations
from tracker.domain.choices import Frequency
from tracker.domain.observations import ObservationRules
from tracker.domain.periods import parse_period
from tracker.models import Event, Observation, TradeIndicator

pytestmark = pytest.mark.django_db

MONTHS = [f"{year}-{month:02d}" for year in range(1900, 2201) for month in range(1, 13)]  # every monthly period


@pytest.fixture
def monthly(db):
    return factories.TradeIndicatorFactory(code="by-lip-exports-month", frequency=Frequency.MONTH)


@pytest.fixture
def quarterly(db):
    return factories.TradeIndicatorFactory(code="by-lip-turnover-quarter", frequency=Frequency.QUARTER)


@pytest.fixture
def source(db):
    return factories.SourceFactory(key="belstat-2023")


@pytest.fixture
def write_csv(tmp_path):
    """write_csv(rows, header=COLUMNS, name="figures.csv", encoding="utf-8") -> the file's path."""

    def write(rows, header=COLUMNS, name="figures.csv", encoding="utf-8", newline="\r\n"):
        path = tmp_path / name
        with path.open("w", encoding=encoding, newline="") as file:
            writer = csv.writer(file, lineterminator=newline)
            if header is not None:
                writer.writerow(header)
            writer.writerows(rows)
        return path

    return write


def run(path, *options):
    """Run the command; return (stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    call_command("import_observations", str(path), "--no-progress", *options, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(path, *options):
    """Run the command expecting it to refuse; return (the CommandError's message, stderr)."""
    err = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_observations", str(path), "--no-progress", *options, stdout=io.StringIO(), stderr=err)
    return str(error.value), err.getvalue()


def stored(indicator):
    """{period: (value, qualifier, source key, note, version, updated_at)}."""
    return {
        o.period: (o.value, o.qualifier, o.source.key if o.source else None, o.note, o.version, o.updated_at)
        for o in Observation.objects.filter(indicator=indicator).select_related("source")
    }


def rejects_of(path):
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def nothing_written():
    """No observation, no history row and no event of the import (the fixtures' own events aside)."""
    return not (
        Observation.objects.exists()
        or Observation.history.exists()
        or Event.objects.filter(actor_name="import_observations").exists()
    )


# --- counts, history, events ------------------------------------------------------------------------------------


def test_new_changed_and_equal_rows_are_created_updated_and_left_alone(monthly, source, write_csv):
    equal = Observation.objects.create(indicator=monthly, period="2023-01", value=Decimal("10.00"))
    changed = Observation.objects.create(indicator=monthly, period="2023-02", value=Decimal("20.00"))
    Event.objects.all().delete()
    path = write_csv(
        [
            ["by-lip-exports-month", "2023-01", "10", "", "", ""],  # the same amount, written differently
            ["by-lip-exports-month", "2023-02", "21.50", "approx", "belstat-2023", "rounded"],
            ["by-lip-exports-month", "2023-03", "-3.5", "at_least", "", ""],
        ]
    )

    out, _err = run(path)

    assert "Rows read: 3; created: 1; updated: 1; unchanged: 1; rejected: 0." in out
    figures = stored(monthly)
    assert figures["2023-01"][:5] == (Decimal("10.00"), "exact", None, "", 1)
    assert figures["2023-01"][5] == equal.updated_at
    assert figures["2023-02"][:5] == (Decimal("21.50"), "approx", "belstat-2023", "rounded", 2)
    assert figures["2023-02"][5] > changed.updated_at
    assert figures["2023-03"][:5] == (Decimal("-3.50"), "at_least", None, "", 1)
    new = Observation.objects.get(indicator=monthly, period="2023-03")
    assert new.period_start == datetime.date(2023, 3, 1)
    assert new.created_at == new.updated_at == figures["2023-02"][5]


def test_every_change_has_a_history_row_naming_the_command(monthly, write_csv):
    Observation.objects.create(indicator=monthly, period="2023-02", value=Decimal("20.00"))
    path = write_csv([["by-lip-exports-month", "2023-02", "21", "", "", ""], ["by-lip-exports-month", "2023-03", "3"]])

    run(path)

    rows = Observation.history.filter(history_actor="import_observations").order_by("period")
    assert [(h.period, h.history_type, h.value, h.version, h.history_user_id) for h in rows] == [
        ("2023-02", "~", Decimal("21.00"), 2, None),
        ("2023-03", "+", Decimal("3.00"), 1, None),
    ]
    assert {h.history_change_reason for h in rows} == {"Imported from figures.csv"}
    assert {h.id for h in rows} == set(
        Observation.objects.filter(period__in=["2023-02", "2023-03"]).values_list("id", flat=True)
    )
    latest = Observation.objects.get(period="2023-02").history.latest()  # what the admin's history page shows
    assert latest.history_type == "~" and latest.value == Decimal("21.00")


def test_a_file_of_up_to_a_bulk_puts_size_is_announced_per_figure_as_the_api_does(monthly, quarterly, write_csv):
    factories.TradeIndicatorFactory(code="untouched", frequency=Frequency.YEAR)
    Observation.objects.create(indicator=quarterly, period="2022-Q1", value=Decimal("1.00"))
    Observation.objects.create(indicator=monthly, period=MONTHS[0], value=Decimal("1.00"))
    Event.objects.all().delete()
    rows = [["by-lip-exports-month", month, "5", "", "", ""] for month in MONTHS[:50]]  # the first one changes
    rows += [["by-lip-turnover-quarter", "2022-Q1", "1.00", "", "", ""]]  # equal: no change, no event

    run(write_csv(rows))

    events = list(Event.objects.order_by("pk"))
    assert [(e.name, e.object_key) for e in events] == [
        ("observation.updated", f"by-lip-exports-month@{MONTHS[0]}")
    ] + [("observation.created", f"by-lip-exports-month@{month}") for month in MONTHS[1:50]]
    assert {(e.actor_name, e.partner_region_id) for e in events} == {("import_observations", monthly.partner_id)}


def test_a_larger_file_is_announced_per_indicator_with_the_counts(monthly, quarterly, write_csv, settings):
    settings.API_MAX_BULK_OBSERVATIONS = 40
    Observation.objects.create(indicator=monthly, period=MONTHS[0], value=Decimal("1.00"))
    Event.objects.all().delete()

    run(write_csv([["by-lip-exports-month", month, "5", "", "", ""] for month in MONTHS[:50]]))

    events = list(Event.objects.all())
    assert [(e.name, e.object_key, e.actor_name) for e in events] == [
        ("tradeindicator.updated", "by-lip-exports-month", "import_observations")
    ]
    assert events[0].data == {"version": 1, "observations": {"created": 49, "updated": 1}, "source": "import"}


def test_importing_the_same_file_again_changes_nothing(monthly, quarterly, source, write_csv):
    rows = [
        ["by-lip-exports-month", month, f"{n}.25", "approx", "belstat-2023", "n"]
        for n, month in enumerate(MONTHS[:300])
    ]
    rows += [["by-lip-turnover-quarter", f"2020-Q{quarter}", "7", "", "", ""] for quarter in (1, 2, 3, 4)]
    path = write_csv(rows)
    run(path)
    before = (stored(monthly), stored(quarterly), Observation.history.count(), Event.objects.count())

    out, _err = run(path)

    assert "created: 0; updated: 0; unchanged: 304; rejected: 0." in out
    assert (stored(monthly), stored(quarterly), Observation.history.count(), Event.objects.count()) == before


def test_the_default_qualifier_is_exact_and_optional_columns_may_be_left_out(monthly, write_csv):
    path = write_csv([["2023-04", "by-lip-exports-month", "4"]], header=["period", "indicator", "value"])

    out, _err = run(path)

    assert "created: 1" in out
    assert stored(monthly)["2023-04"][:4] == (Decimal("4.00"), "exact", None, "")


def test_a_byte_order_mark_and_header_spacing_are_accepted(monthly, write_csv):
    path = write_csv([["by-lip-exports-month", "2023-05", "5", "", "", ""]], encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")

    out, _err = run(path)

    assert "created: 1" in out


def test_quoted_notes_may_hold_commas_quotes_tabs_backslashes_and_line_breaks(monthly, write_csv):
    note = 'Source says "close to", 5\\6,\tthen\r\na new line'
    path = write_csv(
        [
            ["by-lip-exports-month", "2023-06", "6", "approx", "", note],
            ["by-lip-exports-month", "2023-07", "7", "", "", "x" * 300],
            ["by-lip-exports-month", "2023-13", "8", "", "", ""],  # bad, to see its line number
        ]
    )

    message, _err = refused(path)

    assert "1 of 3 rows were refused" in message
    [reject] = rejects_of(path.with_name("figures.rejects.csv"))
    assert reject["line"] == "5"  # the first record spans lines 2 and 3
    run(path, "--skip-invalid")
    assert stored(monthly)["2023-06"][3] == note
    assert stored(monthly)["2023-07"][3] == "x" * 300


# --- all or nothing ---------------------------------------------------------------------------------------------


def test_one_bad_row_among_many_writes_nothing_and_lists_it(monthly, write_csv):
    rows = [["by-lip-exports-month", month, "1", "", "", ""] for month in MONTHS[:2000]]
    rows[1500][2] = "lots"  # line 1502 (line 1 is the header)
    path = write_csv(rows)

    message, err = refused(path)

    assert "1 of 2000 rows were refused; nothing was written" in message
    assert "--skip-invalid" in message
    assert "line 1502, value: Give a number below 10^16 with at most two decimals, written like 1234.56." in err
    assert nothing_written()
    rejects = rejects_of(path.with_name("figures.rejects.csv"))
    assert rejects == [
        {
            "line": "1502",
            **dict(zip(COLUMNS, rows[1500], strict=True)),
            "row_error": "",
            "indicator_error": "",
            "period_error": "",
            "value_error": "Give a number below 10^16 with at most two decimals, written like 1234.56.",
            "qualifier_error": "",
            "source_error": "",
            "note_error": "",
        }
    ]


def test_a_refused_import_lists_every_error_but_prints_only_the_first_twenty(monthly, write_csv):
    rows = [["by-lip-exports-month", month, "x", "", "", ""] for month in MONTHS[:30]]
    path = write_csv(rows)

    message, err = refused(path)

    assert "30 of 30 rows were refused" in message
    assert len([line for line in err.splitlines() if line.startswith("line ")]) == 20
    assert "every rejected row" in err
    assert [int(reject["line"]) for reject in rejects_of(path.with_name("figures.rejects.csv"))] == list(range(2, 32))


def test_skip_invalid_writes_the_valid_rows_and_the_rejects_where_asked(monthly, write_csv, tmp_path):
    rows = [["by-lip-exports-month", month, "1", "", "", ""] for month in MONTHS[:10]]
    rows[3][1] = "2023-Q1"
    rows[7][3] = "roughly"
    target = tmp_path / "elsewhere" / "bad.csv"
    target.parent.mkdir()

    out, err = run(write_csv(rows), "--skip-invalid", "--rejects", str(target))

    assert "Rows read: 10; created: 8; updated: 0; unchanged: 0; rejected: 2." in out
    assert f"The rejected rows are in {target}." in out
    assert "line 5, period" in err and "line 9, qualifier" in err
    assert set(stored(monthly)) == {row[1] for n, row in enumerate(rows) if n not in (3, 7)}
    assert [(r["line"], r["period"], r["qualifier"]) for r in rejects_of(target)] == [
        ("5", "2023-Q1", ""),
        ("9", MONTHS[7], "roughly"),
    ]
    assert not (tmp_path / "figures.rejects.csv").exists()


BAD_ROWS = {
    "a quarter for a monthly series": ({"period": "2023-Q1"}, "period", "is not a monthly period; write it like"),
    "month thirteen": ({"period": "2023-13"}, "period", "is not a monthly period"),
    "a year out of range": ({"period": "1850-01"}, "period", "out of range"),
    "no period": ({"period": ""}, "period", "is not a monthly period"),
    "a word for a number": ({"value": "lots"}, "value", "at most two decimals"),
    "NaN": ({"value": "NaN"}, "value", "at most two decimals"),
    "infinity": ({"value": "-Infinity"}, "value", "at most two decimals"),
    "10^20": ({"value": "1e20"}, "value", "below 10^16"),
    "exactly 10^16": ({"value": "10000000000000000"}, "value", "below 10^16"),
    # Beyond decimal arithmetic: decimal.Overflow in the rules crashed the command with a traceback.
    "1E1000000": ({"value": "1E1000000"}, "value", "below 10^16"),
    "three decimals": ({"value": "10.005"}, "value", "at most two decimals"),
    "no value": ({"value": ""}, "value", "at most two decimals"),
    "an unknown indicator": ({"indicator": "no-such-series"}, "indicator", "No indicator with code “no-such-series”."),
    "an unknown qualifier": ({"qualifier": "roughly"}, "qualifier", "Use one of: exact, approx, at_least, at_most."),
    "an unknown source": ({"source": "no-such-source"}, "source", "No source with key “no-such-source”."),
    "a note of 301 characters": ({"note": "n" * 301}, "note", "Keep the note to 300 characters; it has 301."),
}


@pytest.mark.parametrize(("change", "field", "message"), BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_each_rule_refuses_the_row_naming_field_and_line(monthly, source, write_csv, change, field, message):
    good = dict(zip(COLUMNS, ["by-lip-exports-month", "2023-01", "1", "", "", ""], strict=True))
    bad = {**good, "period": "2023-02", **change}
    path = write_csv([list(good.values()), list(bad.values()), [good["indicator"], "2023-03", "3", "", "", ""]])

    _message, err = refused(path)

    assert nothing_written()
    [reject] = rejects_of(path.with_name("figures.rejects.csv"))
    assert reject["line"] == "3"
    assert message in reject[f"{field}_error"]
    assert [name for name in reject if name.endswith("_error") and reject[name]] == [f"{field}_error"]
    assert f"line 3, {field}: " in err


def test_values_at_the_limits_are_accepted(monthly, write_csv):
    # SQLite keeps decimals as binary floating point, which cannot hold 16 digits and 2 decimals exactly.
    largest = "9999999999999999.99" if connection.vendor == "postgresql" else "99999999999.99"
    path = write_csv(
        [
            ["by-lip-exports-month", "2023-01", largest, "", "", ""],
            ["by-lip-exports-month", "2023-02", f"-{largest}", "", "", ""],
            ["by-lip-exports-month", "2023-03", "1000", "", "", ""],
            ["by-lip-exports-month", "2023-04", "0.10", "", "", ""],
            ["by-lip-exports-month", "2023-05", "1.50", "", "", ""],
        ]
    )

    out, _err = run(path)

    assert "created: 5" in out
    assert {period: figures[0] for period, figures in stored(monthly).items()} == {
        "2023-01": Decimal(largest),
        "2023-02": Decimal(f"-{largest}"),
        "2023-03": Decimal("1000.00"),
        "2023-04": Decimal("0.10"),
        "2023-05": Decimal("1.50"),
    }


def test_a_row_with_more_values_than_columns_is_refused(monthly, write_csv):
    path = write_csv([["by-lip-exports-month", "2023-01", "1", "", "", "", "surplus"]])

    _message, err = refused(path)

    assert "line 2, row: This row has 7 values; the header has 6 columns." in err


def test_a_period_twice_in_the_file_refuses_every_repeat_naming_the_first_line(monthly, quarterly, write_csv):
    path = write_csv(
        [
            ["by-lip-exports-month", "2023-01", "1", "", "", ""],
            ["by-lip-turnover-quarter", "2023-Q1", "1", "", "", ""],
            ["by-lip-exports-month", "2023-01", "1", "", "", ""],  # a repeat, even of the same value
            ["by-lip-turnover-quarter", "2023-Q2", "1", "", "", ""],
            ["by-lip-exports-month", "2023-01", "2", "", "", ""],
        ]
    )

    refused(path)

    rejects = rejects_of(path.with_name("figures.rejects.csv"))
    assert [(r["line"], r["period_error"]) for r in rejects] == [
        ("4", "Period 2023-01 of this indicator is already on line 2 of the file."),
        ("6", "Period 2023-01 of this indicator is already on line 2 of the file."),
    ]
    assert nothing_written()

    out, _err = run(path, "--skip-invalid")  # the first occurrence is the one written
    assert "created: 3; updated: 0; unchanged: 0; rejected: 2." in out
    assert stored(monthly)["2023-01"][0] == Decimal("1.00")


REPEATS = {
    # Grouped by indicator: found while reading. A series coming back after another: found in SQL from there on.
    "grouped": ["A 2023-01 1", "A 2023-02 1", "A 2023-01 2", "A 2023-01 3", "B 2023-Q1 1"],
    "grouped, then not": ["A 2023-01 1", "A 2023-01 2", "B 2023-Q1 1", "A 2023-01 3", "A 2023-02 1"],
    "interleaved": ["A 2023-01 1", "B 2023-Q1 1", "A 2023-01 2", "B 2023-Q1 2", "A 2023-01 3"],
}


@pytest.mark.parametrize("layout", REPEATS.values(), ids=REPEATS.keys())
def test_repeats_are_found_alike_however_the_file_is_ordered(monthly, quarterly, write_csv, layout):
    codes = {"A": "by-lip-exports-month", "B": "by-lip-turnover-quarter"}
    rows = [[codes[code], period, value] for code, period, value in (text.split() for text in layout)]
    path = write_csv(rows, header=["indicator", "period", "value"])

    out, _err = run(path, "--skip-invalid")

    keys = [tuple(row[:2]) for row in rows]
    expected = [  # every repeat, naming the line of the first occurrence (line 1 is the header)
        (str(number + 2), f"Period {key[1]} of this indicator is already on line {keys.index(key) + 2} of the file.")
        for number, key in enumerate(keys)
        if keys.index(key) != number
    ]
    assert [(r["line"], r["period_error"]) for r in rejects_of(path.with_name("figures.rejects.csv"))] == expected
    assert f"rejected: {len(expected)}." in out
    assert stored(monthly)["2023-01"][0] == Decimal("1.00")  # the first occurrence is the one written


def test_a_derived_value_is_not_overwritten(quarterly, write_csv):
    Observation.objects.create(
        indicator=quarterly, period="2022-Q1", value=Decimal("5.00"), is_derived=True, formula="[x@2022-Q1] / 2"
    )
    path = write_csv(
        [["by-lip-turnover-quarter", "2022-Q1", "6", "", "", ""], ["by-lip-turnover-quarter", "2022-Q2", "6"]]
    )

    _message, err = refused(path)

    assert "line 2, period: 2022-Q1 is derived by the formula [x@2022-Q1] / 2; change its inputs instead." in err
    assert stored(quarterly)["2022-Q1"][:5] == (Decimal("5.00"), "exact", None, "", 1)
    assert Observation.objects.count() == 1

    out, _err = run(path, "--skip-invalid")
    assert "created: 1; updated: 0; unchanged: 0; rejected: 1." in out
    assert stored(quarterly)["2022-Q1"][0] == Decimal("5.00")


# --- the file as a whole ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "named"),
    [
        (["indicator", "period", "amount"], ["unknown columns: amount", "missing columns: value"]),
        (["indicator", "value"], ["missing columns: period"]),
        (["indicator", "period", "value", "value"], ["repeated columns: value"]),
        ([], ["missing columns: indicator, period, value"]),
    ],
)
def test_a_header_with_unknown_or_missing_columns_is_refused_before_any_row_is_read(monthly, write_csv, header, named):
    path = write_csv([["by-lip-exports-month", "2023-01", "1"]] * 3, header=header)

    message, _err = refused(path)

    for text in named:
        assert text in message
    assert "Nothing was written." in message
    assert nothing_written()
    assert not path.with_name("figures.rejects.csv").exists()


def test_a_file_that_is_not_utf8_is_refused(monthly, write_csv):
    path = write_csv([["by-lip-exports-month", "2023-01", "1", "", "", "Löwe"]], encoding="latin-1")

    message, _err = refused(path)

    assert "is not UTF-8" in message
    assert nothing_written()


def test_a_field_larger_than_any_row_may_hold_stops_the_import_at_its_line(monthly, write_csv):
    path = write_csv(
        [
            ["by-lip-exports-month", "2023-01", "1", "", "", ""],
            ["by-lip-exports-month", "2023-02", "1", "", "", "x" * 200_000],
        ]
    )

    message, _err = refused(path)

    assert "Line 3 of" in message and "field larger than field limit" in message
    assert nothing_written()


def test_a_nul_character_in_a_note_refuses_the_row(monthly, write_csv):
    path = write_csv([["by-lip-exports-month", "2023-01", "1", "", "", "a\x00b"]])

    _message, err = refused(path)

    assert "line 2, note: " in err and "NUL" in err
    assert nothing_written()


def test_a_missing_file_is_refused(tmp_path, db):
    message, _err = refused(tmp_path / "nowhere.csv")

    assert "Cannot read" in message


@pytest.mark.parametrize(
    ("period", "value", "field"),
    [
        ("2023-03", "1E+3", "value"),
        ("2023-03", "1_000", "value"),
        ("2023-03", " 0.10 ", "value"),
        ("2023-03", "١٢٣", "value"),
        (" 2023-05 ", "1.50", "period"),
        ("2023-٠٥", "1.50", "period"),
    ],
)
def test_a_value_or_period_not_in_its_one_form_is_refused_naming_the_field(monthly, write_csv, period, value, field):
    """Before, the import took exponents, underscores, spaces and other scripts' digits, as the API did."""
    path = write_csv([["by-lip-exports-month", period, value, "", "", ""]])

    refused(path)

    [reject] = rejects_of(path.with_name("figures.rejects.csv"))
    assert [name for name in reject if name.endswith("_error") and reject[name]] == [f"{field}_error"]
    assert not stored(monthly)


# --- the rules are the API's ------------------------------------------------------------------------------------


def _reference_amount(text):
    """The value rule, written another way: digits with an optional minus and point (nothing else: no exponent,
    underscore, space or other script's digits), < 10^16, at most 2 decimals."""
    if not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", str(text)):
        return None
    try:
        value = Decimal(str(text))
        if not value.is_finite() or abs(value) >= Decimal("1e16") or value.as_tuple().exponent < -2:
            return None
        return value.quantize(Decimal("0.01"))
    except ArithmeticError:  # an exponent beyond the context's range (1E1000000): no column holds it
        return None


@given(st.one_of(st.from_regex(r"-?[0-9]{0,18}(\.[0-9]{0,3})?", fullmatch=True), st.text("0123456789.-+eE_ ")))
@example("1E1000000")  # found by this test: decimal.Overflow crashed the rules, the import and the bulk PUT
@example("-1E+1000000")
@example("1E-1000000")
@example("9999999999999999.99")
@example("1E16")
@example("1_000")
@example(" 5")
@example("١٢٣")  # Arabic-Indic digits, which Decimal reads as 123
def test_the_fast_path_for_plain_amounts_agrees_with_the_general_rule(text):
    fields, errors = ObservationRules({}).check(None, "", text, "", "", "")
    expected = _reference_amount(text)
    if expected is None:
        assert errors == {"value": "Give a number below 10^16 with at most two decimals, written like 1234.56."}
    else:
        assert errors is None and Decimal(fields[1]) == expected


@given(
    st.sampled_from(list(Frequency)),
    st.one_of(st.from_regex(r"[0-9]{4}(-Q[0-9]|-[0-9]{2})?", fullmatch=True), st.text()),
)
def test_the_table_of_known_periods_agrees_with_parse_period(frequency, text):
    fields, errors = ObservationRules({}).check(frequency.value, text, "1", "", "", "")
    try:
        expected = parse_period(text, frequency)
    except ValueError as error:
        assert errors == {"period": str(error)}
    else:
        assert errors is None and fields[0] == expected


# --- size: bounded memory, killed imports -----------------------------------------------------------------------


def _indicators(count):
    region = factories.RegionFactory(code="RU-LIP")
    reporter = factories.RegionFactory(code="BY")
    TradeIndicator.objects.bulk_create(
        [
            TradeIndicator(
                code=f"series-{n:03d}",
                name=f"Series {n}",
                reporter=reporter,
                partner=region,
                flow="export",
                frequency=Frequency.MONTH,
            )
            for n in range(count)
        ]
    )


def _big_file(path, rows, first_series=0):
    """`rows` observations of distinct (indicator, period): every month of series-<first_series>, then the next."""
    with path.open("w", encoding="utf-8", newline="") as file:
        file.write("indicator,period,value,qualifier,source,note\n")
        for n in range(rows):
            series, month = divmod(n, len(MONTHS))
            code = f"series-{first_series + series:03d}"
            file.write(f"{code},{MONTHS[month]},{n}.{n % 100:02d},{'approx' if n % 3 else ''},,\n")
    return path


def _peak_memory(path):
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        report = import_observations(path)
        return report, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_size_of_the_file(tmp_path):
    _indicators(17)  # series 0: a warm-up; 1-2: 5,000 rows; 3-16: 50,000 rows (3,612 months each)
    import_observations(_big_file(tmp_path / "warm-up.csv", 100))  # one-time allocations (caches, translations)

    small, small_peak = _peak_memory(_big_file(tmp_path / "small.csv", 5_000, first_series=1))
    large, large_peak = _peak_memory(_big_file(tmp_path / "large.csv", 50_000, first_series=3))

    assert (small.created, large.created) == (5_000, 50_000)
    # Holding the rows would take some 15 MB more for the large file; batches and caches are the same size.
    assert large_peak - small_peak < 2 * 1024 * 1024, (small_peak, large_peak)


def _database_url():
    database = django_settings.DATABASES["default"]
    password = f":{quote(database['PASSWORD'], safe='')}" if database.get("PASSWORD") else ""
    return (
        f"postgres://{quote(database['USER'], safe='')}{password}@{database['HOST'] or '127.0.0.1'}"
        f":{database['PORT'] or 5432}/{database['NAME']}"
    )


@pytest.mark.django_db(transaction=True)
def test_an_import_killed_half_way_leaves_nothing_and_running_it_again_completes_it(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip(
            "a second process needs a database it can share with the test: pytest-django's SQLite test database "
            "lives in this process's memory; run with DATABASE_URL=postgres://…"
        )
    _indicators(60)
    path = _big_file(tmp_path / "big.csv", 200_000)
    command = [sys.executable, "manage.py", "import_observations", str(path)]
    environment = {**os.environ, "DATABASE_URL": _database_url(), "DEBUG": "1"}
    log = tmp_path / "progress.log"

    with log.open("w") as stderr:
        process = subprocess.Popen(
            command, cwd=django_settings.BASE_DIR, env=environment, stdout=subprocess.PIPE, stderr=stderr
        )
    try:
        deadline = time.monotonic() + 60
        while " rows" not in log.read_text() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)  # while it is reading: rows are in its staging table, uncommitted
        stdout, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == -signal.SIGKILL, log.read_text()
    assert b"Rows read" not in stdout, "the import finished before it could be killed"
    assert nothing_written()

    again = subprocess.run(
        [*command, "--no-progress"],
        cwd=django_settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert again.returncode == 0, again.stderr
    assert "Rows read: 200000; created: 200000; updated: 0; unchanged: 0; rejected: 0." in again.stdout
    assert Observation.objects.count() == Observation.history.count() == 200_000
    assert Event.objects.filter(name="tradeindicator.updated").count() == 56  # 200,000 rows over 3,612 months

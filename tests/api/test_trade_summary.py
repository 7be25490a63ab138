"""GET /api/v1/regions/<code>/trade/ (sums over commodity-level series) and GET /api/v1/observations.csv (a
partner's observations as CSV with the import's columns): what they add up, what they leave out, who may
read them, and that their cost does not grow with the data."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from tests.api import assert_problem, key_client
from tracker.domain.choices import Flow, Frequency

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(partner_region):
    """Monthly export and import series for two commodities with RU-LIP, plus a whole-trade series that the
    summary must not add in (it would count the same trade twice)."""
    tractors = factories.CommodityFactory(hs_code="8701", name="Tractors", name_ru="Тракторы")
    steel = factories.CommodityFactory(hs_code="7208", name="Flat-rolled steel", name_ru="Прокат")
    source = factories.SourceFactory(key="stats")
    series = {}
    for commodity in (tractors, steel):
        for flow in (Flow.EXPORT, Flow.IMPORT):
            series[commodity.hs_code, flow] = factories.TradeIndicatorFactory(
                code=f"lip-{commodity.hs_code}-{flow}",
                partner=partner_region,
                flow=flow,
                commodity=commodity,
                frequency=Frequency.MONTH,
            )
    values = {("8701", Flow.EXPORT): "100.50", ("8701", Flow.IMPORT): "10.00", ("7208", Flow.EXPORT): "5.00"}
    values[("7208", Flow.IMPORT)] = "300.00"
    for (hs, flow), value in values.items():
        for period in ("2022-11", "2022-12", "2023-01", "2023-02", "2023-03"):
            note = "=HYPERLINK(1)" if (hs, flow, period) == ("8701", Flow.EXPORT, "2023-01") else ""
            factories.ObservationFactory(
                indicator=series[hs, flow], period=period, value=Decimal(value), source=source, note=note
            )
    whole = factories.TradeIndicatorFactory(code="lip-turnover-year", partner=partner_region, flow=Flow.TURNOVER)
    factories.ObservationFactory(indicator=whole, period="2023", value=Decimal("999999"))
    return series


def test_yearly_sums_and_top_commodities(figures, read_client):
    body = read_client.get("/api/v1/regions/RU-LIP/trade/").json()
    assert body["partner"] == "RU-LIP"
    assert body["years"] == [
        {"year": 2022, "exports": "211.00", "imports": "620.00", "turnover": "831.00", "balance": "-409.00"},
        {"year": 2023, "exports": "316.50", "imports": "930.00", "turnover": "1246.50", "balance": "-613.50"},
    ]
    assert body["year"] == 2023  # the latest year with figures
    assert body["top_commodities"] == [
        {
            "hs_code": "7208",
            "name": "Flat-rolled steel",
            "name_ru": "Прокат",
            "exports": "15.00",
            "imports": "900.00",
            "turnover": "915.00",
        },
        {
            "hs_code": "8701",
            "name": "Tractors",
            "name_ru": "Тракторы",
            "exports": "301.50",
            "imports": "30.00",
            "turnover": "331.50",
        },
    ]


def test_top_commodities_of_a_chosen_year(figures, read_client):
    body = read_client.get("/api/v1/regions/RU-LIP/trade/?year=2022").json()
    assert body["year"] == 2022
    assert [c["turnover"] for c in body["top_commodities"]] == ["610.00", "221.00"]
    empty = read_client.get("/api/v1/regions/RU-LIP/trade/?year=1999").json()
    assert empty["top_commodities"] == [] and len(empty["years"]) == 2


@pytest.mark.parametrize("year", ["abc", "-1", "99999", "2023.5"])
def test_a_bad_year_is_a_400_naming_it(figures, read_client, year):
    body = assert_problem(read_client.get(f"/api/v1/regions/RU-LIP/trade/?year={year}"), 400)
    assert "year" in body["errors"]


def test_a_region_bound_key_sees_only_its_own_trade(figures, make_key, other_region):
    own = key_client(make_key("lipetsk", region=figures["8701", Flow.EXPORT].partner)[1])
    assert own.get("/api/v1/regions/RU-LIP/trade/").status_code == 200
    stranger = key_client(make_key("voronezh", region=other_region)[1])
    assert_problem(stranger.get("/api/v1/regions/RU-LIP/trade/"), 404)
    assert_problem(stranger.get("/api/v1/observations.csv?partner=RU-LIP"), 400)


def test_summary_costs_two_queries_whatever_the_size(figures, read_client):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert read_client.get("/api/v1/regions/RU-LIP/trade/").status_code == 200
        return len(captured)

    queries()  # the key's first use is recorded once (ApiKey.last_used_at)
    before = queries()
    for indicator in figures.values():
        for year in range(2000, 2010):
            factories.ObservationFactory(indicator=indicator, period=f"{year}-06", value=Decimal(1))
    assert queries() == before == 1 + 1 + 2  # the key, the region, the two sums


def _csv(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_export_has_the_import_columns_in_order(figures, read_client):
    rows = _csv(read_client.get("/api/v1/observations.csv?partner=RU-LIP"))
    assert rows[0] == ["indicator", "period", "value", "qualifier", "source", "note"]
    assert len(rows) == 1 + 4 * 5 + 1
    assert rows[1] == ["lip-7208-export", "2022-11", "5.00", "exact", "stats", ""]
    assert [r[0] for r in rows[1:]] == sorted(r[0] for r in rows[1:])
    assert ["lip-turnover-year", "2023", "999999.00", "exact", "", ""] in rows


def test_export_neutralises_formulas(figures, read_client):
    rows = _csv(read_client.get("/api/v1/observations.csv?partner=RU-LIP&flow=export"))
    assert ["lip-8701-export", "2023-01", "100.50", "exact", "stats", "'=HYPERLINK(1)"] in rows
    assert {r[0] for r in rows[1:]} == {"lip-7208-export", "lip-8701-export"}


def test_export_filters_by_period(figures, read_client):
    rows = _csv(read_client.get("/api/v1/observations.csv?partner=RU-LIP&period_from=2023-01-01&flow=import"))
    assert {r[1] for r in rows[1:]} == {"2023-01", "2023-02", "2023-03"}


@pytest.mark.parametrize(
    "query,parameter",
    [("", "partner"), ("?partner=XX-NONE", "partner"), ("?partner=RU-LIP&flow=sideways", "flow")],
)
def test_export_refuses_bad_parameters(figures, read_client, query, parameter):
    body = assert_problem(read_client.get(f"/api/v1/observations.csv{query}"), 400)
    assert parameter in body["errors"]


def test_export_needs_a_key(figures, api_client):
    assert_problem(api_client.get("/api/v1/observations.csv?partner=RU-LIP"), 401)

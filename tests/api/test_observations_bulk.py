"""PUT /api/v1/indicators/<code>/observations/: a list of figures upserted by period, all or nothing, idempotent."""

from decimal import Decimal

import pytest

from tests import factories
from tests.api import assert_problem, key_client
from tracker.domain.choices import Frequency, RegionKind
from tracker.models import Event, Observation

pytestmark = pytest.mark.django_db

URL = "/api/v1/indicators/by-lip-turnover/observations/"


@pytest.fixture
def indicator(partner_region):
    """Quarterly turnover between Belarus and RU-LIP."""
    return factories.TradeIndicatorFactory(
        code="by-lip-turnover",
        partner=partner_region,
        frequency=Frequency.QUARTER,
        reporter=factories.RegionFactory(code="BY", name="Belarus", kind=RegionKind.COUNTRY),
    )


@pytest.fixture
def source(db):
    return factories.SourceFactory(key="belstat-2023")


def rows(*quarters, value="1000.50"):
    return [
        {"period": f"2022-Q{quarter}", "value": value, "qualifier": "approx", "note": "rounded"} for quarter in quarters
    ]


def stored(indicator):
    return {o.period: (o.value, o.qualifier, o.version) for o in Observation.objects.filter(indicator=indicator)}


def test_a_put_creates_every_observation_and_records_each_as_an_event(write_client, indicator, source):
    body = rows(1, 2, 3)
    body[0]["source"] = "belstat-2023"

    response = write_client.put(URL, body, format="json")

    assert response.status_code == 200, response.content
    assert response.json() == {"created": 3, "updated": 0, "unchanged": 0}
    observations = Observation.objects.filter(indicator=indicator).order_by("period_start")
    assert [(o.period, str(o.value), o.qualifier, o.note, o.version) for o in observations] == [
        (f"2022-Q{quarter}", "1000.50", "approx", "rounded", 1) for quarter in (1, 2, 3)
    ]
    assert observations[0].source == source
    assert observations[1].period_start.isoformat() == "2022-04-01"
    events = Event.objects.filter(object_type="observation")
    assert sorted(event.object_id for event in events) == sorted(o.pk for o in observations)
    assert {(event.action, event.actor_name, event.partner_region_id) for event in events} == {
        ("created", "API key writer", indicator.partner_id)
    }
    assert Observation.history.filter(history_type="+", history_actor="API key writer").count() == 3


def test_a_second_identical_put_changes_nothing(write_client, indicator):
    write_client.put(URL, rows(1, 2, 3), format="json")
    before = (stored(indicator), Event.objects.count(), Observation.history.count())

    response = write_client.put(URL, rows(1, 2, 3), format="json")

    assert response.status_code == 200
    assert response.json() == {"created": 0, "updated": 0, "unchanged": 3}
    assert (stored(indicator), Event.objects.count(), Observation.history.count()) == before


def test_numbers_are_compared_as_amounts_not_as_text(write_client, indicator):
    write_client.put(URL, [{"period": "2022-Q1", "value": "1000.5"}], format="json")

    response = write_client.put(URL, [{"period": "2022-Q1", "value": 1000.50}], format="json")

    assert response.json() == {"created": 0, "updated": 0, "unchanged": 1}


def test_a_put_creates_new_updates_changed_and_leaves_the_rest(write_client, indicator):
    write_client.put(URL, rows(1, 2), format="json")
    events_before = Event.objects.count()
    body = rows(1) + rows(2, value="2000.00") + rows(3)

    response = write_client.put(URL, body, format="json")

    assert response.json() == {"created": 1, "updated": 1, "unchanged": 1}
    figures = stored(indicator)
    assert figures["2022-Q1"][2] == 1
    assert (str(figures["2022-Q2"][0]), figures["2022-Q2"][2]) == ("2000.00", 2)
    new_events = Event.objects.filter(pk__gt=0).order_by("id")[events_before:]
    assert sorted((event.action, event.object_key) for event in new_events) == [
        ("created", "by-lip-turnover@2022-Q3"),
        ("updated", "by-lip-turnover@2022-Q2"),
    ]


BAD_ROWS = {
    "quarter five": ({"period": "2023-Q5"}, "period"),
    "a month for a quarterly series": ({"period": "2023-03"}, "period"),
    "no period": ({"period": None}, "period"),
    "unknown qualifier": ({"qualifier": "roughly"}, "qualifier"),
    "a word for a number": ({"value": "lots"}, "value"),
    "no value": ({"value": None}, "value"),
    "a value too large": ({"value": "1e17"}, "value"),
    "a value beyond decimal arithmetic": ({"value": "1E1000000"}, "value"),  # was decimal.Overflow, a 500
    "a number beyond decimal arithmetic": ({"value": -1e308}, "value"),
    "unknown source": ({"source": "no-such-source"}, "source"),
    "a note over 300 characters": ({"note": "n" * 301}, "note"),  # was cut to 300 without a word
}


@pytest.mark.parametrize(("change", "field"), BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_one_bad_row_refuses_the_whole_request_naming_row_and_field(write_client, indicator, change, field):
    write_client.put(URL, rows(1), format="json")
    before = (stored(indicator), Event.objects.count())
    body = rows(1, 2, value="5.00") + rows(3) + rows(4)
    body[2].update(change)

    response = write_client.put(URL, body, format="json")

    problem = assert_problem(response, 400)
    assert problem["errors"] == {"rows": {"2": {field: problem["errors"]["rows"]["2"][field]}}}
    assert problem["errors"]["rows"]["2"][field]
    assert "row 2" in problem["detail"] and "nothing was written" in problem["detail"]
    assert (stored(indicator), Event.objects.count()) == before


def test_every_bad_row_is_listed_not_only_the_first(write_client, indicator):
    body = rows(1, 2, 3)
    body[0]["value"] = "n/a"
    body[2].update(period="2022-Q9", qualifier="roughly")

    problem = assert_problem(write_client.put(URL, body, format="json"), 400)

    assert {row: sorted(fields) for row, fields in problem["errors"]["rows"].items()} == {
        "0": ["value"],
        "2": ["period", "qualifier"],
    }
    assert not Observation.objects.exists()


def test_a_period_twice_in_one_request_is_refused(write_client, indicator):
    body = rows(1, 2) + rows(1, value="9.99")

    problem = assert_problem(write_client.put(URL, body, format="json"), 400)

    assert list(problem["errors"]["rows"]) == ["2"]
    assert "twice" in problem["errors"]["rows"]["2"]["period"]
    assert not Observation.objects.exists()


@pytest.mark.parametrize("body", [{"period": "2022-Q1", "value": 1}, "2022-Q1", [["2022-Q1", 1]], [1, 2]])
def test_anything_but_a_list_of_objects_is_refused(write_client, indicator, body):
    problem = assert_problem(write_client.put(URL, body, format="json"), 400)

    assert list(problem["errors"]) == ["non_field_errors"]
    assert not Observation.objects.exists()


def test_an_empty_list_is_a_harmless_no_op(write_client, indicator):
    response = write_client.put(URL, [], format="json")

    assert response.json() == {"created": 0, "updated": 0, "unchanged": 0}


def test_a_read_key_may_not_write_figures(read_client, indicator):
    assert_problem(read_client.put(URL, rows(1), format="json"), 403)

    assert not Observation.objects.exists()
    assert not Event.objects.filter(object_type="observation").exists()


def test_a_key_restricted_to_another_region_does_not_see_the_indicator_and_writes_nothing(
    make_key, indicator, other_region
):
    voronezh = key_client(make_key("voronezh", write=True, region=other_region)[1])

    assert_problem(voronezh.put(URL, rows(1), format="json"), 404)
    assert_problem(voronezh.get(URL), 404)
    assert not Observation.objects.exists()


def test_a_key_restricted_to_the_indicators_region_may_write_it(regional_client, indicator):
    response = regional_client.put(URL, rows(1), format="json")

    assert response.json() == {"created": 1, "updated": 0, "unchanged": 0}


@pytest.fixture
def monthly(partner_region):
    return factories.TradeIndicatorFactory(code="by-lip-exports-month", partner=partner_region, frequency="month")


EVERY_MONTH = [f"{year}-{month:02d}" for year in range(1900, 2201) for month in range(1, 13)]


def test_every_month_the_domain_allows_goes_in_one_request_and_pages_back_in_order(write_client, monthly):
    """1900-01 to 2200-12 are all the monthly periods there are (3,612), so one series can never hold the
    10,000 rows a request may carry; the size limit itself is tested below."""
    body = [{"period": period, "value": str(number)} for number, period in enumerate(EVERY_MONTH)]
    url = "/api/v1/indicators/by-lip-exports-month/observations/"

    response = write_client.put(url, body, format="json")

    assert response.status_code == 200, response.content[:500]
    assert response.json() == {"created": 3612, "updated": 0, "unchanged": 0}
    assert Event.objects.filter(object_type="observation", action="created").count() == 3612

    periods, next_url, pages = [], f"{url}?page_size=500", 0
    while next_url:
        page = write_client.get(next_url).json()
        periods += [row["period"] for row in page["results"]]
        next_url, pages = page["next"], pages + 1
    assert periods == EVERY_MONTH
    assert pages == 8

    again = write_client.put(url, body, format="json")
    assert again.json() == {"created": 0, "updated": 0, "unchanged": 3612}


def test_a_request_of_the_largest_size_is_read_and_one_row_more_is_refused_unread(write_client, monthly, settings):
    url = "/api/v1/indicators/by-lip-exports-month/observations/"
    limit = settings.API_MAX_BULK_OBSERVATIONS  # 10,000 unless configured otherwise
    # The largest request: every month once, then the rest repeating them (refused row by row, so it was read).
    largest = [{"period": EVERY_MONTH[n % len(EVERY_MONTH)], "value": "1"} for n in range(limit)]

    read = assert_problem(write_client.put(url, largest, format="json"), 400)
    too_many = assert_problem(
        write_client.put(url, [*largest, {"period": "2023-01", "value": "1"}], format="json"), 413
    )

    assert min(read["errors"]["rows"], key=int) == str(len(EVERY_MONTH))
    assert too_many["type"] == "/api/problems/content-too-large"
    assert f"at most {limit}" in too_many["detail"].replace(",", "")
    assert not Observation.objects.exists()


def test_the_size_limit_comes_from_the_settings(write_client, monthly, settings):
    settings.API_MAX_BULK_OBSERVATIONS = 12
    url = "/api/v1/indicators/by-lip-exports-month/observations/"
    year = [{"period": f"2023-{month:02d}", "value": "1"} for month in range(1, 13)]

    assert write_client.put(url, year, format="json").json()["created"] == 12
    assert_problem(write_client.put(url, [*year, {"period": "2024-01", "value": "1"}], format="json"), 413)


def test_more_than_two_decimals_is_refused_not_rounded(write_client, indicator):
    response = write_client.put(URL, rows(1, value="10.005"), format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["rows"]["0"].keys() == {"value"}
    assert not stored(indicator)


def test_a_derived_figure_is_not_overwritten_by_a_bulk_put(write_client, indicator):
    Observation.objects.create(
        indicator=indicator, period="2022-Q1", value=Decimal("5.00"), is_derived=True, formula="[x@2022-Q1] / 2"
    )
    response = write_client.put(URL, rows(1, 2), format="json")
    assert response.status_code == 400
    assert "derived" in response.json()["errors"]["rows"]["0"]["period"]
    assert stored(indicator) == {"2022-Q1": (Decimal("5.00"), "exact", 1)}

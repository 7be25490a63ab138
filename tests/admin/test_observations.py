"""Observations per indicator: filtered lists, a link from each series, and the series' own inline."""

from decimal import Decimal

import pytest

from tests import factories
from tests.admin.factories import observation
from tests.admin.helpers import admin_url, form_data
from tracker.models import Observation, TradeIndicator

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_series(db):
    turnover = factories.TradeIndicatorFactory(code="by-lip-turnover", name="Turnover")
    exports = factories.TradeIndicatorFactory(code="by-lip-exports", name="Exports")
    observation(turnover, 2021, value=Decimal("315000000"))
    observation(turnover, 2022, value=Decimal("334000000"), qualifier="approx")
    observation(exports, 2022, value=Decimal("91000000"), qualifier="at_least")
    return turnover, exports


def test_indicator_changelist_links_to_its_filtered_observations(two_series, analyst, login):
    turnover, _exports = two_series
    client = login(analyst)

    changelist = client.get(admin_url(TradeIndicator, "changelist")).content.decode()
    link = f"{admin_url(Observation, 'changelist')}?indicator__id__exact={turnover.pk}"
    assert f'<a href="{link}">2 observations</a>' in changelist

    filtered = client.get(link)
    assert {row.indicator for row in filtered.context["cl"].result_list} == {turnover}


def test_observation_list_shows_the_qualifier_symbol(two_series, analyst, login):
    page = login(analyst).get(admin_url(Observation, "changelist")).content.decode()

    assert "≈ 334,000,000.00 USD" in page
    assert "≥ 91,000,000.00 USD" in page


@pytest.mark.parametrize(
    "query", ["indicator__frequency__exact=year", "indicator__flow__exact=turnover", "is_derived__exact=0"]
)
def test_observation_list_filters(query, two_series, analyst, login):
    page = login(analyst).get(f"{admin_url(Observation, 'changelist')}?{query}")

    assert page.status_code == 200
    assert page.context["cl"].result_count == 3


def test_indicator_change_page_edits_its_observations_inline(two_series, analyst, login):
    turnover, _exports = two_series
    client = login(analyst)
    url = admin_url(TradeIndicator, "change", turnover.pk)
    page = client.get(url)
    data = form_data(page)
    assert data["observations-TOTAL_FORMS"] == "2"

    data |= {"observations-1-value": "334500000", "observations-1-qualifier": "exact"}
    response = client.post(url, data)

    assert response.status_code == 302
    changed = turnover.observations.get(period="2022")
    assert (changed.value, changed.qualifier, changed.version) == (Decimal("334500000.00"), "exact", 2)

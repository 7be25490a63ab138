"""Writers racing on one indicator, as partner systems do: bulk PUTs of its observations and writes of the
initiatives' links to it. Each request either succeeds or is told to try again (409); none waits forever,
none is answered 503 as if the database were down, and concurrent upserts of one new period create it once.

Real threads with their own connections against PostgreSQL; on SQLite the writes are serialized anyway.
"""

import random

import pytest
from django.db import connection

from tests import committed_data, factories
from tests.api import race, user_client
from tracker.domain.choices import Frequency
from tracker.models import Event, InitiativeIndicator, Observation

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a real race needs many connections to PostgreSQL"),
    committed_data(),
]

URL = "/api/v1/indicators/by-lip-turnover/observations/"


@pytest.fixture
def indicator():
    return factories.TradeIndicatorFactory(code="by-lip-turnover", frequency=Frequency.QUARTER)


def test_concurrent_upserts_of_one_new_period_create_it_once(admin_user, indicator):
    def put(client, number):
        return client.put(URL, [{"period": "2023-Q1", "value": "100.00"}], format="json")

    responses = race(5, lambda: user_client(admin_user), put)

    assert [r.status_code for r in responses] == [200] * 5, [r.content for r in responses]
    results = [r.json() for r in responses]
    assert sum(r["created"] for r in results) == 1
    assert sum(r["unchanged"] for r in results) == 4
    assert list(Observation.objects.values_list("period", flat=True)) == ["2023-Q1"]
    assert Event.objects.filter(object_type="observation", action="created").count() == 1


def test_bulk_puts_and_link_writes_on_one_indicator_never_deadlock_or_answer_503(admin_user, indicator):
    initiatives = [factories.InitiativeFactory(code=f"item-{n}") for n in range(6)]
    quarters = [f"{year}-Q{q}" for year in (2021, 2022, 2023) for q in (1, 2, 3, 4)]

    def write(client, number):
        if number % 2:
            periods = random.Random(number).sample(quarters, len(quarters))  # each in its own order
            body = [{"period": period, "value": f"{number}.00"} for period in periods]
            return client.put(URL, body, format="json")
        link = {"initiative": initiatives[number // 2 % 6].code, "indicator": indicator.code, "rationale": "r"}
        return client.post("/api/v1/indicator-links/", link, format="json")

    responses = race(12, lambda: user_client(admin_user), write)

    statuses = sorted(r.status_code for r in responses)
    assert set(statuses) <= {200, 201}, [(r.status_code, r.content[:200]) for r in responses]
    assert Observation.objects.filter(indicator=indicator).count() == len(quarters)
    assert InitiativeIndicator.objects.count() == 6

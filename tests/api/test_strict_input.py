"""Periods, values and dates have one form each in the API; any other is a 400 naming the field and the form, and
nothing is stored. Before, ` 2023 ` and "2023\\n" were periods, other scripts' digits reached a database
constraint (409 naming nothing), `1e5` and `1_000` were values and `2023-1-1` a date."""

import pytest

from tests.api import assert_problem
from tests.api.battery import World
from tracker.models import Initiative, Observation

pytestmark = pytest.mark.django_db

URL = "/api/v1/indicators/by-lip-turnover/observations/"


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({"period": " 2023 ", "value": "1.00"}, "period"),
        ({"period": "2023\n", "value": "1.00"}, "period"),
        ({"period": "٢٠٢٣", "value": "1.00"}, "period"),
        ({"period": "２０２３", "value": "1.00"}, "period"),
        ({"period": "2023", "value": "1e5"}, "value"),
        ({"period": "2023", "value": "1_000"}, "value"),
        ({"period": "2023", "value": " 5"}, "value"),
        ({"period": "2023", "value": "١٢٣"}, "value"),
        ({"period": "2023", "value": "1.00", "note": "x" * 301}, "note"),
    ],
)
def test_a_figure_not_in_its_one_form_is_refused_naming_the_field(row, field):
    world = World()

    body = assert_problem(world.client("write_key").put(URL, [row], format="json"), 400)

    assert list(body["errors"]["rows"]["0"]) == [field], body
    assert not Observation.objects.exists()


@pytest.mark.parametrize("date", ["2023-1-1", "2023-01-1", "23-01-01", "2023-01-01T00:00", "٢٠٢٣-٠١-٠١", " 2023-01-01"])
def test_a_date_not_written_yyyy_mm_dd_is_refused_naming_the_form(date):
    world = World()

    response = world.client("write_key").patch(
        "/api/v1/initiatives/shared-one/", {"planned_end": date}, format="json", HTTP_IF_MATCH='"1"'
    )

    body = assert_problem(response, 400)
    assert "YYYY-MM-DD" in body["errors"]["planned_end"][0]
    assert Initiative.objects.get(code="shared-one").version == 1

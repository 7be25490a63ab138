"""The dashboard's status and health as small bar charts (#18): each row's bar as long as its share of the largest
count, in the status's colour; the counts stay written beside them. Before, only the counts."""

import re

import pytest
from django.urls import reverse

from tests import factories
from tracker.domain.choices import Status
from tracker.models import Initiative

pytestmark = pytest.mark.django_db


def test_status_and_health_rows_carry_bars_in_proportion(client, viewer, owner):
    for n in range(4):
        factories.InitiativeFactory(owner=owner, code=f"item-{n}")
    Initiative.objects.filter(code="item-0").update(status=Status.AGREED)  # 3 proposed, 1 agreed
    client.force_login(viewer)

    page = client.get(reverse("dashboard")).content.decode()

    fills = re.findall(r'<rect class="count-bar-fill" x="0" y="0" width="(\d+)" height="10" fill="([^"]+)"', page)
    by_colour = {colour: int(width) for width, colour in fills[: len(Status)]}
    assert by_colour[Status.PROPOSED.colour] == 100 and by_colour[Status.AGREED.colour] == 33
    assert by_colour[Status.CANCELLED.colour] == 0
    assert len(fills) == len(Status) + 4  # and the four health rows

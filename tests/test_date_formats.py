"""One unambiguous date style per language on every surface: pages, admin, briefing and emails format dates from
one set of definitions (config/formats). Before, English pages printed 06/01/2023 (June or January?), the admin
"June 1, 2023", and the Russian briefing ended its date with a double full stop ("1 июня 2023 г..")."""

import datetime
import re

import pytest
from django.utils import translation
from django.utils.formats import date_format

from tests import factories
from tests.admin.helpers import admin_url
from tracker.domain.choices import Visibility
from tracker.models import Milestone

pytestmark = pytest.mark.django_db

MOMENT = datetime.datetime(2023, 6, 1, 14, 5)
EXPECTED = {
    "en": {
        "DATE_FORMAT": "1 June 2023",
        "SHORT_DATE_FORMAT": "1 Jun 2023",
        "DATETIME_FORMAT": "1 June 2023 14:05",
        "SHORT_DATETIME_FORMAT": "1 Jun 2023 14:05",
    },
    "ru": {
        "DATE_FORMAT": "1 июня 2023 г.",
        "SHORT_DATE_FORMAT": "01.06.2023",
        "DATETIME_FORMAT": "1 июня 2023 г. 14:05",
        "SHORT_DATETIME_FORMAT": "01.06.2023 14:05",
    },
}
US_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b")


@pytest.mark.parametrize("language", ["en", "ru"])
def test_each_named_format_writes_one_unambiguous_style(language):
    with translation.override(language):
        assert {name: date_format(MOMENT, name) for name in EXPECTED[language]} == EXPECTED[language]


@pytest.fixture
def dated(owner, partner_region):
    initiative = factories.InitiativeFactory(
        code="tractors",
        owner=owner,
        partner_region=partner_region,
        visibility=Visibility.SHARED,
        planned_end=datetime.date(2023, 6, 1),
    )
    factories.MilestoneFactory(initiative=initiative, title="Contract", due_date=datetime.date(2023, 6, 1))
    return initiative


@pytest.mark.parametrize("language", ["en", "ru"])
def test_pages_and_admin_write_dates_in_the_language_s_style(dated, admin_user, client, language):
    client.force_login(admin_user)
    headers = {"HTTP_ACCEPT_LANGUAGE": language}

    pages = {
        "list": client.get("/initiatives/", **headers).content.decode(),
        "detail": client.get("/initiatives/tractors/", **headers).content.decode(),
        "admin": client.get(admin_url(Milestone, "changelist"), **headers).content.decode(),
    }

    assert EXPECTED[language]["SHORT_DATE_FORMAT"] in pages["list"]
    assert EXPECTED[language]["SHORT_DATE_FORMAT"] in pages["detail"]
    assert EXPECTED[language]["DATE_FORMAT"] in pages["admin"]
    for name, page in pages.items():
        assert not US_DATE.search(page), (name, US_DATE.search(page))


def test_the_russian_briefing_ends_its_date_with_one_full_stop(dated, admin_user, client, partner_region):
    client.force_login(admin_user)

    page = client.get(
        "/briefing/", {"region": partner_region.code, "since": "2023-06-01"}, HTTP_ACCEPT_LANGUAGE="ru"
    ).content.decode()

    assert "1 июня 2023 г." in page
    assert "г.." not in page

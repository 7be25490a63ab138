"""The Russian admin reads correctly: Django builds "Выберите %s для изменения", "Добавить %s" and "Изменить %s"
from a model's name in the nominative; the name is put in the accusative where it changes (tracker.admin.names).
Before: "Выберите инициатива для изменения", "ДОБАВИТЬ ИНИЦИАТИВА", and "seed fingerprints" in English."""

import re

import pytest

from tests import factories
from tests.admin.helpers import admin_url
from tracker.models import Initiative, Meeting, Region, SeedFingerprint

pytestmark = pytest.mark.django_db


def _title_and_heading(response):
    page = response.content.decode()
    title = re.search(r"<title>(.*?) \|", page, re.S).group(1).strip()
    heading = re.search(r"<h1>(.*?)</h1>", page, re.S).group(1).strip()
    return title, heading, page


def test_titles_and_buttons_put_the_name_in_the_case_the_sentence_needs(admin_user, client):
    client.force_login(admin_user)
    initiative = factories.InitiativeFactory(code="tractors")
    ru = {"HTTP_ACCEPT_LANGUAGE": "ru"}

    title, heading, page = _title_and_heading(client.get(admin_url(Initiative, "changelist"), **ru))
    assert title == heading == "Выберите инициативу для изменения"
    assert re.search(r"Добавить инициативу\s*</a>", page)

    assert _title_and_heading(client.get(admin_url(Initiative, "add"), **ru))[:2] == ("Добавить инициативу",) * 2
    page = client.get(admin_url(Initiative, "change", initiative.pk), **ru).content.decode()
    assert "<h1>Изменить инициативу</h1>" in page and "| Изменить инициативу |" in page
    assert _title_and_heading(client.get(admin_url(Meeting, "changelist"), **ru))[1] == "Выберите встречу для изменения"
    assert _title_and_heading(client.get(admin_url(Region, "changelist"), **ru))[1] == "Выберите регион для изменения"


def test_english_titles_are_as_django_writes_them(admin_user, client):
    client.force_login(admin_user)

    title, heading, page = _title_and_heading(
        client.get(admin_url(Initiative, "changelist"), HTTP_ACCEPT_LANGUAGE="en")
    )

    assert title == heading == "Select initiative to change"
    assert re.search(r"Add initiative\s*</a>", page)


def test_no_model_name_is_left_in_english_in_the_russian_admin(admin_user, client):
    client.force_login(admin_user)

    page = client.get(admin_url(SeedFingerprint, "changelist"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()

    assert "seed fingerprint" not in page.lower()
    assert "Отпечатки загрузки сидов" in page or "отпечатки загрузки сидов" in page.lower()

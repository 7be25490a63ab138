"""The meeting file as a Word document (#17): the briefing for a partner region as .docx, in the reader's language,
opened back with python-docx. System and seed entries do not appear; a region without data gets the page's message."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from docx import Document

from tests import factories
from tracker.data.seeds import load_seeds
from tracker.domain import workflow
from tracker.domain.choices import Status
from tracker.models import Initiative

pytestmark = pytest.mark.django_db

URL = reverse("briefing") + "?region=RU-LIP&since=2020-01-01&format=docx"


@pytest.fixture(autouse=True)
def seeded(db):
    load_seeds(Path(settings.BASE_DIR) / "seeds")


def _text(response):
    document = Document(io.BytesIO(response.content))
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(paragraphs + cells).replace("\xa0", " ")  # Russian amounts keep their parts together


def test_the_meeting_file_holds_the_briefing_in_english_and_in_russian(client, viewer):
    client.force_login(viewer)

    english = client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    russian = client.get(URL, HTTP_ACCEPT_LANGUAGE="ru")

    assert english["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert english["Content-Disposition"].startswith('attachment; filename="meeting-file-RU-LIP-')
    text_en, text_ru = _text(english), _text(russian)
    for code in Initiative.objects.values_list("code", flat=True):
        assert code in text_en and code in text_ru
    assert "Assembly of Belarusian vehicles and machines at the Lipetsk tractor plant" in text_en
    assert "Сборка белорусских автомобилей и техники на Липецком тракторном заводе" in text_ru
    assert "Agenda" in text_en and "Повестка" in text_ru
    assert "315 million" in text_en and "315 млн" in text_ru  # the 2021 turnover, in the trade table


def test_system_and_seed_entries_do_not_appear_and_peoples_do(client, viewer, owner):
    initiative = Initiative.objects.get(code="machine-tool-supplies")
    workflow.transition(initiative, Status.UNDER_STUDY, by=factories.superuser(), note="Working group formed")
    client.force_login(viewer)

    text = _text(client.get(URL, HTTP_ACCEPT_LANGUAGE="en"))

    assert "Working group formed" in text
    assert "Status from the seed data" not in text


def test_a_region_without_initiatives_gets_the_page_with_what_to_pick(client, viewer):
    factories.RegionFactory(code="RU-MOW", name="Moscow")
    client.force_login(viewer)

    response = client.get(reverse("briefing") + "?region=RU-MOW&since=2020-01-01&format=docx")

    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    assert "Select a valid choice" in response.content.decode()


def test_the_briefing_page_links_to_the_file(client, viewer):
    client.force_login(viewer)

    page = client.get(reverse("briefing") + "?region=RU-LIP&since=2020-01-01").content.decode()

    assert "format=docx" in page

"""The meeting file (#17) as a Word document and a PDF: for a partner region and a date (the briefing) or for a
meeting, in the reader's language, opened back with python-docx and pypdf. System and seed entries do not appear; a
region without data gets the page's message; a server without the PDF's font says what to install."""

import datetime
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from docx import Document
from pypdf import PdfReader

from tests import factories
from tests.api import key_client
from tracker.data.seeds import load_seeds
from tracker.domain import workflow
from tracker.domain.choices import MilestoneKind, Status, Visibility
from tracker.models import Initiative, Meeting, Milestone

pytestmark = pytest.mark.django_db

BRIEFING = reverse("briefing") + "?region=RU-LIP&since=2020-01-01&format="


@pytest.fixture(autouse=True)
def seeded(db):
    load_seeds(Path(settings.BASE_DIR) / "seeds")


def _docx_text(response):
    document = Document(io.BytesIO(response.content))
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(paragraphs + cells).replace("\xa0", " ")  # Russian amounts keep their parts together


def _pdf_text(response):
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages).replace("\xa0", " ")


def _text(response):
    return _docx_text(response) if response["Content-Type"].endswith("document") else _pdf_text(response)


@pytest.mark.parametrize("extension", ["docx", "pdf"])
def test_the_meeting_file_holds_the_briefing_in_english_and_in_russian(client, viewer, extension):
    client.force_login(viewer)

    english = client.get(BRIEFING + extension, HTTP_ACCEPT_LANGUAGE="en")
    russian = client.get(BRIEFING + extension, HTTP_ACCEPT_LANGUAGE="ru")

    assert english.status_code == 200 and russian.status_code == 200
    assert english["Content-Disposition"] == f'attachment; filename="meeting-file-RU-LIP-2020-01-01.{extension}"'
    text_en, text_ru = _text(english), _text(russian)
    for code in Initiative.objects.values_list("code", flat=True):
        assert code in text_en and code in text_ru
    assert "Assembly of Belarusian vehicles" in text_en
    assert "Сборка белорусских автомобилей" in text_ru
    assert "Agenda" in text_en and "Повестка" in text_ru
    assert "315 million" in text_en and "315 млн" in text_ru  # the 2021 turnover, in the trade table


def test_the_pdf_is_a_pdf_with_the_chart_as_an_image(client, viewer):
    client.force_login(viewer)

    response = client.get(BRIEFING + "pdf", HTTP_ACCEPT_LANGUAGE="ru")

    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) >= 2  # the cover, then the rest
    assert sum(len(page.images) for page in reader.pages) == 1
    assert reader.metadata.title.startswith("Материалы к встрече")


def test_the_word_file_carries_the_chart_with_its_alternative_text(client, viewer):
    client.force_login(viewer)

    document = Document(io.BytesIO(client.get(BRIEFING + "docx").content))

    assert len(document.inline_shapes) == 1
    assert document.inline_shapes[0]._inline.docPr.get("descr").startswith("Turnover, exports, imports")


@pytest.mark.parametrize("extension", ["docx", "pdf"])
def test_system_and_seed_entries_do_not_appear_and_peoples_do(client, viewer, extension):
    initiative = Initiative.objects.get(code="machine-tool-supplies")
    workflow.transition(initiative, Status.UNDER_STUDY, by=factories.superuser(), note="Working group formed")
    client.force_login(viewer)

    text = _text(client.get(BRIEFING + extension, HTTP_ACCEPT_LANGUAGE="en"))

    assert "Working group formed" in text
    assert "Status from the seed data" not in text


@pytest.mark.parametrize("extension", ["docx", "pdf"])
def test_a_region_without_initiatives_gets_the_page_with_what_to_pick(client, viewer, extension):
    factories.RegionFactory(code="RU-MOW", name="Moscow")
    client.force_login(viewer)

    response = client.get(reverse("briefing") + f"?region=RU-MOW&since=2020-01-01&format={extension}")

    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    assert "Select a valid choice" in response.content.decode()


def test_the_briefing_page_links_to_both_files(client, viewer):
    client.force_login(viewer)

    page = client.get(reverse("briefing") + "?region=RU-LIP&since=2020-01-01").content.decode()

    assert "since=2020-01-01&amp;format=docx" in page and "since=2020-01-01&amp;format=pdf" in page


def test_without_the_font_the_page_says_what_to_install_and_the_pdf_is_refused_not_broken(
    client, viewer, settings, tmp_path
):
    settings.DOCUMENT_FONT_DIR = str(tmp_path)  # a server without fonts-dejavu-core
    client.force_login(viewer)

    page = client.get(reverse("briefing") + "?region=RU-LIP&since=2020-01-01").content.decode()
    refused = client.get(BRIEFING + "pdf")
    word = client.get(BRIEFING + "docx")

    assert "format=pdf" not in page and "apt-get install fonts-dejavu-core" in page
    assert refused.status_code == 503 and "fonts-dejavu-core" in refused.content.decode()
    assert word.status_code == 200 and len(Document(io.BytesIO(word.content)).inline_shapes) == 0  # no chart


# --- a meeting's file ------------------------------------------------------------------------------------------


def _meeting_url(meeting, extension):
    return reverse("meeting-detail", args=[meeting.pk]) + f"?format={extension}"


@pytest.mark.parametrize("extension", ["docx", "pdf"])
def test_a_meetings_file_has_its_delegations_and_only_its_agenda(client, viewer, extension):
    meeting = Meeting.objects.get()
    left_out = factories.InitiativeFactory(partner_region=meeting.partner_region, title_ru="Не на этой встрече")
    client.force_login(viewer)

    response = client.get(_meeting_url(meeting, extension), HTTP_ACCEPT_LANGUAGE="ru")

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'meeting-file-RU-LIP-meeting-2023-06-01.{extension}"')
    text = _text(response)
    assert "Головченко" in text and "Минск" in text
    for code in meeting.initiatives.values_list("code", flat=True):
        assert code in text
    assert left_out.code not in text and left_out.title_ru not in text


def test_a_coming_meetings_file_lists_what_falls_due_before_it_and_what_changed_since_the_last(client, viewer):
    last = Meeting.objects.get()
    today = timezone.localdate()
    coming = factories.MeetingFactory(
        partner_region=last.partner_region, date=today + datetime.timedelta(days=20), title="Next round"
    )
    initiative = Initiative.objects.get(code="ev-charging-stations")
    coming.initiatives.set([initiative])
    by = factories.superuser()
    before = Milestone.objects.create(
        initiative=initiative, kind=MilestoneKind.INSTRUCTION, title="Sign the supply contract",
        due_date=today + datetime.timedelta(days=10),
    )  # fmt: skip
    Milestone.objects.create(
        initiative=initiative, kind=MilestoneKind.MILESTONE, title="First station opens",
        due_date=today + datetime.timedelta(days=60),
    )  # fmt: skip
    workflow.transition(initiative, Status.ON_HOLD, by=by, note="Sites surveyed")
    client.force_login(viewer)

    text = _pdf_text(client.get(_meeting_url(coming, "pdf")))

    assert "Next round" in text and before.title in text and "First station opens" not in text
    assert "Sites surveyed" in text
    assert "What changed since 1 June 2023" in text
    assert "Lipetsk vehicle" not in text  # not on this meeting's agenda


def test_the_meeting_page_links_to_both_files(client, viewer):
    client.force_login(viewer)

    page = client.get(reverse("meeting-detail", args=[Meeting.objects.get().pk])).content.decode()

    assert 'href="?format=docx"' in page and 'href="?format=pdf"' in page


# --- through the API, for partner systems that archive it ------------------------------------------------------


def test_a_partner_system_downloads_the_meeting_file_with_only_what_it_may_see(make_key):
    meeting = Meeting.objects.get()
    hidden = Initiative.objects.get(code="civil-engineering")
    hidden.visibility = Visibility.INTERNAL
    hidden.save()
    api = key_client(make_key("archive", region=meeting.partner_region)[1])
    url = f"/api/v1/meetings/{meeting.pk}/file.pdf/"

    response = api.get(url + "?lang=en", HTTP_ACCEPT="application/pdf")
    word = api.get(f"/api/v1/meetings/{meeting.pk}/file.docx/?lang=ru")

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response)
    assert "lipetsk-vehicle-assembly" in text and "civil-engineering" not in text
    assert word.status_code == 200 and "Повестка" in _docx_text(word)
    assert api.get(f"/api/v1/meetings/{meeting.pk}/file.odt/").status_code == 404


def test_the_api_says_what_the_server_lacks_for_a_pdf(make_key, settings, tmp_path):
    settings.DOCUMENT_FONT_DIR = str(tmp_path)
    api = key_client(make_key("archive")[1])

    response = api.get(f"/api/v1/meetings/{Meeting.objects.get().pk}/file.pdf/")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert "fonts-dejavu-core" in response.json()["detail"]


def test_the_file_costs_the_same_queries_for_eight_initiatives_and_for_twenty(client, viewer):
    meeting = Meeting.objects.get()
    client.force_login(viewer)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_meeting_url(meeting, "pdf")).status_code == 200
        return len(queries)

    few = count()
    for n in range(12):
        extra = factories.InitiativeFactory(partner_region=meeting.partner_region, code=f"extra-{n}")
        factories.MilestoneFactory(initiative=extra, due_date=timezone.localdate() - datetime.timedelta(days=n + 1))
        workflow.transition(extra, Status.UNDER_STUDY, by=factories.superuser(f"admin-{n}"), note=f"note {n}")
        meeting.initiatives.add(extra)

    assert count() == few

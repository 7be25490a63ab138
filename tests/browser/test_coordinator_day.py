"""A coordinator's day in a real browser (#17): move a deadline with a reason, tick a milestone done and undo it,
then try to complete an initiative that still has open work, see what is open, and confirm with a note; download the
meeting file as Word and PDF, in English and in Russian, and find the day's change in each."""

import datetime
import io

import pytest
from django.urls import reverse
from docx import Document
from playwright.sync_api import expect
from pypdf import PdfReader

from tracker.domain.choices import MilestoneState, Status
from tracker.models import Initiative, Milestone

pytestmark = pytest.mark.browser

CODE = "lipetsk-vehicle-assembly"


def test_a_coordinators_day_with_milestones_and_a_safe_completion(coordinator_page):
    page = coordinator_page
    milestone = Milestone.objects.get(initiative__code=CODE)
    title = milestone.title
    page.goto(reverse("my-work"))
    overdue = page.locator("li.overdue", has_text=title)
    overdue.get_by_role("link", name=milestone.initiative.title).click()
    expect(page).to_have_url(reverse("initiative-detail", args=[CODE]))

    page.get_by_text(f"Change or delete “{title}”").click()
    page.locator(f"#due-{milestone.pk}").fill("2027-03-31")
    page.locator(f"#change-reason-{milestone.pk}").fill("The supplier is late")
    page.get_by_role("button", name="Save the change").click()
    expect(page.get_by_text("the reason is in its history")).to_be_visible()
    assert Milestone.objects.get(pk=milestone.pk).due_date == datetime.date(2027, 3, 31)

    page.get_by_role("button", name=f"Mark “{title}” done").click()
    expect(page.get_by_text(f"“{title}” is done.")).to_be_visible()
    page.get_by_label("Why reopen").fill("Ticked by mistake")
    page.get_by_role("button", name=f"Reopen “{title}”").click()
    expect(page.get_by_text(f"“{title}” is open again.")).to_be_visible()
    assert Milestone.objects.get(pk=milestone.pk).state == MilestoneState.OPEN

    page.get_by_label("New status").select_option(value=Status.IN_PROGRESS)
    page.get_by_role("button", name="Save update").click()
    page.get_by_label("New status").select_option(value=Status.COMPLETED)
    page.get_by_role("button", name="Save update").click()
    confirmation = page.get_by_role("alert")
    expect(confirmation).to_contain_text("1 milestone or instruction is still open")
    expect(confirmation).to_contain_text(title)
    assert Initiative.objects.get(code=CODE).status == Status.IN_PROGRESS

    page.get_by_label("New status").select_option(value=Status.COMPLETED)
    page.get_by_label("Note").fill("The assembly moves to the follow-up agreement.")
    page.get_by_role("button", name="Save update").click()
    expect(page.get_by_text("Saved. The change is in the journal.")).to_be_visible()
    assert Initiative.objects.get(code=CODE).status == Status.COMPLETED

    page.goto(reverse("briefing") + "?region=RU-LIP&since=2020-01-01")
    note = "The assembly moves to the follow-up agreement."
    word, pdf = _download(page, "Download the meeting file (Word)"), _download(page, "Download the meeting file (PDF)")
    assert "Meeting file: Lipetsk Oblast" in _word_text(word) and note in _word_text(word)
    assert "Meeting file: Lipetsk Oblast" in _pdf_text(pdf) and note in _pdf_text(pdf)

    page.get_by_label("Language").select_option("ru")
    page.get_by_role("button", name="Switch").click()
    word, pdf = (
        _download(page, "Скачать материалы к встрече (Word)"),
        _download(page, "Скачать материалы к встрече (PDF)"),
    )
    for text in (_word_text(word), _pdf_text(pdf)):
        assert "Материалы к встрече: Липецкая область" in text and note in text
        assert "Сборка белорусских автомобилей" in text


def _download(page, name):
    with page.expect_download() as download:
        page.get_by_role("link", name=name).click()
    with open(download.value.path(), "rb") as file:
        return file.read()


def _word_text(body):
    return "\n".join(paragraph.text for paragraph in Document(io.BytesIO(body)).paragraphs)


def _pdf_text(body):
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(body)).pages)

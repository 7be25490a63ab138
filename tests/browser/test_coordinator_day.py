"""A coordinator's day in a real browser (#17): move a deadline with a reason, tick a milestone done and undo it,
then try to complete an initiative that still has open work, see what is open, and confirm with a note; download the
meeting file and find the day's change in it."""

import datetime

import pytest
from django.urls import reverse
from docx import Document
from playwright.sync_api import expect

from tracker.domain.choices import MilestoneState, Status
from tracker.models import Initiative, Milestone

pytestmark = pytest.mark.browser

CODE = "lipetsk-vehicle-assembly"


def test_a_coordinators_day_with_milestones_and_a_safe_completion(coordinator_page):
    page = coordinator_page
    milestone = Milestone.objects.get(initiative__code=CODE)
    title = milestone.title
    page.goto(reverse("initiative-detail", args=[CODE]))

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
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the meeting file (Word)").click()
    document = Document(download.value.path())
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "Meeting file: Lipetsk Oblast" in text and "The assembly moves to the follow-up agreement." in text

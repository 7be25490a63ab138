"""A coordinator's working day in a real browser: log in, filter, open, move an initiative on, switch language,
export; and what a viewer and a keyboard user get."""

import csv
import io
import re
from pathlib import Path

import pytest
from django.utils import translation
from playwright.sync_api import expect

from tracker.domain.choices import Status
from tracker.models import Initiative

pytestmark = pytest.mark.browser

CSV_HEADER = [
    "Code",
    "Title",
    "Area",
    "Partner region",
    "Status",
    "Health",
    "Health reason",
    "Priority",
    "Owner",
    "Visibility",
    "Planned start",
    "Planned end",
    "Updated",
]


def under_study_codes():
    return list(Initiative.objects.filter(status=Status.UNDER_STUDY).order_by("code").values_list("code", flat=True))


def filter_by_status(page, label):
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Initiatives").click()
    page.get_by_role("group", name="Status", exact=True).get_by_label(label, exact=True).check()
    page.get_by_role("button", name="Apply").click()


def test_coordinator_filters_by_status_and_exports_exactly_the_filtered_rows(coordinator_page):
    page = coordinator_page
    expected = under_study_codes()
    assert 0 < len(expected) < Initiative.objects.count(), "the seeds should make this filter meaningful"

    filter_by_status(page, "Under study")

    expect(page).to_have_url(re.compile(r"[?&]status=under_study"))
    expect(page.locator("table.initiatives tbody .code")).to_have_text(expected)

    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    saved = Path(download.value.path()).read_bytes()
    assert saved.startswith("\ufeff".encode())  # the byte-order mark that makes Excel read UTF-8
    rows = list(csv.reader(io.StringIO(saved.decode("utf-8-sig"), newline="")))
    assert rows[0] == CSV_HEADER
    assert [row[0] for row in rows[1:]] == expected
    assert {row[4] for row in rows[1:]} == {"Under study"}


def test_coordinator_moves_an_initiative_on_and_the_note_tops_the_journal(coordinator_page):
    page = coordinator_page
    initiative = Initiative.objects.get(code=under_study_codes()[0])
    filter_by_status(page, "Under study")

    page.get_by_role("link", name=initiative.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(initiative.title)
    page.get_by_label("New status:").select_option(label="Agreed")
    page.get_by_label("Note:", exact=True).fill("Ministry of Industry signed off the study.")
    page.get_by_role("button", name="Save update").click()

    expect(page.get_by_role("status")).to_contain_text("Saved. The change is in the journal.")
    latest = page.locator("#journal-heading + .timeline > li").first
    expect(latest).to_contain_text("Under study → Agreed")
    expect(latest).to_contain_text("(coordinator) — Ministry of Industry signed off the study.")


def test_the_language_switcher_shows_the_pages_in_russian(coordinator_page):
    page = coordinator_page
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()

    page.get_by_label("Language").select_option("ru")
    page.get_by_role("button", name="Switch").click()

    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator(".trade-panel")).to_contain_text("млн")  # tracker.web.formatting's built-in Russian
    with translation.override("ru"):
        nav_is_translated = translation.gettext("Initiatives") != "Initiatives"
    if nav_is_translated:  # once locale/ru is translated and compiled (`make messages`; *.mo are git-ignored)
        expect(page.locator(".site-header nav").get_by_role("link", name="Инициативы")).to_be_visible()


def test_a_viewer_gets_no_form_to_change_an_initiative(viewer_page):
    initiative = Initiative.objects.filter(milestones__state="open").order_by("code").first()

    viewer_page.goto(f"/initiatives/{initiative.code}/")

    expect(viewer_page.get_by_role("heading", level=1)).to_have_text(initiative.title)
    expect(viewer_page.get_by_role("heading", name="Milestones and instructions")).to_be_visible()
    # The only form a viewer gets is following the initiative; nothing that changes it.
    expect(viewer_page.locator("main form:not(.watch-form)")).to_have_count(0)
    expect(viewer_page.locator("main button")).to_have_count(1)
    expect(viewer_page.locator("main .watch-form button")).to_have_text("Watch: email me its changes")


def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(coordinator_page):
    page = coordinator_page
    page.goto("/initiatives/")

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")

    expect(page.locator("main")).to_be_focused()

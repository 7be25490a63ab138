"""axe-core on every coordinator page: no "serious" or "critical" violation (WCAG 2.x A/AA and best practice)."""

import datetime

import pytest
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories
from tests.browser.axe import serious_violations
from tests.browser.conftest import log_in
from tracker.models import Initiative, Meeting, TradeIndicator

pytestmark = pytest.mark.browser


def test_the_login_page_has_no_serious_violations(page):
    page.goto(reverse("login"))

    found = serious_violations(page)

    assert not found, "axe found:\n" + "\n".join(found)


def test_no_coordinator_page_has_serious_violations(coordinator_page):
    held = Meeting.objects.order_by("date").first()
    coming = factories.MeetingFactory(  # with the agenda form
        partner_region=held.partner_region, date=timezone.localdate() + datetime.timedelta(days=10)
    )
    pages = [
        reverse("my-work"),
        reverse("dashboard"),
        reverse("initiative-list"),
        reverse("initiative-detail", args=[_initiative_with_most_on_it()]),  # as its owner: with the forms
        reverse("indicator-list"),
        reverse("indicator-detail", args=[_indicator_with_most_figures()]),
        reverse("briefing"),
        reverse("calendar"),
        reverse("notifications"),
        reverse("meeting-list"),
        reverse("meeting-detail", args=[held.pk]),
        reverse("meeting-detail", args=[coming.pk]),
    ]
    found = []
    for path in pages:
        coordinator_page.goto(path)
        found += serious_violations(coordinator_page)

    assert not found, "axe found:\n" + "\n".join(found)


def _initiative_with_most_on_it():
    """The page with everything: status form, milestones with their buttons, linked trade figures."""
    with_all = Initiative.objects.filter(milestones__isnull=False, indicator_links__isnull=False).distinct()
    return with_all.order_by("code").first().code


def _indicator_with_most_figures():
    return TradeIndicator.objects.annotate(n=Count("observations")).order_by("-n", "code").first().code


def test_a_page_after_a_save_and_a_page_with_errors_have_no_serious_violations(coordinator_page):
    """The flash message after a save was a <ul role="status"> (axe: serious, "aria-allowed-role"), until #18."""
    page = coordinator_page
    page.goto(reverse("initiative-detail", args=[_initiative_with_most_on_it()]))
    page.locator("#id_health").select_option("on_track")
    page.get_by_label("Note").fill("Checked with the partner")
    page.get_by_role("button", name="Save update").click()
    expect(page.get_by_role("status")).to_contain_text("Saved. The change is in the journal.")
    found = serious_violations(page)
    page.locator("#id_health").select_option("at_risk")
    page.get_by_role("button", name="Save update").click()  # at risk without a reason: the form's errors
    found += serious_violations(page)

    assert not found, "axe found:\n" + "\n".join(found)


def test_the_admins_pages_have_no_serious_violations(seeded, page):
    """Before #18 the initiative change page had critical "label" (×23) and "select-name" (×25) violations: the
    tabular inlines' inputs were named only by their column headers."""
    factories.superuser("root")
    log_in(page, "root")
    initiative = Initiative.objects.get(code=_initiative_with_most_on_it())
    pages = [
        reverse("admin:tracker_initiative_changelist"),
        reverse("admin:tracker_initiative_change", args=[initiative.pk]),
        reverse("admin:tracker_initiative_history", args=[initiative.pk]),
        reverse("admin:tracker_initiative_import"),
        reverse("admin:tracker_milestone_changelist"),
    ]
    found = []
    for path in pages:
        page.goto(path)
        found += serious_violations(page)
    page.goto(pages[1])
    page.locator("#id_code").fill("")  # the change page with its errors shown
    page.locator("input[name=_continue]").click()
    expect(page.locator(".errornote")).to_be_visible()
    found += serious_violations(page)

    assert not found, "axe found:\n" + "\n".join(found)

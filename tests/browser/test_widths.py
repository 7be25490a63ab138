"""Every page on every screen (#18): at 360, 768, 1366 and 1920 px, in English and Russian, no page scrolls
sideways (the document is no wider than the window) and no word is broken inside (a table cell is at least as
wide as its longest word). A screenshot per page and width is kept in test-artifacts/widths/ for a person to look at.

Before #18, at 360 px the dashboard and the briefing were 747 px wide and the "Mark … done" button a 46 px strip of
single letters; on a 1366 px laptop dates split ("12/31/2⏎023") because of `td { overflow-wrap: anywhere }`."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError

from tests import factories
from tests.browser.axe import serious_violations
from tests.browser.conftest import log_in
from tracker.models import Initiative, Meeting, Milestone, TradeIndicator

pytestmark = pytest.mark.browser

WIDTHS = (360, 768, 1366, 1920)
SHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "widths"

# The width of the document beyond the window, and the cells whose longest word is wider than the cell (broken
# inside a word or overflowing). Words are measured in the cell's own font with a canvas.
MEASURE = """(deep) => {
  const overflow = document.documentElement.scrollWidth - window.innerWidth;
  if (!deep) return {overflow, broken: [], scrollers: []};
  const canvas = document.createElement('canvas').getContext('2d');
  const broken = [];
  for (const cell of document.querySelectorAll('main td, main th, main button, main .badge, main dd')) {
    if (!cell.offsetParent) continue;
    const head = cell.closest('thead');
    if (head && head.getBoundingClientRect().width <= 2) continue;  // a header read out, not shown (cards)
    const style = getComputedStyle(cell);
    canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
    const room = cell.clientWidth - padding + 2;  // canvas and layout round differently
    const shown = cell.cloneNode(true);
    shown.querySelectorAll('.visually-hidden, details:not([open]) > :not(summary)').forEach(hidden => hidden.remove());
    const words = shown.textContent.split(/\\s+|(?<=-)/);  // a line may break after a hyphen
    const longest = Math.max(0, ...words.map(word => canvas.measureText(word).width));
    const text = shown.textContent.trim().slice(0, 40);
    if (longest > room && longest < 400) broken.push(`${cell.tagName} "${text}" ${room | 0} < ${longest | 0}`);
  }
  const scrollers = [...document.querySelectorAll('main *')].filter(element => {
    const x = getComputedStyle(element).overflowX;
    return (x === 'auto' || x === 'scroll') && element.scrollWidth > element.clientWidth + 1;
  }).map(element => `${element.tagName}.${element.className} ${element.scrollWidth} > ${element.clientWidth}`);
  return {overflow, broken: broken.slice(0, 5), scrollers: scrollers.slice(0, 3)};
}"""


def _pages():
    owned = Initiative.objects.filter(milestones__isnull=False).order_by("code").first()
    held = Meeting.objects.order_by("date").first()
    coming = factories.MeetingFactory(
        partner_region=held.partner_region, date=timezone.localdate() + datetime.timedelta(days=9)
    )
    indicator = TradeIndicator.objects.order_by("code").first()
    return [
        reverse("my-work"),
        reverse("dashboard"),
        reverse("initiative-list"),
        reverse("initiative-detail", args=[owned.code]),
        reverse("indicator-list"),
        reverse("indicator-detail", args=[indicator.code]),
        reverse("briefing") + "?region=RU-LIP&since=2020-01-01",
        reverse("meeting-list"),
        reverse("meeting-detail", args=[held.pk]),
        reverse("meeting-detail", args=[coming.pk]),
        reverse("notifications"),
        reverse("calendar"),
    ]


def _screenshot(page, path, full_page=True):
    try:
        page.screenshot(path=path, full_page=full_page)
    except PlaywrightError:  # a page too tall for one picture (a thousand milestones): its first screen
        page.screenshot(path=path, timeout=30_000)


def _check(page, paths, widths, label, timeout=5_000, deep=True, axe_at=()):
    SHOTS.mkdir(parents=True, exist_ok=True)
    found = []
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        for path in paths:
            page.goto(path, timeout=timeout)
            result = page.evaluate(MEASURE, deep)
            name = re.sub(r"[^\w-]+", "_", path.strip("/")) or "home"
            _screenshot(page, SHOTS / f"{label}-{width}-{name}.png", full_page=deep)
            if result["overflow"] > 0:
                found.append(f"{width}px {path}: {result['overflow']}px wider than the window")
            found += [f"{width}px {path}: word broken in {cell}" for cell in result["broken"]]
            found += [f"{width}px {path}: scrolls sideways inside: {element}" for element in result["scrollers"]]
            if width in axe_at:  # each width is a state of its own (stacked cards, the folded menu)
                found += [f"{width}px axe: {finding}" for finding in serious_violations(page)]
    return found


@pytest.mark.parametrize("language", ["en", "ru"])
def test_no_page_scrolls_sideways_or_breaks_a_word_at_any_width(coordinator_page, language):
    page = coordinator_page
    if language == "ru":
        page.get_by_label("Language").select_option("ru")
        page.get_by_role("button", name="Switch").click()

    found = _check(page, _pages(), WIDTHS, language, axe_at=WIDTHS)

    assert not found, "\n".join(found)


def test_long_names_and_many_milestones_hold_the_layout(coordinator_page):
    long_word = "Ж" * 200
    initiative = Initiative.objects.filter(milestones__isnull=False).order_by("code").first()
    Initiative.objects.filter(pk=initiative.pk).update(title_en=long_word, summary_en="")
    Milestone.objects.bulk_create(
        Milestone(initiative=initiative, title=f"{long_word[:120]} {n}", due_date=datetime.date(2030, 1, 1 + n % 28))
        for n in range(1000)
    )

    found = _check(
        coordinator_page,
        [reverse("initiative-detail", args=[initiative.code]), reverse("initiative-list")],
        (360, 1366),
        "long",
        timeout=60_000,  # 1,000 milestones with their owner's forms: about 3 MB of HTML (#19 looks at the cost)
        deep=False,  # the page's width only: measuring 5,000 cells' words took a minute
    )

    overflow = [line for line in found if "broken" not in line]
    assert not overflow, "\n".join(overflow)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_admin_fits_a_laptop(seeded, page, language):
    """Before #18 the initiative changelist hid Priority, Owner, Planned end and Updated behind a sideways
    scrollbar at 1366 px, and the change page was 2,448 px wide."""
    factories.superuser("root")
    log_in(page, "root")
    if language == "ru":
        page.goto(reverse("dashboard"))
        page.get_by_label("Language").select_option("ru")
        page.get_by_role("button", name="Switch").click()
    initiative = Initiative.objects.filter(milestones__isnull=False).order_by("code").first()
    paths = [
        reverse("admin:tracker_initiative_changelist"),
        reverse("admin:tracker_initiative_change", args=[initiative.pk]),
        reverse("admin:tracker_initiative_history", args=[initiative.pk]),
        reverse("admin:tracker_milestone_changelist"),
        reverse("admin:tracker_statusupdate_changelist"),
    ]

    found = _check(page, paths, (1366, 1920), f"admin-{language}", axe_at=(1366,))

    overflow = [line for line in found if "broken" not in line]
    assert not overflow, "\n".join(overflow)

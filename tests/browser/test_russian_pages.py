"""The Russian pages read in Russian (#16): no English word in their main content, outside codes and proper names.
Before, titles, summaries, milestones, indicator names, meetings and system notes stayed English."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.browser.conftest import PASSWORD
from tracker.models import Initiative, Meeting, Region, Source, TradeIndicator

pytestmark = pytest.mark.browser

LATIN_WORD = re.compile(r"[A-Za-z_][A-Za-z_'’-]*[A-Za-z]|[A-Za-z]")
# Written in Latin letters in Russian too: standards, currency and file-format codes, Word, quarters' Roman numerals,
# the publisher's own name and the command that loads the seeds (an author in the journal).
NAMES_AND_CODES = {
    "ISO",
    "USD",
    "CSV",
    "XLSX",
    "ICS",
    "Word",
    "PDF",
    "IATI",
    "I",
    "II",
    "III",
    "IV",
    "BelTA",
    "load_seeds",
}


def _allowed():
    codes = [
        *Initiative.objects.values_list("code", flat=True),
        *TradeIndicator.objects.values_list("code", flat=True),
        *Region.objects.values_list("code", flat=True),
        *Source.objects.values_list("key", flat=True),
    ]
    usernames = get_user_model().objects.values_list("username", flat=True)  # authors without a full name
    parts = {part for code in codes for part in LATIN_WORD.findall(code)}  # "belta" of "belta-2023-06-01-…"
    return NAMES_AND_CODES | set(codes) | parts | set(usernames)


def _latin_words(page):
    """Latin-script words in <main>, leaving out text marked as another language (`lang`) and the observation notes,
    which are kept in the language they were written in (README, "Languages")."""
    text = page.evaluate(
        """() => {
            const main = document.querySelector('main').cloneNode(true);
            main.querySelectorAll('[lang]:not([lang|="ru"]), code, .observation-note').forEach(e => e.remove());
            return main.innerText;
        }"""
    )
    return LATIN_WORD.findall(text)


def test_the_russian_pages_have_no_english_in_their_main_content(seeded, browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="ru-RU")
    page = context.new_page()
    page.goto(reverse("login"))
    page.locator("input[name=username]").fill("coordinator")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url(lambda url: "/accounts/login" not in url)
    allowed = _allowed()
    pages = [
        reverse("my-work"),
        reverse("dashboard"),
        reverse("initiative-list"),
        *(reverse("initiative-detail", args=[code]) for code in Initiative.objects.values_list("code", flat=True)),
        reverse("indicator-list"),
        *(reverse("indicator-detail", args=[code]) for code in TradeIndicator.objects.values_list("code", flat=True)),
        reverse("briefing"),
        reverse("meeting-list"),
        reverse("notifications"),
        *(reverse("meeting-detail", args=[pk]) for pk in Meeting.objects.values_list("pk", flat=True)),
    ]
    found = {}
    for path in pages:
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == "ru"
        english = sorted({word for word in _latin_words(page) if word not in allowed})
        if english:
            found[path] = english
    context.close()

    assert found == {}

"""Browser tests: Debian's Chromium, driven by Playwright, against pytest-django's live server.

Playwright never downloads a browser here: it launches /usr/bin/chromium (apt-get install -y chromium).
Every test gets a fresh browser context (`page`), and the seeds and users when it asks for them (`seeded`,
`coordinator_page`, `viewer_page`); a failing test leaves a full-page screenshot in test-artifacts/, which CI keeps.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Page, expect, sync_playwright

from tests import factories
from tracker.data.seeds import load_seeds, seeded_initiatives

# Playwright's sync API runs an asyncio event loop in the main thread, so Django sees "an event loop is
# running" and refuses ORM calls there (SynchronousOnlyOperation) in the fixtures and tests. Nothing here is
# really async: the loop only talks to the browser, and the ORM calls are plain blocking calls between steps.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "correct-horse-battery"  # what tests.factories.UserFactory gives everyone
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
_REPORT = pytest.StashKey[pytest.TestReport]()

expect.set_options(timeout=5_000)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing; install it with `apt-get install -y chromium` and run again.")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install -y chromium); browser tests skipped.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.stash[_REPORT] = report
    return report


@pytest.fixture
def page(request, browser, live_server):
    # locale sets Accept-Language, so the pages start in English whatever the machine's own locale is.
    context = browser.new_context(base_url=live_server.url, accept_downloads=True, locale="en-GB")
    context.set_default_timeout(5_000)
    page = context.new_page()
    yield page
    report = request.node.stash.get(_REPORT, None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
    context.close()


@pytest.fixture
def seeded(transactional_db):
    """The seeds, a coordinator who owns every seeded initiative (as `create_demo_users` makes it), a viewer."""
    load_seeds(Path(settings.BASE_DIR) / "seeds")
    coordinator = factories.coordinator("coordinator")
    factories.viewer("viewer")
    seeded_initiatives().update(owner=coordinator)


def log_in(page: Page, username: str) -> None:
    page.goto(reverse("login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


@pytest.fixture
def coordinator_page(seeded, page):
    log_in(page, "coordinator")
    return page


@pytest.fixture
def viewer_page(seeded, page):
    log_in(page, "viewer")
    return page

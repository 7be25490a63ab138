"""The Content-Security-Policy in a real browser: the admin, Swagger UI, the browsable API and the pages work under
it, and Chromium reports no violation on any of them (it logs each refused script or style to the console)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import PASSWORD, log_in
from tracker.models import Initiative

pytestmark = pytest.mark.browser


@pytest.fixture
def violations(page):
    """What Chromium refused under the policy, as it wrote it to the console, on every page `page` opens."""
    found = []

    def listen(message):
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            found.append(f"{page.url}: {message.text}")

    page.on("console", listen)
    return found


def test_the_admin_login_changelist_and_change_form_work_under_the_policy(seeded, page, violations):
    factories.superuser("admin")
    page.goto(reverse("admin:login"))
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Administration")).to_be_visible()

    page.goto(reverse("admin:tracker_initiative_changelist"))
    expect(page.locator("#result_list tbody tr").first).to_be_visible()
    # The changelist's scripts run: ticking the select-all box ticks every row (actions.js).
    page.locator("#action-toggle").check()
    expect(page.locator("#result_list .action-select").first).to_be_checked()

    initiative = Initiative.objects.order_by("code").first()
    page.goto(reverse("admin:tracker_initiative_change", args=[initiative.pk]))
    expect(page.locator("#initiative_form")).to_be_visible()

    assert not violations, "\n".join(violations)


def test_swagger_ui_renders_the_operations_under_the_policy(page, violations, live_server):
    page.goto(reverse("api-docs"))

    # Swagger UI draws the operations once /api/schema/ answers: generating it takes seconds on a busy machine.
    expect(page.locator(".opblock").first).to_be_visible(timeout=30_000)
    expect(page.get_by_text("/api/v1/initiatives/").first).to_be_visible()

    assert not violations, "\n".join(violations)


def test_the_dashboard_and_the_browsable_api_work_under_the_policy(seeded, page, violations):
    log_in(page, "viewer")  # the pages' own login, under the policy too
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    page.goto(reverse("api:region-list") + "?format=api")
    expect(page.locator(".response-info")).to_be_visible()

    assert not violations, "\n".join(violations)

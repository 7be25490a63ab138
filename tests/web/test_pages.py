"""The coordinator pages through the real stack: every page for every role, with a constant query count."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from tracker.domain import events, workflow
from tracker.domain.choices import Flow, Frequency, Qualifier, Status
from tracker.models import Area, Initiative, Milestone

pytestmark = pytest.mark.django_db

ROLES = ["viewer", "owner", "analyst", "admin"]


def make_world(size):
    """`size` initiatives owned by `owner`, each with a participation, an overdue milestone, a journal entry and
    a linked indicator with figures: enough that any per-row query would show in the counts."""
    owner = factories.coordinator("owner")
    users = {
        "owner": owner,
        "viewer": factories.viewer(),
        "analyst": factories.analyst(),
        "admin": factories.superuser(),
    }
    region = factories.RegionFactory(code="RU-LIP", name="Lipetsk Oblast")
    home = factories.RegionFactory(code="BY", name="Belarus", kind="country")
    indicators = {
        flow: factories.TradeIndicatorFactory(
            code=f"turnover-{flow}", reporter=home, partner=region, flow=flow, frequency=Frequency.YEAR
        )
        for flow in (Flow.TURNOVER, Flow.EXPORT)
    }
    quarterly = factories.TradeIndicatorFactory(
        code="quarterly", reporter=home, partner=region, flow=Flow.TURNOVER, frequency=Frequency.QUARTER
    )
    for year in range(2015, 2015 + size):
        for indicator in indicators.values():
            factories.ObservationFactory(indicator=indicator, period=str(year), qualifier=Qualifier.APPROXIMATELY)
        factories.ObservationFactory(indicator=quarterly, period=f"{year}-Q1")
    for number in range(size):
        initiative = factories.InitiativeFactory(code=f"item-{number}", owner=owner, partner_region=region)
        factories.ParticipationFactory(initiative=initiative)
        factories.MilestoneFactory(initiative=initiative, due_date=datetime.date(2020, 1, 1))
        factories.InitiativeIndicatorFactory(initiative=initiative, indicator=indicators[Flow.TURNOVER])
        workflow.transition(initiative, Status.UNDER_STUDY, by=owner, note="started")
    return users


def pages():
    return {
        "dashboard": reverse("dashboard"),
        "list": reverse("initiative-list") + "?status=under_study&q=item",
        "detail": reverse("initiative-detail", args=["item-0"]),
        "indicators": reverse("indicator-list"),
        "indicator": reverse("indicator-detail", args=["turnover-turnover"]),
        "briefing": reverse("briefing") + "?region=RU-LIP&since=2020-01-01",
        "export": reverse("initiative-list") + "?status=under_study&export=csv",
    }


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(captured)


# Queries per page: 2 for the session and its user, 1 for the header's counts (overdue, unread), then the page's
# own. Pinned so any N+1 shows up.
EXPECTED = {
    # 3 + the journal's newest event (the cache key), then on a miss: all counts (one statement), areas, busiest
    # region, yearly, quarterly, overdue, recent
    "dashboard": 11,
    # 3 + the journal's newest event (the cache key of the filters' choices), then on a miss the four choice lists
    # (area, region, owner, organisation); count, page
    "list": 10,
    "indicators": 6,  # 3 + count, the page's indicators, their figure counts
    "indicator": 5,  # 3 + indicator, observations
    "briefing": 10,  # 3 + region choices, the chosen region, yearly, quarterly, initiatives, changes, overdue
    "export": 4,  # 2 (no header) + the count checked against EXPORT_MAX_ROWS, one streamed query
}
# 3 + initiative, links, their figures, participants, milestones, journal; + the user's and group permissions
# (not for a superuser); + organisation choices of the milestone form for whoever may change the initiative.
# + whether the user watches it.
DETAIL = {"owner": 13, "admin": 11, "viewer": 12, "analyst": 12}
# The list + the user's and group permissions (whether to offer the bulk change), not for a superuser.
LIST = {"owner": 12, "admin": 10, "viewer": 12, "analyst": 12}


@pytest.mark.parametrize("role", ROLES)
def test_every_page_renders_with_the_same_queries_for_two_rows_and_for_twenty(client, role):
    users = make_world(2)
    client.force_login(users[role])
    small = {name: count_queries(client, url) for name, url in pages().items()}
    for number in range(2, 20):
        initiative = factories.InitiativeFactory(code=f"more-{number}", owner=users["owner"])
        factories.MilestoneFactory(initiative=initiative, due_date=datetime.date(2020, 1, 1))
        workflow.transition(initiative, Status.UNDER_STUDY, by=users["owner"])
    large = {name: count_queries(client, url) for name, url in pages().items()}
    assert small == large
    assert large == {**EXPECTED, "detail": DETAIL[role], "list": LIST[role]}


def test_pages_need_a_login(client):
    make_world(1)
    for url in pages().values():
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_viewer_sees_no_edit_forms(client):
    users = make_world(1)
    client.force_login(users["viewer"])
    html = client.get(reverse("initiative-detail", args=["item-0"])).content.decode()
    assert "initiative-status" not in html and 'name="version"' not in html
    assert reverse("initiative-status", args=["item-0"]) not in html


def test_the_owner_sees_only_the_allowed_transitions(client):
    users = make_world(1)
    client.force_login(users["owner"])
    html = client.get(reverse("initiative-detail", args=["item-0"])).content.decode()
    for allowed in ("agreed", "on_hold", "cancelled"):
        assert f'value="{allowed}"' in html
    for refused in ("completed", "in_progress", "proposed"):
        assert f'value="{refused}"' not in html


def post_status(client, code, **data):
    initiative = Initiative.objects.get(code=code)
    body = {"to": "", "health": initiative.health, "health_reason": "", "note": "", "version": initiative.version}
    return client.post(reverse("initiative-status", args=[code]), {**body, **data})


def test_the_owner_moves_an_initiative_and_the_journal_shows_it(client):
    users = make_world(1)
    client.force_login(users["owner"])
    response = post_status(client, "item-0", to="agreed", note="contract signed")
    assert response.status_code == 302
    entry = Initiative.objects.get(code="item-0").journal.first()
    assert (entry.to_status, entry.note, entry.author) == ("agreed", "contract signed", users["owner"])
    page = client.get(reverse("initiative-detail", args=["item-0"])).content.decode()
    assert "contract signed" in page


def test_another_coordinator_cannot_post_a_transition(client):
    make_world(1)
    client.force_login(factories.coordinator("other"))
    journal_before = Initiative.objects.get(code="item-0").journal.count()
    response = post_status(client, "item-0", to="agreed")
    assert response.status_code == 403
    initiative = Initiative.objects.get(code="item-0")
    assert initiative.status == Status.UNDER_STUDY and initiative.journal.count() == journal_before


def test_a_stale_form_is_refused_and_shows_what_changed(client):
    users = make_world(1)
    client.force_login(users["owner"])
    seen = Initiative.objects.get(code="item-0").version
    workflow.transition(Initiative.objects.get(code="item-0"), Status.ON_HOLD, by=users["admin"], note="paused")
    response = post_status(client, "item-0", to="agreed", note="mine", version=seen)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Not saved" in page and "paused" in page
    initiative = Initiative.objects.get(code="item-0")
    assert initiative.status == Status.ON_HOLD and not initiative.journal.filter(note="mine").exists()


def test_a_refused_stale_update_keeps_what_was_typed_beside_what_is_saved_now(client):
    """Before #18 the refusal threw away the note and the reason the user had typed."""
    users = make_world(1)
    client.force_login(users["owner"])
    seen = Initiative.objects.get(code="item-0").version
    workflow.transition(Initiative.objects.get(code="item-0"), Status.ON_HOLD, by=users["admin"], note="paused")

    response = post_status(
        client, "item-0", to="agreed", health="at_risk", health_reason="Supplier late", note="Long note", version=seen
    )

    form = response.context["status_form"]
    assert response.status_code == 409
    assert form.initial["note"] == "Long note" and form.initial["health_reason"] == "Supplier late"
    assert form.initial["version"] == Initiative.objects.get(code="item-0").version  # submitting again applies it
    assert ("Status", "Agreed", "On hold") in [tuple(map(str, row)) for row in response.context["yours_and_now"]]
    page = response.content.decode()
    assert "Long note</textarea>" in page and "You entered" in page and "Saved now" in page


def test_at_risk_without_a_reason_is_refused_naming_the_field(client):
    users = make_world(1)
    client.force_login(users["owner"])
    response = post_status(client, "item-0", health="at_risk")
    assert response.status_code == 400
    assert "a reason is required" in response.content.decode()


def test_the_owner_ticks_a_milestone_done_and_a_stale_tick_is_refused(client):
    users = make_world(1)
    client.force_login(users["owner"])
    milestone = Milestone.objects.get(initiative__code="item-0")
    url = reverse("milestone-done", args=["item-0", milestone.pk])
    assert client.post(url, {"version": milestone.version}).status_code == 302
    milestone.refresh_from_db()
    assert milestone.state == "done" and milestone.done_on is not None
    stale = client.post(url, {"version": milestone.version - 1}, follow=True)
    assert "changed by someone else" in stale.content.decode()


def test_a_coordinator_cannot_tick_another_owners_milestone(client):
    make_world(1)
    client.force_login(factories.coordinator("other"))
    milestone = Milestone.objects.get(initiative__code="item-0")
    response = client.post(reverse("milestone-done", args=["item-0", milestone.pk]), {"version": milestone.version})
    assert response.status_code == 403
    milestone.refresh_from_db()
    assert milestone.state == "open"


def test_the_owner_adds_a_milestone(client):
    users = make_world(1)
    client.force_login(users["owner"])
    url = reverse("milestone-add", args=["item-0"])
    response = client.post(url, {"kind": "instruction", "title": "Send the draft", "due_date": "2031-05-01"})
    assert response.status_code == 302
    assert Milestone.objects.filter(initiative__code="item-0", title="Send the draft").exists()
    bad = client.post(url, {"kind": "instruction", "title": "", "due_date": "tomorrow"})
    assert bad.status_code == 400 and Milestone.objects.filter(initiative__code="item-0").count() == 2


def test_the_csv_export_holds_exactly_the_filtered_rows(client):
    users = make_world(3)
    factories.InitiativeFactory(code="still-proposed", owner=users["owner"])
    client.force_login(users["viewer"])
    response = client.get(reverse("initiative-list") + "?status=under_study&export=csv")
    assert response.streaming
    lines = b"".join(response.streaming_content).decode().splitlines()
    codes = sorted(line.split(",")[0] for line in lines[1:])
    assert codes == ["item-0", "item-1", "item-2"]


def test_the_xlsx_export_holds_exactly_the_filtered_rows(client):
    import io

    from openpyxl import load_workbook

    users = make_world(2)
    client.force_login(users["viewer"])
    response = client.get(reverse("initiative-list") + "?status=under_study&export=xlsx")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert sorted(row[0] for row in rows[1:]) == ["item-0", "item-1"]


def test_the_indicator_csv_lists_every_figure(client):
    users = make_world(3)
    client.force_login(users["viewer"])
    response = client.get(reverse("indicator-detail", args=["turnover-turnover"]) + "?export=csv")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == ["2015", "2016", "2017"]


def test_money_and_dates_follow_the_language(client):
    users = make_world(2)
    client.force_login(users["viewer"])
    english = client.get(reverse("dashboard")).content.decode()
    russian = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "USD 1 million" in english or "≈ USD 1 million" in english
    assert "млн" in russian and 'lang="ru"' in russian


def test_bad_filter_values_show_a_message_not_an_error(client):
    users = make_world(1)
    client.force_login(users["viewer"])
    response = client.get(reverse("initiative-list") + "?status=finished&area=nowhere")
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_user_text_is_escaped(client):
    users = make_world(1)
    Initiative.objects.filter(code="item-0").update(title="<script>alert(1)</script>")
    client.force_login(users["viewer"])
    html = client.get(reverse("initiative-list")).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_a_viewer_watches_an_initiative_and_stops(client):
    users = make_world(1)
    client.force_login(users["viewer"])
    url = reverse("initiative-watch", args=["item-0"])
    assert client.get(url).status_code == 405
    client.post(url, {"watch": "1"})
    client.post(url, {"watch": "1"})  # twice is still one watch
    initiative = Initiative.objects.get(code="item-0")
    assert list(initiative.watches.values_list("user__username", flat=True)) == ["viewer"]
    page = client.get(reverse("initiative-detail", args=["item-0"])).content.decode()
    assert 'aria-pressed="true"' in page
    client.post(url, {"watch": "0"})
    assert not initiative.watches.exists()


def test_the_owner_is_not_offered_to_watch_their_own_initiative(client):
    users = make_world(1)
    client.force_login(users["owner"])
    page = client.get(reverse("initiative-detail", args=["item-0"])).content.decode()
    assert reverse("initiative-watch", args=["item-0"]) not in page


def test_trade_series_are_listed_by_pages_of_fifty_with_their_counts(client):
    users = make_world(1)
    client.force_login(users["viewer"])
    partner = factories.RegionFactory(code="RU-TAM")
    for number in range(60):
        indicator = factories.TradeIndicatorFactory(code=f"zz-series-{number:02}", partner=partner)
        factories.ObservationFactory.create_batch(number % 3, indicator=indicator)
    first = client.get(reverse("indicator-list")).content.decode()
    last = client.get(reverse("indicator-list") + "?page=2").content.decode()
    assert "zz-series-00" in first and "zz-series-59" not in first
    assert "zz-series-59" in last and 'rel="prev"' in last
    counts = dict(re.findall(r'/indicators/(zz-series-\d+)/".*?<td class="numeric">(\d+)</td>', first + last, re.S))
    assert len(counts) == 60
    assert all(int(count) == int(code[-2:]) % 3 for code, count in counts.items())


def test_the_dashboard_counts_initiatives_by_status_health_and_area_and_shows_the_busiest_region(client):
    admin = factories.superuser()
    busy = factories.RegionFactory(code="RU-LIP", name="Lipetsk Oblast")
    quiet = factories.RegionFactory(code="RU-ORL", name="Oryol Oblast")
    farming = factories.AreaFactory(code="agri", name="Agribusiness")
    industry = factories.AreaFactory(code="industry", name="Industry")
    for number in range(3):
        factories.InitiativeFactory(code=f"busy-{number}", partner_region=busy, area=farming)
    started = factories.InitiativeFactory(code="quiet-0", partner_region=quiet, area=industry)
    workflow.transition(started, Status.UNDER_STUDY, by=admin, note="started", health="at_risk", health_reason="late")
    client.force_login(admin)

    context = client.get(reverse("dashboard")).context

    by_status = {status.value: count for status, count, _share in context["by_status"]}
    assert by_status == {**{status.value: 0 for status in Status}, "proposed": 3, "under_study": 1}
    by_health = {health.value: count for health, count, _share in context["by_health"]}
    assert by_health["at_risk"] == 1 and sum(by_health.values()) == 4
    assert [(area.code, count) for area, count in context["by_area"]] == [("agri", 3), ("industry", 1)]
    assert context["partner"] == busy
    assert Initiative.objects.filter(area=industry).tally("status", "partner_region_id") == {
        "status": {"under_study": 1},
        "partner_region_id": {quiet.pk: 1},
    }


def test_the_dashboard_counts_once_and_shows_a_change_on_the_next_visit(client):
    users = make_world(3)
    client.force_login(users["viewer"])
    assert count_queries(client, reverse("dashboard")) == EXPECTED["dashboard"]
    assert count_queries(client, reverse("dashboard")) == 4  # session, user, header, newest event: figures kept

    workflow.transition(Initiative.objects.get(code="item-0"), Status.AGREED, by=users["owner"], note="agreed")
    assert count_queries(client, reverse("dashboard")) == EXPECTED["dashboard"]
    context = client.get(reverse("dashboard")).context
    by_status = {status.value: count for status, count, _share in context["by_status"]}
    assert (by_status["under_study"], by_status["agreed"]) == (2, 1)
    assert context["recent"][0].note == "agreed"
    # The chart is drawn in the view, in the visitor's language: it is kept once per language.
    assert "Trade with Lipetsk Oblast by year" in client.get(reverse("dashboard")).content.decode()
    russian = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Взаимная торговля по годам: Lipetsk Oblast" in russian


def test_the_filters_choices_are_read_once_and_follow_the_journal(client):
    """The list's filter choices are kept under the journal's newest event (tracker.web.forms): the next visit
    does not read them again, and a change the journal records shows at once."""
    users = make_world(2)
    client.force_login(users["admin"])
    url = reverse("initiative-list")
    first = count_queries(client, url)
    assert count_queries(client, url) == first - 4
    (area,) = Area.objects.bulk_create([factories.AreaFactory.build(code="energy", name="Energy")])
    assert "energy" not in client.get(url).content.decode()  # a row written past the journal (SQL): not yet
    events.record(area, events.Action.CREATED)  # as every write through the app does
    assert 'value="energy"' in client.get(url).content.decode()

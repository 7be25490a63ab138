"""Every list costs the same number of queries for 1 row as for 100: related objects are joined or prefetched,
never fetched row by row. Each count is pinned with the queries it is made of; a change to a count is a
change to this file, with its reason."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from tests.api import key_client
from tracker.domain import workflow
from tracker.domain.actors import SystemActor
from tracker.domain.choices import Status, Visibility

pytestmark = pytest.mark.django_db

ROWS = 100

# Queries per list page, the same at page size 1 and 100. A signed-in user's request first reads the session
# and the user (2 queries); a key's reads the key with its region (1 query); neither is counted below.
QUERIES = {
    # the initiatives joined with area, partner region, owner, origin meeting and source
    "/api/v1/initiatives/": 1,
    # the milestones joined with initiative and responsible organisation
    "/api/v1/milestones/": 1,
    # the participations joined with initiative and organisation
    "/api/v1/participations/": 1,
    # the links joined with initiative and indicator
    "/api/v1/indicator-links/": 1,
    # the organisations joined with region
    "/api/v1/organisations/": 1,
    # the regions joined with parent
    "/api/v1/regions/": 1,
    # the areas
    "/api/v1/areas/": 1,
    # the meetings joined with partner region and source; their initiatives' codes, prefetched
    "/api/v1/meetings/": 2,
    # the indicators joined with reporter, partner and commodity
    "/api/v1/indicators/": 1,
    # the indicator (for access); its observations joined with source
    "/api/v1/indicators/by-lip-turnover-month/observations/": 2,
    # the initiative (for access); its journal entries joined with it
    "/api/v1/initiatives/busy/journal/": 2,
    # the events
    "/api/v1/changes/": 1,
}
AUTHENTICATION = {"session": 2, "key": 1}


@pytest.fixture
def hundreds(owner, admin_user):
    """At least 100 rows behind every list, all shared with partners, with every relation filled in."""
    russia = factories.RegionFactory(code="RU", kind="country")
    lipetsk = factories.RegionFactory(code="RU-LIP", parent=russia)
    factories.RegionFactory.create_batch(ROWS, parent=russia)
    source = factories.SourceFactory()
    area = factories.AreaFactory()
    factories.AreaFactory.create_batch(ROWS)
    organisations = factories.OrganisationFactory.create_batch(ROWS, region=lipetsk)
    meeting = factories.MeetingFactory(partner_region=lipetsk, source=source)
    commodity = factories.CommodityFactory()
    indicators = [
        factories.TradeIndicatorFactory(code=f"indicator-{n}", partner=lipetsk, commodity=commodity)
        for n in range(ROWS)
    ]
    initiatives = [
        factories.InitiativeFactory(
            area=area,
            partner_region=lipetsk,
            owner=owner,
            origin=meeting,
            source=source,
            visibility=Visibility.SHARED,
        )
        for _ in range(ROWS)
    ]
    for n, initiative in enumerate(initiatives):
        factories.MilestoneFactory(initiative=initiative, responsible_organisation=organisations[n])
        factories.ParticipationFactory(initiative=initiative, organisation=organisations[n])
        factories.InitiativeIndicatorFactory(initiative=initiative, indicator=indicators[n])
    for _ in range(ROWS):
        factories.MeetingFactory(partner_region=lipetsk, source=source).initiatives.set(initiatives[:3])
    monthly = factories.TradeIndicatorFactory(code="by-lip-turnover-month", partner=lipetsk, frequency="month")
    start = datetime.date(2010, 1, 1)
    for n in range(ROWS):
        month = start.replace(year=start.year + n // 12, month=n % 12 + 1)
        factories.ObservationFactory(indicator=monthly, period=f"{month:%Y-%m}", source=source)
    busy = factories.InitiativeFactory(code="busy", area=area, partner_region=lipetsk, visibility=Visibility.SHARED)
    office = SystemActor("test")
    for _ in range(ROWS // 2):
        workflow.transition(busy, Status.ON_HOLD, by=office)
        workflow.transition(busy, Status.PROPOSED, by=office, note="resumed")


@pytest.fixture(params=["session", "key"])
def reader(request, admin_user, make_key, api_client):
    """A superuser signed in with a session, or a read key."""
    if request.param == "session":
        api_client.force_login(admin_user)  # a session as a login makes (django-axes refuses a login without a request)
        return request.param, api_client
    return request.param, key_client(make_key("counter")[1])


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries), response.json(), [query["sql"] for query in queries]


def test_every_list_costs_the_same_queries_for_one_row_as_for_a_hundred(hundreds, reader):
    how, client = reader
    client.get("/api/v1/areas/")  # the first use of a key is recorded once; not part of any list's cost
    measured, statements = {}, {}

    for url in QUERIES:
        size = "limit" if "changes" in url else "page_size"
        one, one_body, _ = _count(client, f"{url}?{size}=1")
        many, many_body, statements[url] = _count(client, f"{url}?{size}={ROWS}")
        assert (len(one_body["results"]), len(many_body["results"])) == (1, ROWS), url
        measured[url] = (one - AUTHENTICATION[how], many - AUTHENTICATION[how])

    expected = {url: (count, count) for url, count in QUERIES.items()}
    differing = {url: statements[url] for url in QUERIES if measured[url] != expected[url]}
    assert measured == expected, differing

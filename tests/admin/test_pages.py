"""Every admin page renders, with a number of queries that does not grow with the number of rows.

Each scenario makes one row of a model with everything it points at, and for the object whose change
page is opened, one of each kind of child shown inline. The counts are taken at 1 row (1 child each) and
again at 20 rows (20 children each), must be equal, and are pinned below.
"""

import datetime

import pytest
from django.contrib import admin
from django.db import connection
from django.db.models import CharField, TextField
from django.test.utils import CaptureQueriesContext
from simple_history.admin import SimpleHistoryAdmin

from tests import factories
from tests.admin.factories import KeyCommodityFactory, journal_entry, observation
from tests.admin.helpers import admin_url, form_data
from tracker import models
from tracker.domain.choices import RegionKind
from tracker.domain.permissions import COORDINATORS

pytestmark = pytest.mark.django_db

# Queries per page for a superuser: (changelist, change page, add page). Every page starts with 2: the
# session and the user. Changelists then: the filtered and the total count, the page of rows with their
# foreign keys joined, one per related-model or all-values filter, and for a date hierarchy its range and
# its dates. Change pages: the object with its foreign keys joined, one per autocomplete field that has a
# value, one per inline (its rows) and one per select in an inline (its choices, shared by every row).
EXPECTED_QUERIES = {
    models.Source: (7, 3, 2),  # changelist: + date hierarchy on published_on (range, dates)
    models.Region: (5, 5, 2),  # change: + autocomplete parent, source
    models.Organisation: (6, 5, 2),  # changelist: + region filter; change: + autocomplete region, source
    models.Area: (5, 3, 2),
    models.Meeting: (8, 6, 2),  # changelist: + region filter, date hierarchy; change: + region, its initiatives
    # changelist: + area, owner and region filters; change: + autocomplete area, region, owner, origin,
    # 4 inlines (participations, milestones, indicator links, journal) and 3 inline selects (organisation,
    # responsible organisation, indicator; a milestone's meeting is on its own page since #18); add: the 3 inline
    # selects and the owner (preset to you)
    models.Initiative: (8, 14, 6),
    models.Participation: (5, 5, 2),  # change: + autocomplete initiative, organisation
    models.Milestone: (7, 6, 2),  # changelist: + date hierarchy; change: + initiative, organisation, meeting
    models.Commodity: (5, 3, 2),
    models.TradeIndicator: (6, 7, 2),  # changelist: + partner filter; change: + observations inline, 3 autocompletes
    models.Observation: (6, 4, 2),  # changelist: + indicator filter; change: + autocomplete indicator
    models.KeyCommodity: (7, 6, 2),  # changelist: + partner and year filters; change: + 3 autocompletes
    models.InitiativeIndicator: (5, 5, 2),  # change: + autocomplete initiative, indicator
    models.StatusUpdate: (5, 3, None),  # read-only, one joined query; no add page: only the workflow writes it
}

PAST = datetime.date(2020, 1, 1)
# Users made only to own rows never log in; no password spares the deliberately slow hashing.


def _initiative_children(initiative):
    factories.ParticipationFactory(initiative=initiative)
    factories.MilestoneFactory(
        initiative=initiative,
        due_date=PAST,
        responsible_organisation=factories.OrganisationFactory(),
        meeting=factories.MeetingFactory(),
    )
    factories.InitiativeIndicatorFactory(initiative=initiative)
    journal_entry(initiative)


def _observation_of(indicator):
    year = 1950 + indicator.observations.count()
    observation(indicator, year)


def _journal_entry_by_its_owner():
    owner = factories.UserFactory(groups=[COORDINATORS], password=None)
    return journal_entry(factories.InitiativeFactory(owner=owner), by=owner)


# model: (make one row, add one child to the row whose change page is opened)
SCENARIOS = {
    models.Source: (factories.SourceFactory, None),
    models.Region: (
        lambda: factories.RegionFactory(
            parent=factories.RegionFactory(kind=RegionKind.COUNTRY), source=factories.SourceFactory()
        ),
        None,
    ),
    models.Organisation: (lambda: factories.OrganisationFactory(source=factories.SourceFactory()), None),
    models.Area: (factories.AreaFactory, None),
    models.Meeting: (factories.MeetingFactory, lambda meeting: meeting.initiatives.add(factories.InitiativeFactory())),
    models.Initiative: (
        lambda: factories.InitiativeFactory(
            owner=factories.UserFactory(password=None), origin=factories.MeetingFactory()
        ),
        _initiative_children,
    ),
    models.Participation: (factories.ParticipationFactory, None),
    models.Milestone: (
        lambda: factories.MilestoneFactory(
            responsible_organisation=factories.OrganisationFactory(), meeting=factories.MeetingFactory()
        ),
        None,
    ),
    models.Commodity: (factories.CommodityFactory, None),
    models.TradeIndicator: (
        lambda: factories.TradeIndicatorFactory(commodity=factories.CommodityFactory()),
        _observation_of,
    ),
    models.Observation: (lambda: observation(factories.TradeIndicatorFactory(), 2022), None),
    models.KeyCommodity: (KeyCommodityFactory, None),
    models.InitiativeIndicator: (factories.InitiativeIndicatorFactory, None),
    models.StatusUpdate: (
        lambda: _journal_entry_by_its_owner(),
        None,
    ),
}


TRACKED = [model for model in SCENARIOS if model is not models.StatusUpdate]  # the journal has no history


def _grow(model, main, rows):
    make, add_child = SCENARIOS[model]
    for _ in range(rows):
        make()
        if add_child:
            add_child(main)


def _count_queries(client, url):
    client.get(url)  # warm process-wide caches (content types), so only per-request queries are counted
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def _counts(client, model, main):
    pages = [admin_url(model, "changelist"), admin_url(model, "change", main.pk)]
    if EXPECTED_QUERIES[model][2] is not None:
        pages.append(admin_url(model, "add"))
    counts = [_count_queries(client, url) for url in pages]
    return tuple(counts) + (None,) * (3 - len(counts))


@pytest.mark.parametrize("model", list(SCENARIOS), ids=lambda model: model._meta.model_name)
def test_every_page_renders_with_a_constant_number_of_queries(model, admin_user, login):
    client = login(admin_user)
    make, add_child = SCENARIOS[model]
    main = make()
    if add_child:
        add_child(main)

    with_one_row = _counts(client, model, main)
    _grow(model, main, 19)
    with_twenty_rows = _counts(client, model, main)

    assert model.objects.count() >= 20
    assert with_one_row == with_twenty_rows
    assert with_twenty_rows == EXPECTED_QUERIES[model]


def test_every_model_is_registered_with_its_change_history():
    assert set(SCENARIOS) <= set(admin.site._registry)
    for model in TRACKED:
        assert isinstance(admin.site._registry[model], SimpleHistoryAdmin), model


def _free_text_field(model, data):
    """A text field of `model`'s change form that takes any text (saving an unchanged form writes nothing)."""
    candidates = [
        field.name
        for field in model._meta.fields
        if isinstance(field, CharField | TextField) and not field.choices and field.name in data
    ]
    texts = ("source_detail", "note", "title_en", "name_en", "rationale_en")
    preferred = [name for name in texts if name in candidates]
    return (preferred or candidates)[0]


@pytest.mark.parametrize("model", TRACKED, ids=lambda model: model._meta.model_name)
def test_history_names_who_changed_what_and_past_versions_are_read_only(model, admin_user, login):
    client = login(admin_user)
    obj = SCENARIOS[model][0]()
    url = admin_url(model, "change", obj.pk)
    data = form_data(client.get(url))
    field = _free_text_field(model, data)
    assert client.post(url, data | {field: data[field] + " (edited)"}).status_code == 302
    latest = obj.history.latest("history_date")
    assert (latest.history_user, latest.history_actor) == (admin_user, "admin")

    history = client.get(admin_url(model, "history", obj.pk)).content.decode()
    assert '<td class="history-actor">admin</td>' in history

    past = admin_url(model, "simple_history", obj.pk, obj.history.earliest("history_date").history_id)
    assert client.get(past).status_code == 200
    assert client.post(past, form_data(client.get(url))).status_code == 403
    assert model.objects.get(pk=obj.pk).version == latest.version

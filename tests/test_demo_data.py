"""`generate_demo_data`: what it makes, determinism, --replace, and that bulk-inserted rows keep every rule."""

import datetime
import hashlib
import io
from collections import Counter
from itertools import pairwise
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from tests import factories
from tests.state import snapshot
from tracker.data import demo_data
from tracker.domain import trade, workflow
from tracker.domain.choices import Flow, Frequency, Health, MilestoneState, Status
from tracker.domain.periods import parse_period
from tracker.domain.permissions import COORDINATORS
from tracker.models import (
    Area,
    Commodity,
    Event,
    Initiative,
    Milestone,
    Observation,
    Region,
    StatusUpdate,
    TradeIndicator,
)

pytestmark = pytest.mark.django_db

INITIATIVES, OBSERVATIONS = 50, 3000
ONE_DAY = datetime.timedelta(days=1)


def generate(**options):
    out = io.StringIO()
    options = {"initiatives": INITIATIVES, "observations": OBSERVATIONS, "seed": 7, "no_progress": True, **options}
    call_command("generate_demo_data", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def generated():
    return generate()


def demo_initiatives():
    return Initiative.objects.filter(code__startswith="demo-")


def demo_observations():
    return Observation.objects.filter(indicator__code__startswith="demo-")


# What the digest covers: every stated field of every kind of demo row, by natural keys instead of ids.
DIGESTED = {
    Region: ("code", "name", "name_ru", "kind", "parent__code", "source__key", "source_detail", "created_at"),
    Commodity: ("hs_code", "name", "name_ru", "note", "source__key", "source_detail", "created_at"),
    Area: ("code", "name", "name_ru", "source__key", "created_at"),
    TradeIndicator: (
        "code", "name", "reporter__code", "partner__code", "flow", "commodity__hs_code", "frequency", "currency",
        "source__key", "created_at", "updated_at", "version",
    ),
    Observation: (
        "indicator__code", "period", "period_start", "value", "qualifier", "is_derived", "formula", "note",
        "source__key", "source_detail", "created_at", "updated_at", "version",
    ),
    Initiative: (
        "code", "title", "summary", "area__code", "partner_region__code", "status", "previous_status", "health",
        "health_reason", "priority", "owner__username", "visibility", "planned_start", "planned_end",
        "actual_start", "actual_end", "source__key", "created_at", "updated_at", "version",
    ),
    Milestone: (
        "initiative__code", "kind", "title", "responsible_person", "due_date", "state", "done_on", "source__key",
        "created_at", "updated_at", "version",
    ),
    StatusUpdate: (
        "initiative__code", "from_status", "to_status", "from_health", "to_health", "health_reason", "note",
        "author__username", "author_name", "version", "created_at",
    ),
}  # fmt: skip
DEMO_ROWS = {
    Region: {"code__startswith": "XZ"},
    Commodity: {"source__key": "demo-data"},
    Area: {"code__startswith": "demo-"},
    TradeIndicator: {"code__startswith": "demo-"},
    Observation: {"indicator__code__startswith": "demo-"},
    Initiative: {"code__startswith": "demo-"},
    Milestone: {"initiative__code__startswith": "demo-"},
    StatusUpdate: {"initiative__code__startswith": "demo-"},
}


def digest():
    sha = hashlib.sha256()
    for model, fields in DIGESTED.items():
        rows = model._default_manager.filter(**DEMO_ROWS[model]).order_by(*fields).values_list(*fields)
        sha.update(repr([model.__name__, *rows]).encode())
    users = get_user_model().objects.filter(username__startswith="demo-coordinator-").order_by("username")
    sha.update(repr(list(users.values_list("username", "first_name", "last_name", "password", "date_joined"))).encode())
    return sha.hexdigest()


# What it makes -------------------------------------------------------------------------------------------------


def test_it_makes_what_was_asked(generated):
    assert demo_initiatives().count() == INITIATIVES
    assert demo_observations().count() == OBSERVATIONS
    assert Region.objects.get(code="XZ").kind == "country"
    regions = Region.objects.filter(code__startswith="XZ-")
    assert regions.count() == 85
    assert set(regions.values_list("parent__code", flat=True)) == {"XZ"}
    assert {"XZ-001", "XZ-085"} <= set(regions.values_list("code", flat=True))
    assert set(TradeIndicator.objects.filter(code__startswith="demo-").values_list("reporter__code", flat=True)) == {
        settings.HOME_REGION
    }
    assert Area.objects.filter(code__startswith="demo-").count() == 8
    assert "3,000" in generated and "seed 7" in generated


def test_commodities_are_hs4_headings_with_bilingual_placeholder_names(generated):
    commodities = Commodity.objects.filter(source__key="demo-data")
    assert commodities.exists()
    for commodity in commodities:
        assert len(commodity.hs_code) == 4 and "01" <= commodity.hs_code[:2] <= "97"
        assert (commodity.name, commodity.name_ru) == (f"HS {commodity.hs_code}", f"ТН ВЭД {commodity.hs_code}")


def test_coordinators_are_in_their_group_without_usable_passwords(generated):
    users = get_user_model().objects.filter(username__startswith="demo-coordinator-")
    assert users.count() == 20
    for user in users:
        assert not user.has_usable_password()
        assert list(user.groups.values_list("name", flat=True)) == [COORDINATORS]
    owners = set(demo_initiatives().exclude(owner=None).values_list("owner__username", flat=True))
    assert owners <= set(users.values_list("username", flat=True))


def test_every_generated_record_cites_the_demo_source(generated):
    for model, where in DEMO_ROWS.items():
        if model is not StatusUpdate:  # the journal has no citation column
            rows = model._default_manager.filter(**where)
            assert rows.exists()
            assert not rows.exclude(source__key="demo-data").exists(), model.__name__


def test_initiatives_are_skewed_towards_a_few_regions(generated):
    per_region = Counter(demo_initiatives().values_list("partner_region__code", flat=True))
    assert per_region.most_common(1)[0][1] >= 0.1 * INITIATIVES  # evenly spread, each would have 1 / 85


# Determinism and --replace --------------------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_rows_and_another_seed_other_rows(generated):
    first = digest()
    generate(replace=True)
    assert digest() == first
    generate(replace=True, seed=8)
    assert digest() != first


def test_the_rows_do_not_depend_on_the_active_language(generated):
    first = digest()
    with translation.override("ru"):
        generate(replace=True)
    assert digest() == first


def test_a_second_run_without_replace_is_refused_and_changes_nothing(generated):
    before = snapshot()
    with pytest.raises(CommandError, match="--replace"):
        generate(seed=8)
    assert snapshot() == before


def test_replace_leaves_seed_data_alone_and_writes_no_events_or_history():
    call_command("load_seeds", stdout=io.StringIO())
    before = snapshot()
    generate()
    generate(replace=True, initiatives=20, observations=2000)
    after = snapshot()
    for label, rows in before.items():
        pks = {row[0] for row in rows}
        assert [row for row in after[label] if row[0] in pks] == rows, label
    history = [label for label in before if ".Historical" in label]
    assert all(after[label] == before[label] for label in (*history, Event._meta.label))
    assert demo_initiatives().count() == 20
    assert demo_observations().count() == 2000


def test_replace_refuses_while_a_record_made_by_hand_refers_to_a_demo_row(generated):
    factories.OrganisationFactory(region=Region.objects.get(code="XZ-001"))
    before = snapshot()
    with pytest.raises(CommandError, match="nothing was changed"):
        generate(replace=True)
    assert snapshot() == before


def test_more_observations_than_the_partners_can_hold_is_refused_before_writing():
    with pytest.raises(CommandError, match="more than the demo partners can hold"):
        generate(observations=10**9)
    assert not Region.objects.filter(code="XZ").exists()


def test_negative_numbers_are_refused():
    with pytest.raises(CommandError, match="negative"):
        generate(initiatives=-1)


# Rules kept although the rows bypass save() ----------------------------------------------------------------------


def test_a_sample_of_every_kind_of_row_passes_model_validation(generated):
    for model, where in DEMO_ROWS.items():
        rows = model._default_manager.filter(**where).order_by("pk")
        for row in [*rows[:5], *rows.reverse()[:5]]:
            row.full_clean()
    for user in get_user_model().objects.filter(username__startswith="demo-coordinator-"):
        user.full_clean()


def test_journals_walk_the_workflow_to_the_initiatives_status(generated):
    for initiative in demo_initiatives().prefetch_related("journal"):
        entries = sorted(initiative.journal.all(), key=lambda entry: entry.version)
        assert 1 <= len(entries) <= 4
        assert [entry.version for entry in entries] == list(range(2, len(entries) + 2))
        assert initiative.version == len(entries) + 1
        state = SimpleNamespace(status=Status.PROPOSED, previous_status="", health=Health.NOT_ASSESSED)
        for entry in entries:
            assert (entry.from_status, entry.from_health) == (state.status, state.health)
            assert (entry.to_status, entry.to_health) != (entry.from_status, entry.from_health)
            if entry.to_status != entry.from_status:
                assert entry.to_status in workflow.allowed_transitions(state)
                if entry.from_status in workflow.ACTIVE:
                    state.previous_status = entry.from_status
            if entry.to_health != entry.from_health:
                assert not Status(entry.from_status).is_final
            if Health(entry.to_health).needs_reason:
                assert entry.health_reason
            state.status, state.health = entry.to_status, entry.to_health
        assert (initiative.status, initiative.previous_status) == (state.status, state.previous_status)
        assert (initiative.health, initiative.health_reason) == (state.health, entries[-1].health_reason)
        times = [initiative.created_at, *(entry.created_at for entry in entries)]
        assert times == sorted(times) and initiative.updated_at == times[-1]
        assert initiative.actual_start == _day_reached(entries, Status.IN_PROGRESS)
        assert initiative.actual_end == _day_reached(entries, Status.COMPLETED)


def _day_reached(entries, status):
    reached = [entry.created_at for entry in entries if entry.to_status == status != entry.from_status]
    return timezone.localdate(reached[0]) if reached else None


def test_milestones_are_consistent_and_some_are_overdue(generated):
    milestones = Milestone.objects.filter(initiative__code__startswith="demo-")
    assert milestones.overdue().exists()
    assert milestones.filter(state=MilestoneState.DONE).exists()
    assert not milestones.filter(state=MilestoneState.DONE, done_on=None).exists()
    assert not milestones.exclude(state=MilestoneState.DONE).exclude(done_on=None).exists()
    assert not milestones.filter(initiative__status=Status.COMPLETED, state=MilestoneState.OPEN).exists()
    per_initiative = [initiative.milestones.count() for initiative in demo_initiatives()]
    assert max(per_initiative) <= 5


def test_no_timestamp_comes_from_the_clock(generated):
    for model, where in DEMO_ROWS.items():
        rows = model._default_manager.filter(**where)
        assert not rows.filter(created_at__gt=demo_data.BASE).exists(), model.__name__
        if model is not StatusUpdate:
            assert not rows.filter(updated_at__gt=demo_data.BASE).exists(), model.__name__


# Trade figures ----------------------------------------------------------------------------------------------------


def test_observation_periods_match_their_indicators_frequency_and_are_contiguous(generated):
    series = {}
    for indicator, frequency, period, start, value in demo_observations().values_list(
        "indicator", "indicator__frequency", "period", "period_start", "value"
    ):
        assert parse_period(period, frequency).start == start
        assert value > 0
        series.setdefault((indicator, frequency), []).append(parse_period(period, frequency))
    for (_, frequency), periods in series.items():
        periods.sort(key=lambda period: period.start)
        assert all(later.start == earlier.end + ONE_DAY for earlier, later in pairwise(periods)), frequency
        assert periods[-1].text[:4] == str(demo_data.LAST_YEAR)


def test_there_are_commodity_series_of_every_frequency():
    generate(observations=10_000)  # 3000 leave room for a handful of commodity series only
    with_commodity = TradeIndicator.objects.filter(code__startswith="demo-", commodity__isnull=False)
    assert set(with_commodity.values_list("flow", flat=True)) == {Flow.EXPORT, Flow.IMPORT}
    assert set(with_commodity.values_list("frequency", flat=True)) == set(Frequency.values)


def test_the_dashboard_trade_panel_has_data_and_turnover_is_exports_plus_imports(generated):
    region = Region.objects.get(code="XZ-001")
    flows = trade.yearly_flows(region)
    assert flows and trade.latest_quarter(region) is not None
    for _, by_flow in flows.rows():
        assert by_flow[Flow.TURNOVER].value == by_flow[Flow.EXPORT].value + by_flow[Flow.IMPORT].value


def test_the_copy_columns_cover_the_observation_table():
    columns = {field.column for field in Observation._meta.concrete_fields if not field.primary_key}
    assert set(demo_data.OBSERVATION_COLUMNS) == columns

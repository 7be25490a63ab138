"""Generate demo data at scale; `python manage.py generate_demo_data` runs `generate`.

What it makes, and why:

- **Partners that cannot be mistaken for real ones.** ISO 3166 leaves "XZ" to users, so the partner is a country
  "XZ" ("Demo country") with 85 subdivisions XZ-001 … XZ-085. Regions differ in size (a Zipf-like weight): the
  big ones trade more and host more initiatives, as real partners do. The reporter of every series is
  `settings.HOME_REGION` (created when missing, e.g. on an empty database without the seeds).
- **Trade figures.** Per region, whole-trade series (no commodity) of turnover, exports and imports, yearly and
  quarterly, so the dashboard's trade panel has data; exports and imports are drawn per quarter in cents, and
  turnover and the years are their exact sums. Then commodity series (HS4 headings, export or import, mostly
  monthly) until the number of observations is exactly the one asked for. Every series is contiguous and ends
  with the last period of LAST_YEAR; values are log-normal around a level that follows the region's size.
- **Initiatives** ("demo-00001" …) spread over the regions and 8 demo areas, owned by 20 demo coordinators (in the
  Coordinators group, without usable passwords), with 0–5 milestones (some overdue) and 1–4 journal entries that
  walk the workflow's allowed transitions to the initiative's status.
- **Every row cites the Source "demo-data".**

Deterministic: the same arguments and seed give the same rows (up to database ids). Each part draws from its own
`random.Random` derived from the seed, so e.g. the trade figures do not change when only the number of
initiatives does; every timestamp is derived from BASE, never from the clock. BASE lies in the past, so open
milestones due before it are overdue whenever the data is looked at.

Fast: rows go in with bulk inserts (observations with COPY on PostgreSQL, streamed series by series, so ten
million rows never sit in memory), in one transaction. **This bypasses `tracker.domain.workflow`, the change history and
the event log on purpose**: a demo load is not a series of changes that anyone should be notified of or that a
partner should mirror. In exchange this module itself keeps every rule those paths keep: statuses reached by
allowed transitions, journal versions matching the initiative's, done dates exactly on done milestones,
actual start/end dates where the workflow would set them, and every database constraint.

Demo rows are recognised by the XZ region codes, the "demo-" code prefix, the "demo-coordinator-" user names and
citations of "demo-data"; `remove_demo_data` deletes exactly those (seed data stays untouched). The source row
itself, and a home region this module had to create, are kept: they are shared reference data.
"""

import datetime
import math
import random
from bisect import bisect_right
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import accumulate, chain, islice

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone

from tracker.domain.choices import (
    Flow,
    Frequency,
    Health,
    MilestoneKind,
    MilestoneState,
    Priority,
    Qualifier,
    RegionKind,
    Status,
    Visibility,
)
from tracker.domain.periods import parse_period
from tracker.domain.permissions import COORDINATORS
from tracker.models import (
    Area,
    Commodity,
    Event,
    Initiative,
    InitiativeIndicator,
    Meeting,
    Milestone,
    Observation,
    Participation,
    Region,
    Source,
    StatusUpdate,
    TradeIndicator,
    Watch,
)

__all__ = ["BASE", "DemoDataError", "Report", "demo_data_exists", "generate", "remove_demo_data"]

SOURCE_KEY = "demo-data"
PREFIX = "demo-"
USER_PREFIX = "demo-coordinator-"
COUNTRY = "XZ"  # ISO 3166-1 user-assigned: no real country has it
REGIONS = 85
COORDINATOR_COUNT = 20
BASE = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)  # "now" of the demo world
EPOCH = datetime.datetime(2015, 1, 1, 9, 0, tzinfo=datetime.UTC)  # when the reference rows "were entered"
FIRST_YEAR, LAST_YEAR = 2015, 2025
RELEASE_LAG = datetime.timedelta(days=40)  # figures are published some weeks after their period ends
BATCH = 5000  # rows per bulk_create
COPY_CHUNK = 500_000  # rows per COPY statement

# HS 2022 chapters and roughly how many four-digit headings each has (chapter 77 is reserved), so that the
# codes are plausible headings without copying the nomenclature's names.
_HEADINGS = (
    "01:6 02:10 03:9 04:10 05:11 06:4 07:14 08:14 09:10 10:8 11:9 12:14 13:2 14:4 15:22 16:5 17:4 18:6 19:5 "
    "20:9 21:6 22:9 23:9 24:4 25:30 26:21 27:16 28:53 29:42 30:6 31:5 32:15 33:7 34:7 35:7 36:6 37:7 38:27 "
    "39:26 40:17 41:15 42:6 43:4 44:21 45:4 46:2 47:7 48:23 49:11 50:7 51:13 52:12 53:11 54:8 55:16 56:9 57:5 "
    "58:11 59:11 60:6 61:17 62:17 63:10 64:6 65:6 66:3 67:4 68:15 69:14 70:20 71:18 72:29 73:26 74:19 75:8 "
    "76:16 78:6 79:7 80:7 81:13 82:15 83:11 84:87 85:49 86:9 87:16 88:7 89:8 90:33 91:14 92:9 93:7 94:6 95:8 "
    "96:20 97:6"
)
HS_CODES = [
    f"{chapter}{heading:02d}"
    for chapter, count in (item.split(":") for item in _HEADINGS.split())
    for heading in range(1, int(count) + 1)
]

AREAS = [  # code, English, Russian, share of initiatives, typical subjects
    ("demo-machine-building", "Machine building", "Машиностроение", 22,
     ["Assembly of tractors", "Supplies of machine tools", "Joint production of lifts", "Service centre for buses"]),
    ("demo-agribusiness", "Agribusiness", "Агропромышленный комплекс", 20,
     ["Dairy processing plant", "Seed potato supplies", "Grain storage terminal", "Joint breeding programme"]),
    ("demo-energy", "Energy", "Энергетика", 14,
     ["Modernisation of a heat plant", "Solar park", "Supplies of transformers", "Peat briquette production"]),
    ("demo-logistics", "Transport and logistics", "Транспорт и логистика", 12,
     ["Freight terminal", "Container rail service", "Bonded warehouse", "Road haulage agreement"]),
    ("demo-construction", "Construction", "Строительство", 10,
     ["Residential district", "Cement supplies", "Bridge reconstruction", "Prefabricated housing plant"]),
    ("demo-healthcare", "Healthcare", "Здравоохранение", 9,
     ["Supplies of medical equipment", "Joint pharmaceutical plant", "Exchange of surgeons", "Telemedicine network"]),
    ("demo-education", "Education", "Образование", 7,
     ["Student exchange", "Joint vocational college", "Engineering summer school", "Shared research lab"]),
    ("demo-digital", "Digital economy", "Цифровая экономика", 6,
     ["E-government platform", "Data centre", "Electronic document exchange", "IT outsourcing hub"]),
]  # fmt: skip

STATUS_SHARES = {
    Status.PROPOSED: 14,
    Status.UNDER_STUDY: 14,
    Status.AGREED: 12,
    Status.IN_PROGRESS: 34,
    Status.ON_HOLD: 7,
    Status.COMPLETED: 12,
    Status.CANCELLED: 7,
}
HEALTH_SHARES = {  # given the status; a proposed initiative's only journal entry is its first assessment
    Status.PROPOSED: {Health.ON_TRACK: 70, Health.AT_RISK: 25, Health.OFF_TRACK: 5},
    Status.UNDER_STUDY: {Health.NOT_ASSESSED: 30, Health.ON_TRACK: 50, Health.AT_RISK: 15, Health.OFF_TRACK: 5},
    Status.AGREED: {Health.NOT_ASSESSED: 30, Health.ON_TRACK: 50, Health.AT_RISK: 15, Health.OFF_TRACK: 5},
    Status.IN_PROGRESS: {Health.NOT_ASSESSED: 10, Health.ON_TRACK: 55, Health.AT_RISK: 25, Health.OFF_TRACK: 10},
    Status.ON_HOLD: {Health.NOT_ASSESSED: 10, Health.ON_TRACK: 10, Health.AT_RISK: 40, Health.OFF_TRACK: 40},
    Status.COMPLETED: {Health.NOT_ASSESSED: 5, Health.ON_TRACK: 85, Health.AT_RISK: 10},
    Status.CANCELLED: {Health.NOT_ASSESSED: 30, Health.AT_RISK: 20, Health.OFF_TRACK: 50},
}
HEALTH_REASONS = [
    "Financing is not confirmed yet.",
    "The partner's procurement is delayed.",
    "Equipment deliveries are late.",
    "Permits are still pending.",
    "Prices changed since the agreement.",
]
MAIN_PATH = [Status.UNDER_STUDY, Status.AGREED, Status.IN_PROGRESS, Status.COMPLETED]  # after proposed
ACTIVE = [Status.PROPOSED, Status.UNDER_STUDY, Status.AGREED, Status.IN_PROGRESS]
MILESTONE_TITLES = [
    "Feasibility study",
    "Working group meeting",
    "Roadmap agreed",
    "Agreement signed",
    "Financing secured",
    "First deliveries",
    "Report to the intergovernmental commission",
    "Site selected",
]
FIRST_NAMES = ["Anna", "Pavel", "Olga", "Ivan", "Maria", "Sergei", "Elena", "Dmitri", "Irina", "Andrei"]
LAST_NAMES = ["Demo", "Sample", "Example", "Testova", "Placeholder"]

FREQUENCY_LETTER = {Frequency.YEAR: "y", Frequency.QUARTER: "q", Frequency.MONTH: "m"}
PER_YEAR = {Frequency.YEAR: 1, Frequency.QUARTER: 4, Frequency.MONTH: 12}
NOISE = {Frequency.YEAR: 0.1, Frequency.QUARTER: 0.2, Frequency.MONTH: 0.35}  # smaller periods, noisier
# One observation column order, shared by COPY and bulk_create (tests check it covers the table).
OBSERVATION_COLUMNS = (
    "created_at", "updated_at", "version", "source_id", "source_detail", "indicator_id", "period", "period_start",
    "value", "qualifier", "is_derived", "formula", "note",
)  # fmt: skip


class DemoDataError(Exception):
    """The demo data cannot be generated as asked; nothing was written."""


@dataclass
class Report:
    seed: int
    observations_asked: int
    created: dict = field(default_factory=dict)  # label → rows
    removed: dict = field(default_factory=dict)


# Entry points ----------------------------------------------------------------------------------------------------


def generate(*, initiatives, observations, seed, replace=False, progress=None):
    """Generate the demo data in one transaction; return a Report.

    Refuses (DemoDataError) when demo data exists unless `replace`, which deletes it first. `progress(n)` is
    called as observations are written.
    """
    if initiatives < 0 or observations < 0:
        raise DemoDataError("The numbers of initiatives and observations cannot be negative.")
    report = Report(seed, observations)
    plan = _plan_trade(seed, observations)  # before any write: it may refuse
    try:
        with transaction.atomic(), _given_timestamps():
            if demo_data_exists():
                if not replace:
                    raise DemoDataError(
                        "This database already has demo data; pass --replace to delete it and generate it again."
                    )
                report.removed = remove_demo_data()
            _Generator(seed, report, progress).run(plan, initiatives)
    except (IntegrityError, ProtectedError) as error:
        raise DemoDataError(
            f"The database refused the demo data, so nothing was changed: {error}\n"
            "Most likely a record made by hand refers to a demo row (e.g. an organisation in a demo region)."
        ) from None
    _analyze()
    return report


def demo_data_exists():
    # Small tables first: any() stops at the first hit, and observations may be millions of rows.
    return _demo_users().exists() or any(queryset.exists() for _, queryset in reversed(_demo_rows()))


def remove_demo_data():
    """Delete every demo row (see the module docstring); return {label: rows deleted}.

    Raw deletes, like the inserts: the ORM's delete would send a deletion event (and a history row) per row,
    and journal entries refuse deletion through the ORM. Only demo initiatives' entries are deleted here.
    """
    regions = Region.objects.filter(Q(code=COUNTRY) | Q(code__startswith=f"{COUNTRY}-"))
    Event.objects.filter(partner_region__in=regions).update(partner_region=None)  # what SET_NULL would do
    removed = {label: queryset._raw_delete(connection.alias) for label, queryset in _demo_rows()}
    # Users through the ORM: few rows, and Django clears their group memberships, log entries and the like.
    removed["coordinators"] = _demo_users().delete()[1].get(get_user_model()._meta.label, 0)
    # Foreign keys are checked at the commit; check now, so that a row made by hand that still refers to a demo
    # row fails here, also inside an outer transaction (whose commit may be far away).
    connection.check_constraints()
    return {label: count for label, count in removed.items() if count}


def _demo_rows():
    """(label, queryset) of the demo rows, in an order that deletes dependants before what they refer to."""
    cited = Q(source__key=SOURCE_KEY)  # a join, so it matches nothing when the source is missing
    initiatives = Initiative.objects.filter(Q(code__startswith=PREFIX) | cited)
    indicators = TradeIndicator.objects.filter(Q(code__startswith=PREFIX) | cited)
    of_initiatives = Q(initiative__in=initiatives)
    subdivisions = Region.objects.filter(code__startswith=f"{COUNTRY}-")
    return [
        ("observations", Observation.objects.filter(Q(indicator__in=indicators) | cited)),
        ("indicator links", InitiativeIndicator.objects.filter(Q(indicator__in=indicators) | of_initiatives | cited)),
        ("trade indicators", indicators),
        ("participations", Participation.objects.filter(of_initiatives | cited)),
        ("milestones", Milestone.objects.filter(of_initiatives | cited)),
        ("journal entries", StatusUpdate.objects.filter(of_initiatives)),
        ("meeting links", Meeting.initiatives.through.objects.filter(of_initiatives)),
        ("watches", Watch.objects.filter(of_initiatives)),
        ("initiatives", initiatives),
        ("commodities", Commodity.objects.filter(cited)),
        ("areas", Area.objects.filter(Q(code__startswith=PREFIX) | cited)),
        ("regions", subdivisions),
        ("countries", Region.objects.filter(code=COUNTRY)),
    ]


def _demo_users():
    return get_user_model().objects.filter(username__startswith=USER_PREFIX)


def _analyze():
    """Fresh planner statistics: after millions of new rows the old ones would mislead PostgreSQL."""
    tables = [model._meta.db_table for model in (Observation, TradeIndicator, Initiative, Milestone, StatusUpdate)]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


@contextmanager
def _given_timestamps():
    """Let bulk inserts keep the timestamps given: Django's pre_save stamps auto_now/auto_now_add fields with
    the clock, which would make two runs differ. Restored on exit; only this command's process is affected."""
    models = (Source, Region, Area, Commodity, TradeIndicator, Observation, Initiative, Milestone, StatusUpdate)
    fields = [
        model_field
        for model in models
        for model_field in model._meta.concrete_fields
        if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False)
    ]
    saved = [(model_field, model_field.auto_now, model_field.auto_now_add) for model_field in fields]
    for model_field in fields:
        model_field.auto_now = model_field.auto_now_add = False
    try:
        yield
    finally:
        for model_field, auto_now, auto_now_add in saved:
            model_field.auto_now, model_field.auto_now_add = auto_now, auto_now_add


# Trade plan: which series, how long, at what level -------------------------------------------------------------


@dataclass(slots=True)
class _Series:
    region: int  # 0 … REGIONS-1
    flow: str
    frequency: str
    count: int  # observations, the last `count` periods up to LAST_YEAR
    hs_code: str | None = None
    cents: list | None = None  # whole-trade series: the values, fixed in the plan
    level: float = 0.0  # commodity series: the value of a year's trade at the series' first period
    growth: float = 0.0  # … and its yearly growth

    @property
    def code(self):
        parts = [PREFIX + f"{COUNTRY}-{self.region + 1:03d}".lower(), self.hs_code, self.flow]
        return "-".join(part for part in parts if part) + "-" + FREQUENCY_LETTER[self.frequency]


def _region_weights(seed):
    """A Zipf-like size per region, in a shuffled order so that XZ-001 is not always the biggest."""
    ranks = list(range(REGIONS))
    random.Random(f"{seed}:regions").shuffle(ranks)
    return [1 / (rank + 1) ** 1.1 for rank in ranks]


def _plan_trade(seed, observations):
    """The series to write, whose lengths add up to exactly `observations` (the last one is cut short);
    DemoDataError when that is more than the regions × headings × flows can hold."""
    if observations > REGIONS * (6 + 2 * len(HS_CODES)) * len(PERIODS[Frequency.MONTH]):  # a quick upper bound
        raise _too_many(observations)
    rng = random.Random(f"{seed}:trade")
    weights = _region_weights(seed)
    turnover = [2e9 * weight * rng.lognormvariate(0, 0.3) for weight in weights]  # USD a year
    plan, budget = [], observations
    for series in chain(_whole_trade(rng, turnover, observations), _commodity_series(rng, seed, turnover, weights)):
        if budget == 0:
            return plan
        series.count = min(series.count, budget)
        budget -= series.count
        plan.append(series)
    if budget > 0:
        raise _too_many(observations)
    return plan


def _too_many(observations):
    return DemoDataError(
        f"{observations:,} observations is more than the demo partners can hold (about 20 million: "
        f"{REGIONS} regions × {len(HS_CODES)} HS headings × 2 flows, mostly monthly from {FIRST_YEAR})."
    )


def _whole_trade(rng, turnover, observations):
    """Six series per region: turnover, exports and imports, yearly and quarterly.

    They cover the last `years` years: about half of the observations asked for, but at least two years (so
    the dashboard can compare a quarter with a year earlier) and at most all of them. Commodity series get the
    rest. Exports and imports are drawn per quarter in cents; turnover and the years
    are their exact sums, as in real statistics.
    """
    per_region_year = 3 + 3 * 4
    years = max(2, min(LAST_YEAR - FIRST_YEAR + 1, observations // 2 // (REGIONS * per_region_year)))
    for region, yearly in enumerate(turnover):
        quarters = _quarterly_flows(rng, yearly)
        flows = {
            Flow.EXPORT: [exports for exports, _ in quarters],
            Flow.IMPORT: [imports for _, imports in quarters],
            Flow.TURNOVER: [exports + imports for exports, imports in quarters],
        }
        for frequency in (Frequency.YEAR, Frequency.QUARTER):
            for flow in (Flow.TURNOVER, Flow.EXPORT, Flow.IMPORT):
                cents = flows[flow] if frequency == Frequency.QUARTER else _sums_of_four(flows[flow])
                count = years * PER_YEAR[frequency]
                yield _Series(region, flow, frequency, count, cents=cents[-count:])


def _quarterly_flows(rng, yearly):
    """(exports, imports) in cents per quarter from FIRST_YEAR: growth, a 2020 dip, seasons and noise."""
    export_share = rng.uniform(0.35, 0.75)
    growth = rng.gauss(0.04, 0.05)
    seasons = (0.92, 1.0, 1.0, 1.08)
    values = []
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        level = yearly / 4 * (1 + growth) ** (year - FIRST_YEAR) * (0.85 if year == 2020 else 1.0)
        level *= rng.lognormvariate(0, 0.08)
        for season in seasons:
            total = level * season * rng.lognormvariate(0, 0.05)
            share = min(0.95, max(0.05, rng.gauss(export_share, 0.04)))
            values.append((max(1, round(total * share * 100)), max(1, round(total * (1 - share) * 100))))
    return values


def _sums_of_four(quarters):
    return [sum(quarters[index : index + 4]) for index in range(0, len(quarters), 4)]


def _commodity_series(rng, seed, turnover, weights):
    """Commodity series without end, until the slots run out: the region drawn by size, then that region's
    next (heading, flow). Each region prefers headings by a shared popularity, so popular goods recur."""
    popularity = [rng.lognormvariate(0, 1.2) for _ in HS_CODES]
    slots = [_slots(random.Random(f"{seed}:slots:{region}"), popularity) for region in range(REGIONS)]
    live = list(range(REGIONS))
    cumulative = list(accumulate(weights[region] for region in live))
    frequencies, frequency_weights = [Frequency.MONTH, Frequency.QUARTER, Frequency.YEAR], [70, 20, 10]
    while live:
        pick = bisect_right(cumulative, rng.random() * cumulative[-1])
        region = live[min(pick, len(live) - 1)]
        slot = next(slots[region], None)
        if slot is None:  # this region trades every heading both ways already: draw among the others
            live.remove(region)
            cumulative = list(accumulate(weights[region] for region in live))
            continue
        hs_code, flow = slot
        frequency = rng.choices(frequencies, frequency_weights)[0]
        full = (LAST_YEAR - FIRST_YEAR + 1) * PER_YEAR[frequency]
        count = full if rng.random() < 0.75 else rng.randint(max(1, full // 4), full)  # some trade started later
        share = min(0.3, rng.lognormvariate(math.log(0.004), 1.0))
        growth = rng.gauss(0.03, 0.08)
        yield _Series(region, flow, frequency, count, hs_code=hs_code, level=turnover[region] * share, growth=growth)


def _slots(rng, popularity):
    """A region's (heading, flow) pairs, popular headings first (weighted sampling without replacement)."""
    keys = sorted(((rng.random() ** (1 / weight), index) for index, weight in enumerate(popularity)), reverse=True)
    for _, index in keys:
        flows = [Flow.EXPORT, Flow.IMPORT]
        rng.shuffle(flows)
        for flow in flows:
            yield HS_CODES[index], flow


# Writing ---------------------------------------------------------------------------------------------------------


def _periods(frequency):
    """[(text, first day, release time)] from FIRST_YEAR to LAST_YEAR; release = period end + RELEASE_LAG."""
    texts = {
        Frequency.YEAR: lambda year: [f"{year}"],
        Frequency.QUARTER: lambda year: [f"{year}-Q{quarter}" for quarter in range(1, 5)],
        Frequency.MONTH: lambda year: [f"{year}-{month:02d}" for month in range(1, 13)],
    }[frequency]
    periods = []
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        for text in texts(year):
            period = parse_period(text, frequency)
            release = datetime.datetime.combine(period.end + RELEASE_LAG, EPOCH.timetz())
            periods.append((text, period.start, min(release, BASE)))
    return periods


PERIODS = {frequency: _periods(frequency) for frequency in Frequency}


class _Generator:
    def __init__(self, seed, report, progress):
        self.seed, self.report, self.progress = seed, report, progress or (lambda n: None)
        self.detail = f"generate_demo_data --seed {seed}"
        self.is_postgresql = connection.vendor == "postgresql"

    def cite(self):
        return {"source": self.source, "source_detail": self.detail}

    def created(self, label, rows):
        self.report.created[label] = self.report.created.get(label, 0) + rows

    def run(self, plan, initiatives):
        self.source = _demo_source()
        self.home = self.home_region()
        self.regions = self.make_regions()
        indicator_ids = self.make_indicators(plan)
        self.write_observations(plan, indicator_ids)
        self.owners = self.make_coordinators()
        self.areas = self.make_areas()
        self.make_initiatives(initiatives)

    # Reference data.

    def home_region(self):
        code = settings.HOME_REGION
        region = Region.objects.filter(code=code).first()
        if region is None:  # an empty database: the seeds would name it; the code is all we know
            kind = RegionKind.SUBDIVISION if "-" in code else RegionKind.COUNTRY
            region = Region(code=code, name_en=code, kind=kind, created_at=EPOCH, updated_at=EPOCH, **self.cite())
            Region.objects.bulk_create([region])
            self.created("home region", 1)
        return region

    def make_regions(self):
        stamps = {"created_at": EPOCH, "updated_at": EPOCH, **self.cite()}
        country = Region(code=COUNTRY, name_en="Demo country", name_ru="Демо-страна", kind=RegionKind.COUNTRY, **stamps)
        Region.objects.bulk_create([country])
        regions = [
            Region(
                code=f"{COUNTRY}-{number:03d}",
                name_en=f"Demo region {number:03d}",
                name_ru=f"Демо-регион {number:03d}",
                kind=RegionKind.SUBDIVISION,
                parent=country,
                **stamps,
            )
            for number in range(1, REGIONS + 1)
        ]
        Region.objects.bulk_create(regions)
        self.created("regions", 1 + len(regions))
        return regions

    def commodities(self, codes):
        """{HS code: commodity}; headings that exist already (e.g. from the seeds) are used, not duplicated."""
        existing = {commodity.hs_code: commodity for commodity in Commodity.objects.filter(hs_code__in=codes)}
        new = [
            Commodity(
                hs_code=code,
                name_en=f"HS {code}",
                name_ru=f"ТН ВЭД {code}",
                note_en="Demo data: a real HS heading number with a placeholder name.",
                created_at=EPOCH,
                updated_at=EPOCH,
                **self.cite(),
            )
            for code in sorted(set(codes) - set(existing))
        ]
        Commodity.objects.bulk_create(new, batch_size=BATCH)
        self.created("commodities", len(new))
        return existing | {commodity.hs_code: commodity for commodity in new}

    # Trade.

    def make_indicators(self, plan):
        """Create the plan's indicators; return their ids in plan order."""
        commodities = self.commodities({series.hs_code for series in plan if series.hs_code})
        indicators = []
        for series in plan:
            first_release = PERIODS[series.frequency][-series.count][2]
            indicators.append(
                TradeIndicator(
                    code=series.code,
                    name_en=_indicator_name(series, self.regions[series.region]),
                    reporter=self.home,
                    partner=self.regions[series.region],
                    flow=series.flow,
                    commodity=commodities.get(series.hs_code),
                    frequency=series.frequency,
                    currency="USD",
                    created_at=first_release,
                    updated_at=first_release,
                    **self.cite(),
                )
            )
        TradeIndicator.objects.bulk_create(indicators, batch_size=BATCH)
        self.created("trade indicators", len(indicators))
        return [indicator.pk for indicator in indicators]

    def write_observations(self, plan, indicator_ids):
        values = _observation_values(plan, indicator_ids, random.Random(f"{self.seed}:values"), self.progress)
        rows = _observation_rows(values, self.source.pk, self.detail)
        written = _copy_observations(rows) if self.is_postgresql else _bulk_create_observations(rows)
        self.created("observations", written)

    # People and initiatives.

    def make_coordinators(self):
        rng = random.Random(f"{self.seed}:users")
        users = [
            get_user_model()(
                username=f"{USER_PREFIX}{number:02d}",
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                email=f"{USER_PREFIX}{number:02d}@example.org",
                is_staff=True,
                # "!" marks an unusable password; the rest is what make_password(None) would make, but seeded.
                password="!" + "".join(rng.choices("abcdefghijklmnopqrstuvwxyz0123456789", k=40)),
                date_joined=EPOCH,
            )
            for number in range(1, COORDINATOR_COUNT + 1)
        ]
        get_user_model().objects.bulk_create(users)
        membership = get_user_model().groups.through
        group = _coordinators_group()
        membership.objects.bulk_create([membership(user_id=user.pk, group_id=group.pk) for user in users])
        self.created("coordinators", len(users))
        return users

    def make_areas(self):
        areas = [
            Area(code=code, name_en=name, name_ru=name_ru, created_at=EPOCH, updated_at=EPOCH, **self.cite())
            for code, name, name_ru, _, _ in AREAS
        ]
        Area.objects.bulk_create(areas)
        self.created("areas", len(areas))
        return areas

    def make_initiatives(self, count):
        """In chunks, so memory stays flat: a chunk's initiatives first (bulk_create gives them their ids),
        then their milestones and journal entries."""
        rng = random.Random(f"{self.seed}:initiatives")
        self.region_weights = _region_weights(self.seed)  # the regions that trade most host most initiatives
        self.owner_weights = [1 / (rank + 1) ** 0.8 for rank in range(len(self.owners))]
        for start in range(0, count, BATCH):
            drafts = [
                _draft_initiative(rng, number, self) for number in range(start + 1, min(count, start + BATCH) + 1)
            ]
            Initiative.objects.bulk_create([draft.initiative for draft in drafts])
            milestones = [milestone for draft in drafts for milestone in draft.milestones]
            journal = [entry for draft in drafts for entry in draft.journal]
            Milestone.objects.bulk_create(milestones, batch_size=BATCH)
            StatusUpdate.objects.bulk_create(journal, batch_size=BATCH)
            self.created("initiatives", len(drafts))
            self.created("milestones", len(milestones))
            self.created("journal entries", len(journal))


def _demo_source():
    source = Source.objects.filter(key=SOURCE_KEY).first()
    if source is None:
        source = Source(
            key=SOURCE_KEY,
            publisher="cooperation-tracker",
            title_en="Generated demo data: invented regions, initiatives and figures",
            published_on=BASE.date(),
            created_at=EPOCH,
            updated_at=EPOCH,
        )
        Source.objects.bulk_create([source])
    return source


def _coordinators_group():
    group = Group.objects.filter(name=COORDINATORS).first()
    if group is None:  # the roles migration made it, but a flushed test database may have lost it
        from tracker.domain.roles import sync_roles

        sync_roles(apps)
        group = Group.objects.get(name=COORDINATORS)
    return group


def _indicator_name(series, region):
    """In English whatever the active language (labels are translated, and rows must not depend on it)."""
    frequency = {Frequency.YEAR: "yearly", Frequency.QUARTER: "quarterly", Frequency.MONTH: "monthly"}[series.frequency]
    what = {
        Flow.TURNOVER: f"Trade turnover with {region.name_en}",
        Flow.EXPORT: f"Exports to {region.name_en}",
        Flow.IMPORT: f"Imports from {region.name_en}",
    }[series.flow]
    commodity = f", HS {series.hs_code}" if series.hs_code else ""
    return f"{what}{commodity}, {frequency}"


def _observation_values(plan, indicator_ids, rng, progress):
    """Stream (indicator id, period, first day, release time, value text, qualifier), series by series."""
    exact, qualifiers, qualifier_weights = Qualifier.EXACT.value, Qualifier.values, [96, 2, 1.5, 0.5]
    for series, indicator_id in zip(plan, indicator_ids, strict=True):
        periods = PERIODS[series.frequency][-series.count :]
        if series.cents is not None:
            for (text, start, released), cents in zip(periods, series.cents[-series.count :], strict=True):
                yield indicator_id, text, start, released, f"{cents // 100}.{cents % 100:02d}", exact
        else:
            per_period = series.level / PER_YEAR[series.frequency]
            step = (1 + series.growth) ** (1 / PER_YEAR[series.frequency])
            noise = NOISE[series.frequency]
            for text, start, released in periods:
                value = max(0.01, per_period * math.exp(rng.gauss(0, noise)))
                qualifier = exact if rng.random() < 0.96 else rng.choices(qualifiers, qualifier_weights)[0]
                yield indicator_id, text, start, released, f"{value:.2f}", qualifier
                per_period *= step
        progress(series.count)


def _observation_rows(values, source_id, source_detail):
    """Whole rows, in OBSERVATION_COLUMNS order: version 1, cited, stated (not derived), entered when released."""
    cited, stated = (1, source_id, source_detail), (False, "", "")
    for indicator_id, period, start, released, value, qualifier in values:
        yield (released, released, *cited, indicator_id, period, start, value, qualifier, *stated)


def _copy_observations(rows):
    """PostgreSQL: COPY, the fastest way in (psycopg turns the Python values into COPY's text form).

    PostgreSQL queues two foreign-key checks per row until they run; deferred to the commit, as Django declares
    them, ten million rows would queue twenty million in the server's memory. So constraints are checked per
    statement meanwhile, and the rows go in as one COPY per COPY_CHUNK rows.
    """
    table = connection.ops.quote_name(Observation._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(column) for column in OBSERVATION_COLUMNS)
    written = 0
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        while True:
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                chunk = 0
                for row in islice(rows, COPY_CHUNK):
                    copy.write_row(row)
                    chunk += 1
            written += chunk
            if chunk < COPY_CHUNK:
                break
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's default again, for the rest of the transaction
    return written


def _bulk_create_observations(rows):
    """Other databases (SQLite): bulk_create, a batch at a time so memory stays flat."""
    written = 0
    while batch := [Observation(**dict(zip(OBSERVATION_COLUMNS, row, strict=True))) for row in islice(rows, BATCH)]:
        Observation.objects.bulk_create(batch)
        written += len(batch)
    return written


# Initiatives -----------------------------------------------------------------------------------------------------


@dataclass
class _Draft:
    initiative: Initiative
    milestones: list
    journal: list


def _draft_initiative(rng, number, generator):
    """One initiative with its milestones and journal, unsaved, consistent with the workflow's rules."""
    area_index = rng.choices(range(len(AREAS)), [share for *_, share, _ in AREAS])[0]
    region = generator.regions[rng.choices(range(REGIONS), generator.region_weights)[0]]
    owner = rng.choices(generator.owners, generator.owner_weights)[0] if rng.random() < 0.96 else None
    status = _pick(rng, STATUS_SHARES)
    health = _pick(rng, HEALTH_SHARES[status])
    # Mostly recent (a year or so before BASE), some up to seven years old.
    created = BASE - datetime.timedelta(days=int(rng.triangular(20, 2500, 300)), seconds=rng.randrange(86400))
    planned_start = created.date() + datetime.timedelta(days=rng.randint(14, 180))
    planned_end = planned_start + datetime.timedelta(days=rng.randint(120, 1460))
    subject = rng.choice(AREAS[area_index][4])
    initiative = Initiative(
        code=f"{PREFIX}{number:05d}",
        title_en=f"{subject} ({region.code})",
        summary_en=f"Demo initiative: {subject.lower()} with {region.name_en}. Invented for demonstrations.",
        area=generator.areas[area_index],
        partner_region=region,
        priority=_pick(rng, {Priority.LOW: 25, Priority.MEDIUM: 50, Priority.HIGH: 25}),
        owner=owner,
        visibility=_pick(rng, {Visibility.INTERNAL: 60, Visibility.SHARED: 30, Visibility.PUBLIC: 10}),
        planned_start=planned_start,
        planned_end=planned_end,
        created_at=created,
        **generator.cite(),
    )
    journal = _journal(rng, initiative, status, health)
    initiative.updated_at = journal[-1].created_at
    initiative.version = 1 + len(journal)  # created at version 1, one bump per journalled change
    closed_on = journal[-1].created_at if Status(status).is_final else None
    milestones = _milestones(rng, initiative, closed_on, generator)
    return _Draft(initiative, milestones, journal)


def _pick(rng, shares):
    return rng.choices(list(shares), list(shares.values()))[0]


def _status_path(rng, status):
    """The statuses an initiative passed after `proposed` to reach `status`, one allowed transition each
    (tracker.domain.workflow): along the main path, or along it to where it was put on hold or cancelled."""
    if status in MAIN_PATH:
        return MAIN_PATH[: MAIN_PATH.index(status) + 1]
    if status == Status.PROPOSED:
        return []
    stopped_at = rng.choice(ACTIVE)  # on_hold or cancelled from an active status
    return [*MAIN_PATH[: ACTIVE.index(stopped_at)], status]


def _journal(rng, initiative, status, health):
    """Journal entries for the walk to `status`, plus the health assessment: in its own entry when there is
    room (at most 4 entries, never after a final status), else with the last transition. Sets the
    initiative's status, previous status, health and actual dates as the workflow would have."""
    path = _status_path(rng, status)
    steps = [(to, Health.NOT_ASSESSED) for to in path]
    if health != Health.NOT_ASSESSED:
        room = len(steps) < 4 and not Status(status).is_final
        if not steps or (room and rng.random() < 0.6):
            steps.append((None, health))  # a health-only entry
        else:
            steps[-1] = (steps[-1][0], health)
    reason = rng.choice(HEALTH_REASONS) if Health(health).needs_reason else ""
    created = initiative.created_at
    times = sorted(created + (BASE - created) * rng.uniform(0.05, 0.98) for _ in steps)
    current, current_health, previous, entries = Status.PROPOSED, Health.NOT_ASSESSED, "", []
    for (to, to_health), when in zip(steps, times, strict=True):
        before, before_health = current, current_health
        if to is not None:
            if current in ACTIVE:
                previous = current  # where on_hold resumes to (tracker.domain.workflow._move)
            current = to
            day = timezone.localdate(when)
            if to == Status.IN_PROGRESS:
                initiative.actual_start = day
            if to == Status.COMPLETED:
                initiative.actual_end = day
        current_health = to_health
        owner = initiative.owner
        entries.append(
            StatusUpdate(
                initiative=initiative,
                from_status=before,
                to_status=current,
                from_health=before_health,
                to_health=current_health,
                health_reason=reason if current_health != Health.NOT_ASSESSED else "",
                note=_note(before, current, before_health, current_health),
                author=owner,
                author_name=owner.get_full_name() if owner else "generate_demo_data",
                version=2 + len(entries),
                created_at=when,
            )
        )
    initiative.status, initiative.previous_status = current, previous
    initiative.health, initiative.health_reason_en = current_health, reason
    return entries


def _note(before, after, before_health, after_health):
    """Plain English from the values, for the same reason as in _indicator_name."""
    if before == after:
        return f"Assessed as {after_health.replace('_', ' ')}."
    return f"Moved from {before.replace('_', ' ')} to {after.replace('_', ' ')}."


def _milestones(rng, initiative, closed_on, generator):
    """0–5 milestones due between the start and a while after the planned end.

    Past due: mostly done, some still open (overdue), a few dropped; not yet due: mostly open. A completed
    initiative has none open, a cancelled one has its open ones dropped."""
    count = rng.choices(range(6), [10, 20, 25, 20, 15, 10])[0]
    created = initiative.created_at
    today = BASE.date()
    limit = timezone.localdate(closed_on) if closed_on else today  # nothing is done after the initiative closed
    milestones = []
    for title in rng.sample(MILESTONE_TITLES, count):
        latest = (initiative.planned_end - created.date()).days + 90
        due = created.date() + datetime.timedelta(days=rng.randint(30, latest))
        if due < today:
            state = _pick(rng, {MilestoneState.DONE: 60, MilestoneState.OPEN: 30, MilestoneState.DROPPED: 10})
        else:
            state = _pick(rng, {MilestoneState.OPEN: 88, MilestoneState.DONE: 12})
        if closed_on and state == MilestoneState.OPEN:
            state = MilestoneState.DONE if initiative.status == Status.COMPLETED else MilestoneState.DROPPED
        done_on = None
        if state == MilestoneState.DONE:
            done_on = min(limit, max(created.date(), due + datetime.timedelta(days=rng.randint(-20, 25))))
        changed = datetime.datetime.combine(done_on or limit, EPOCH.timetz()) if state != MilestoneState.OPEN else None
        milestones.append(
            Milestone(
                initiative=initiative,
                kind=MilestoneKind.INSTRUCTION if rng.random() < 0.3 else MilestoneKind.MILESTONE,
                title_en=title,
                responsible_person=initiative.owner.get_full_name() if initiative.owner and rng.random() < 0.5 else "",
                due_date=due,
                state=state,
                done_on=done_on,
                created_at=created,
                updated_at=max(created, changed) if changed else created,
                version=2 if changed else 1,
                **generator.cite(),
            )
        )
    return milestones

"""Reading trade figures for people: a partner's yearly flows and its latest quarter against a year earlier.

Each function costs one or two queries whatever the number of years, indicators or observations.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import F, Q, Sum
from django.db.models.functions import ExtractYear

from tracker.domain import languages
from tracker.domain.choices import Flow, Frequency
from tracker.domain.periods import parse_period
from tracker.models import Observation, Region

__all__ = [
    "FLOWS",
    "CommoditySummary",
    "QuarterComparison",
    "YearlyFlows",
    "commodity_summary",
    "home_region_code",
    "latest_quarter",
    "summary_statements",
    "yearly_flows",
]

FLOWS = (Flow.TURNOVER, Flow.EXPORT, Flow.IMPORT, Flow.BALANCE)


def home_region_code():
    return settings.HOME_REGION


@dataclass
class YearlyFlows:
    """{flow: [observation, …] by year} for one reporter and partner (whole trade, no commodity)."""

    by_flow: dict = field(default_factory=dict)

    @property
    def years(self):
        return sorted({o.period for observations in self.by_flow.values() for o in observations})

    def rows(self):
        """One row per year: (year, {flow: observation or None})."""
        index = {(flow, o.period): o for flow, observations in self.by_flow.items() for o in observations}
        return [(year, {flow: index.get((flow, year)) for flow in FLOWS}) for year in self.years]

    def __bool__(self):
        return any(self.by_flow.values())


def _whole_trade(partner, frequency):
    return (
        Observation.objects.filter(
            indicator__reporter__code=home_region_code(),
            indicator__partner=partner,
            indicator__commodity__isnull=True,
            indicator__frequency=frequency,
        )
        .select_related("indicator")
        .order_by("period_start", "indicator__flow")
    )


def yearly_flows(partner: Region):
    flows = YearlyFlows({flow: [] for flow in FLOWS})
    for observation in _whole_trade(partner, Frequency.YEAR):
        flows.by_flow.setdefault(observation.indicator.flow, []).append(observation)
    return flows


@dataclass
class QuarterComparison:
    flow: str
    latest: Observation
    year_earlier: Observation | None

    @property
    def change_percent(self):
        """Change on a year earlier in percent (2.5 for +2.5 %), or None without a base."""
        if self.year_earlier is None or not self.year_earlier.value:
            return None
        return 100 * (self.latest.value - self.year_earlier.value) / abs(self.year_earlier.value)


def latest_quarter(partner: Region, flow=Flow.TURNOVER):
    """The latest quarter's figure and the same quarter a year earlier, or None if there is no quarter."""
    quarters = {o.period: o for o in _whole_trade(partner, Frequency.QUARTER).filter(indicator__flow=flow)}
    if not quarters:
        return None
    latest = max(quarters.values(), key=lambda o: o.period_start)
    earlier = parse_period(latest.period, Frequency.QUARTER).same_period_a_year_earlier()
    return QuarterComparison(flow, latest, quarters.get(earlier.text))


@dataclass
class CommoditySummary:
    """A partner's trade summed over its commodity-level series: totals by year and the top commodities of a year.

    Whole-trade series (no commodity) are left out, so nothing is counted twice.
    """

    years: list = field(default_factory=list)  # [{"year", "exports", "imports", "turnover", "balance"}]
    year: int | None = None
    top_commodities: list = field(default_factory=list)  # [{"hs_code", "name", "name_ru", "exports", …}]


TOP_COMMODITIES = 10


def _commodity_observations(partner_id):
    return Observation.objects.filter(
        indicator__partner_id=partner_id,
        indicator__reporter__code=home_region_code(),
        indicator__commodity__isnull=False,
        indicator__flow__in=[Flow.EXPORT, Flow.IMPORT],
    )


def _flow_sums():
    def flow_sum(flow):
        return Sum("value", filter=Q(indicator__flow=flow), default=Decimal(0))

    return {"exports": flow_sum(Flow.EXPORT), "imports": flow_sum(Flow.IMPORT)}


def _by_year(partner_id):
    return (
        _commodity_observations(partner_id)
        .annotate(year=ExtractYear("period_start"))
        .values("year")
        .annotate(**_flow_sums())
        .order_by("year")
    )


def _top_commodities(partner_id, year):
    return (
        _commodity_observations(partner_id)
        .filter(period_start__gte=datetime.date(year, 1, 1), period_start__lt=datetime.date(year + 1, 1, 1))
        .values(
            hs_code=F("indicator__commodity__hs_code"),
            **{name: F(f"indicator__commodity__{name}") for name in languages.columns("name")},
        )
        .annotate(**_flow_sums(), turnover=Sum("value"))
        .order_by("-turnover", "hs_code")[:TOP_COMMODITIES]
    )


def _with_totals(row):
    return {**row, "turnover": row["exports"] + row["imports"], "balance": row["exports"] - row["imports"]}


def commodity_summary(partner_id, year=None):
    """Two queries whatever the data size: the yearly sums, then the top commodities of `year` (default: the
    latest year with figures). The same SQL as summary_statements(), which the benchmark runs directly."""
    years = [_with_totals(row) for row in _by_year(partner_id)]
    if year is None and years:
        year = years[-1]["year"]
    top = (
        [{**row, "name": languages.pick(row, "name")} for row in _top_commodities(partner_id, year)]
        if year is not None
        else []
    )
    return CommoditySummary(years=years, year=year, top_commodities=top)


def summary_statements(partner_id, year):
    """The (sql, params) that commodity_summary(partner_id, year) runs, for running the same SQL directly."""
    return [query.query.sql_with_params() for query in (_by_year(partner_id), _top_commodities(partner_id, year))]

"""Reading trade figures for people: a partner's yearly flows and its latest quarter against a year earlier.

Each function costs one query whatever the number of years or indicators.
"""

from dataclasses import dataclass, field

from django.conf import settings

from tracker.choices import Flow, Frequency
from tracker.models import Observation, Region
from tracker.periods import parse_period

__all__ = ["FLOWS", "QuarterComparison", "YearlyFlows", "home_region_code", "latest_quarter", "yearly_flows"]

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

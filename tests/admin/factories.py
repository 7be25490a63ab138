"""Factories the admin tests need beyond tests/factories.py."""

from decimal import Decimal

import factory

from tests import factories
from tracker import models
from tracker.domain import workflow
from tracker.domain.actors import SystemActor
from tracker.domain.choices import Flow, Status


class KeyCommodityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.KeyCommodity

    reporter = factory.SubFactory(factories.RegionFactory)
    partner = factory.SubFactory(factories.RegionFactory)
    flow = Flow.EXPORT
    commodity = factory.SubFactory(factories.CommodityFactory)
    year = 2022


def observation(indicator, year, **kwargs):
    """An observation for a year given explicitly. Not through ObservationFactory: its sequence of years
    (2000 + n) counts every instance made in the session and passes 2200, the last valid year, if these
    tests advance it too."""
    fields = {"value": Decimal("1000000.00")} | kwargs
    return models.Observation.objects.create(indicator=indicator, period=str(year), **fields)


def journal_entry(initiative, by=None):
    """One journal entry on `initiative`: toggles it between its state and on hold."""
    by = by or SystemActor("test")
    target = initiative.previous_status if initiative.status == Status.ON_HOLD else Status.ON_HOLD
    return workflow.transition(initiative, target, by=by)

"""Every endpoint of API v1 with a list and a detail, declared to the battery of tests/api/battery.py. A new endpoint
gets its tests by adding a class here. (Webhooks, which belong to the key that made them, have their own suite:
tests/notifications/test_api.py; the observations, journal, export and changes endpoints have theirs.)"""

from tests import factories
from tests.api.battery import ReadOnlyEndpoint, WritableEndpoint
from tracker.domain.choices import Visibility
from tracker.models import Initiative, InitiativeIndicator, Milestone, Participation


class TestRegions(ReadOnlyEndpoint):
    url, key = "/api/v1/regions/", "code"

    def make(self, world, number):
        return factories.RegionFactory(code=f"RU-X{number:02d}")


class TestAreas(ReadOnlyEndpoint):
    url, key = "/api/v1/areas/", "code"

    def make(self, world, number):
        return factories.AreaFactory(code=f"area-{number}")


class TestOrganisations(ReadOnlyEndpoint):
    url = "/api/v1/organisations/"

    def make(self, world, number):
        return factories.OrganisationFactory(region=world.lipetsk)


class TestMeetings(ReadOnlyEndpoint):
    url = "/api/v1/meetings/"

    def make(self, world, number):
        meeting = factories.MeetingFactory(partner_region=world.lipetsk)
        meeting.initiatives.add(world.shared)
        return meeting

    def hidden(self, world):
        return self.make(world, 0)


class TestIndicators(ReadOnlyEndpoint):
    url, key = "/api/v1/indicators/", "code"

    def make(self, world, number):
        return factories.TradeIndicatorFactory(code=f"by-lip-{number}", partner=world.lipetsk)

    def hidden(self, world):
        return self.make(world, 0)


class TestInitiatives(WritableEndpoint):
    url, key, model = "/api/v1/initiatives/", "code", Initiative
    change = {"title": "Renamed"}

    def make(self, world, number):
        return factories.InitiativeFactory(
            code=f"shared-{number}",
            owner=world.users["owner"],
            partner_region=world.lipetsk,
            visibility=Visibility.SHARED,
        )

    def hidden(self, world):
        return world.shared

    def body(self, world):
        return {"code": "brand-new", "title": "New", "area": world.shared.area.code, "partner_region": "RU-LIP"}


class InitiativePart(WritableEndpoint):
    def hidden(self, world):
        return self.make(world, 0)


class TestMilestones(InitiativePart):
    url, model = "/api/v1/milestones/", Milestone
    change = {"title": "Contract signed"}

    def make(self, world, number):
        return factories.MilestoneFactory(initiative=world.shared, title=f"Step {number}")

    def body(self, world):
        return {"initiative": world.shared.code, "title": "Sign the contract", "due_date": "2031-01-01"}


class TestParticipations(InitiativePart):
    url, model = "/api/v1/participations/", Participation
    change = {"role": 1}

    def make(self, world, number):
        return factories.ParticipationFactory(initiative=world.shared)

    def body(self, world):
        organisation = factories.OrganisationFactory(region=world.lipetsk)
        return {"initiative": world.shared.code, "organisation": organisation.pk, "role": 4, "side": "home"}


class TestIndicatorLinks(InitiativePart):
    url, model = "/api/v1/indicator-links/", InitiativeIndicator
    change = {"rationale": "Tractor kits are counted in exports."}

    def make(self, world, number):
        indicator = factories.TradeIndicatorFactory(code=f"by-lip-link-{number}", partner=world.lipetsk)
        return factories.InitiativeIndicatorFactory(initiative=world.shared, indicator=indicator)

    def body(self, world):
        indicator = factories.TradeIndicatorFactory(code="by-lip-new", partner=world.lipetsk)
        return {
            "initiative": world.shared.code,
            "indicator": indicator.code,
            "target_value": "100",
            "target_period": "2025",
        }

"""factory_boy factories for the domain models; tests build rows through these, not by hand."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from tracker import models
from tracker.domain.choices import Flow, Frequency, OrganisationKind, ParticipationRole, RegionKind, Side
from tracker.domain.permissions import ANALYSTS, COORDINATORS, VIEWERS
from tracker.domain.roles import sync_roles


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    is_staff = True
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        for name in extracted or ():
            self.groups.add(_role(name))


def _role(name):
    group = Group.objects.filter(name=name).first()
    if group is None:  # a transactional test flushed the rows the roles migration made; make them again
        from django.apps import apps

        sync_roles(apps)
        group = Group.objects.get(name=name)
    return group


def coordinator(username="coordinator", **kwargs):
    return UserFactory(username=username, groups=[COORDINATORS], **kwargs)


def analyst(username="analyst", **kwargs):
    return UserFactory(username=username, groups=[ANALYSTS], **kwargs)


def viewer(username="viewer", **kwargs):
    return UserFactory(username=username, groups=[VIEWERS], **kwargs)


def superuser(username="admin", **kwargs):
    return UserFactory(username=username, is_superuser=True, **kwargs)


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Source
        django_get_or_create = ("key",)

    key = factory.Sequence(lambda n: f"source-{n}")
    publisher = "BelTA"
    title = factory.Sequence(lambda n: f"Report {n}")
    published_on = datetime.date(2023, 6, 1)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"RU-{chr(65 + n // 26 % 26)}{chr(65 + n % 26)}")
    name = factory.LazyAttribute(lambda region: f"Region {region.code}")
    kind = RegionKind.SUBDIVISION


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganisationKind.ENTERPRISE
    region = factory.SubFactory(RegionFactory)


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Area
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"area-{n}")
    name = factory.Sequence(lambda n: f"Area {n}")


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Meeting

    title = factory.Sequence(lambda n: f"Meeting {n}")
    date = datetime.date(2023, 6, 1)
    place = "Minsk"
    partner_region = factory.SubFactory(RegionFactory)


class InitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Initiative
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"initiative-{n}")
    title = factory.Sequence(lambda n: f"Initiative {n}")
    area = factory.SubFactory(AreaFactory)
    partner_region = factory.SubFactory(RegionFactory)


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Participation

    initiative = factory.SubFactory(InitiativeFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = ParticipationRole.IMPLEMENTING
    side = Side.HOME


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Milestone

    initiative = factory.SubFactory(InitiativeFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    due_date = datetime.date(2030, 1, 1)


class CommodityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Commodity
        django_get_or_create = ("hs_code",)

    hs_code = factory.Sequence(lambda n: f"{1000 + n}")
    name = factory.Sequence(lambda n: f"Commodity {n}")


class TradeIndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.TradeIndicator
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"indicator-{n}")
    name = factory.Sequence(lambda n: f"Indicator {n}")
    reporter = factory.LazyFunction(lambda: RegionFactory(code="BY", name="Belarus", kind=RegionKind.COUNTRY))
    partner = factory.SubFactory(RegionFactory)
    flow = Flow.TURNOVER
    frequency = Frequency.YEAR


class ObservationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Observation

    indicator = factory.SubFactory(TradeIndicatorFactory)
    period = factory.Sequence(lambda n: str(1900 + n % 300))  # stays within the years periods accept
    value = Decimal("1000000.00")


class InitiativeIndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.InitiativeIndicator

    initiative = factory.SubFactory(InitiativeFactory)
    indicator = factory.SubFactory(TradeIndicatorFactory)

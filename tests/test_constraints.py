"""Rules of the data model hold twice: validation names the field or rule, and the database refuses the row anyway.

Each rule is checked (a) through full_clean(), which every interface calls and which should say what is wrong,
and (b) by saving without validation, which must still end in an IntegrityError: no code path can store it.
"""

import datetime

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction

from tests import factories
from tracker.domain.choices import MilestoneState
from tracker.models import Initiative, Milestone, Observation

pytestmark = pytest.mark.django_db

EARLIER, EARLY, LATE = datetime.date(2022, 1, 1), datetime.date(2023, 1, 1), datetime.date(2024, 1, 1)


def validation_errors(instance):
    with pytest.raises(ValidationError) as error:
        instance.full_clean()
    return error.value.message_dict


def constraint(model, name):
    return next(rule for rule in model._meta.constraints if rule.name == name)


def refused_by_database(save):
    """`save` ends in an IntegrityError; the savepoint keeps the test's transaction usable afterwards."""
    with pytest.raises(IntegrityError), transaction.atomic():
        save()


# Duplicate initiative code ----------------------------------------------------------------------------------------


def a_second_initiative_with_the_code_of(first):
    return Initiative(code=first.code, title="Again", area=first.area, partner_region=first.partner_region)


def test_validation_refuses_a_duplicate_initiative_code_naming_the_code_field():
    first = factories.InitiativeFactory(code="ev-charging-stations")

    errors = validation_errors(a_second_initiative_with_the_code_of(first))

    assert errors == {"code": ["Initiative with this Code already exists."]}


def test_the_database_refuses_a_duplicate_initiative_code():
    first = factories.InitiativeFactory(code="ev-charging-stations")

    refused_by_database(a_second_initiative_with_the_code_of(first).save)

    assert Initiative.objects.filter(code="ev-charging-stations").count() == 1


# Duplicate observation period -------------------------------------------------------------------------------------


def test_validation_refuses_a_second_value_for_the_same_indicator_and_period():
    first = factories.ObservationFactory(period="2021")
    second = Observation(indicator=first.indicator, period="2021", value=1)

    errors = validation_errors(second)

    assert errors == {NON_FIELD_ERRORS: ["This indicator already has a value for this period."]}
    with pytest.raises(ValidationError, match="already has a value for this period"):
        constraint(Observation, "observation_one_per_period").validate(Observation, second)


def test_the_database_refuses_a_second_value_for_the_same_indicator_and_period():
    first = factories.ObservationFactory(period="2021")

    refused_by_database(lambda: factories.ObservationFactory(indicator=first.indicator, period="2021"))

    assert first.indicator.observations.count() == 1


# Dates in order ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "rule"),
    [
        ("planned_start", "planned_end", "initiative_planned_dates_in_order"),
        ("actual_start", "actual_end", "initiative_actual_dates_in_order"),
    ],
)
def test_validation_refuses_an_end_before_the_start(start, end, rule):
    reversed_dates = factories.InitiativeFactory.build(
        area=factories.AreaFactory(), partner_region=factories.RegionFactory(), **{start: LATE, end: EARLY}
    )

    errors = validation_errors(reversed_dates)

    assert errors == {NON_FIELD_ERRORS: ["The end date cannot be before the start date."]}
    with pytest.raises(ValidationError, match="end date cannot be before the start date"):
        constraint(Initiative, rule).validate(Initiative, reversed_dates)


@pytest.mark.parametrize(("start", "end"), [("planned_start", "planned_end"), ("actual_start", "actual_end")])
def test_the_database_refuses_an_end_before_the_start(start, end):
    refused_by_database(lambda: factories.InitiativeFactory(**{start: LATE, end: EARLY}))

    initiative = factories.InitiativeFactory(**{start: EARLY, end: LATE})
    refused_by_database(lambda: Initiative.objects.filter(pk=initiative.pk).update(**{end: EARLIER}))


def test_equal_start_and_end_dates_are_fine():
    initiative = factories.InitiativeFactory(planned_start=EARLY, planned_end=EARLY)
    initiative.full_clean()


# Qualifier outside the fixed set ----------------------------------------------------------------------------------


def test_validation_refuses_a_qualifier_outside_the_fixed_set_naming_the_qualifier_field():
    observation = factories.ObservationFactory.build(indicator=factories.TradeIndicatorFactory(), qualifier="roughly")

    errors = validation_errors(observation)

    assert errors == {"qualifier": ["Value 'roughly' is not a valid choice."]}


def test_the_database_refuses_a_qualifier_outside_the_fixed_set():
    refused_by_database(lambda: factories.ObservationFactory(qualifier="roughly"))

    observation = factories.ObservationFactory()
    refused_by_database(lambda: Observation.objects.filter(pk=observation.pk).update(qualifier="roughly"))


# A done milestone needs its date ----------------------------------------------------------------------------------


def test_validation_refuses_a_done_milestone_without_a_date():
    milestone = factories.MilestoneFactory.build(initiative=factories.InitiativeFactory(), state=MilestoneState.DONE)

    errors = validation_errors(milestone)

    assert errors == {NON_FIELD_ERRORS: ["A done milestone needs the date it was done, and only a done one has it."]}
    with pytest.raises(ValidationError, match="A done milestone needs the date"):
        constraint(Milestone, "milestone_done_date_iff_done").validate(Milestone, milestone)


def test_the_database_refuses_a_done_milestone_without_a_date():
    refused_by_database(lambda: factories.MilestoneFactory(state=MilestoneState.DONE, done_on=None))

    milestone = factories.MilestoneFactory()
    refused_by_database(lambda: Milestone.objects.filter(pk=milestone.pk).update(state=MilestoneState.DONE))


def test_a_done_milestone_with_its_date_is_fine():
    milestone = factories.MilestoneFactory(state=MilestoneState.DONE, done_on=EARLY)
    milestone.full_clean()

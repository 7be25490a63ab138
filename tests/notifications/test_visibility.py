"""A subscription is sent only what its key may read: never events about internal initiatives, nor about other
regions when the key (or the subscription) is restricted to one."""

import pytest

from tests import factories
from tests.notifications import run_worker
from tracker.domain import workflow
from tracker.domain.choices import Status, Visibility
from tracker.models import WebhookDelivery

pytestmark = pytest.mark.django_db


@pytest.fixture
def initiatives_in_regions(owner, partner_region, other_region):
    """Initiatives shared and internal in Lipetsk, and one shared in Voronezh, each then renamed."""
    initiatives = {
        "lipetsk-shared": factories.InitiativeFactory(
            code="lipetsk-shared", owner=owner, partner_region=partner_region, visibility=Visibility.SHARED
        ),
        "lipetsk-internal": factories.InitiativeFactory(
            code="lipetsk-internal", owner=owner, partner_region=partner_region, visibility=Visibility.INTERNAL
        ),
        "voronezh-shared": factories.InitiativeFactory(
            code="voronezh-shared", owner=owner, partner_region=other_region, visibility=Visibility.PUBLIC
        ),
    }
    return initiatives


def _change_everything(initiatives_in_regions, owner):
    for initiative in initiatives_in_regions.values():
        initiative.title = f"{initiative.title} (renamed)"
        initiative.save()
        workflow.transition(initiative, Status.UNDER_STUDY, by=owner)
        factories.MilestoneFactory(initiative=initiative)


def _codes(receiver):
    return sorted({request.json["object"]["code"].split("#")[0] for request in receiver.requests})


def test_a_region_restricted_key_never_hears_of_other_regions_or_internal_initiatives(
    subscribe, make_key, receiver, initiatives_in_regions, owner, partner_region
):
    subscribe(make_key(region=partner_region, write=True)[0], events=["*"])
    _change_everything(initiatives_in_regions, owner)
    run_worker()

    assert _codes(receiver) == ["lipetsk-shared"]
    names = sorted(request.json["event"] for request in receiver.requests)
    assert names == ["initiative.transitioned", "initiative.updated", "milestone.created"]


def test_an_unrestricted_key_hears_of_every_shared_initiative_but_no_internal_one(
    subscribe, make_key, receiver, initiatives_in_regions, owner
):
    subscribe(make_key(write=True)[0], events=["initiative.*"])
    _change_everything(initiatives_in_regions, owner)
    run_worker()

    assert _codes(receiver) == ["lipetsk-shared", "voronezh-shared"]


def test_a_subscription_region_filter_narrows_an_unrestricted_key(
    subscribe, make_key, receiver, initiatives_in_regions, owner, other_region
):
    subscribe(make_key(write=True)[0], events=["*"], region=other_region)
    _change_everything(initiatives_in_regions, owner)
    run_worker()

    assert _codes(receiver) == ["voronezh-shared"]


def test_an_initiative_withdrawn_from_partners_is_announced_once_then_never_again(
    subscribe, make_key, receiver, initiatives_in_regions, owner, partner_region
):
    subscribe(make_key(region=partner_region, write=True)[0], events=["initiative.updated"])
    initiative = initiatives_in_regions["lipetsk-shared"]
    initiative.visibility = Visibility.INTERNAL
    initiative.save()
    initiative.title = "internal work now"
    initiative.save()
    run_worker()

    assert len(receiver.requests) == 1  # the withdrawal itself, so the partner's mirror can drop it


def test_a_key_restricted_after_the_fan_out_is_not_sent_what_it_can_no_longer_see(
    subscribe, make_key, receiver, initiatives_in_regions, owner, other_region
):
    from tracker.delivery import outbox

    key = make_key(write=True)[0]
    subscribe(key, events=["initiative.updated"])
    initiatives_in_regions["lipetsk-shared"].title = "renamed"
    initiatives_in_regions["lipetsk-shared"].save()
    outbox.dispatch()  # the delivery exists, not yet attempted
    key.region = other_region
    key.save()
    run_worker()

    assert receiver.requests == []
    assert WebhookDelivery.objects.get().status == "gave_up"

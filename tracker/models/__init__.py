"""The domain models; import them from here."""

from tracker.models.apikeys import ApiKey
from tracker.models.events import Event
from tracker.models.initiatives import Initiative, Milestone, Participation
from tracker.models.journal import AppendOnly, StatusUpdate
from tracker.models.meetings import Meeting
from tracker.models.reference import Area, Organisation, Region, Source
from tracker.models.seeding import SeedFingerprint
from tracker.models.trade import Commodity, InitiativeIndicator, KeyCommodity, Observation, TradeIndicator

__all__ = [
    "ApiKey",
    "AppendOnly",
    "Area",
    "Commodity",
    "Event",
    "Initiative",
    "InitiativeIndicator",
    "KeyCommodity",
    "Meeting",
    "Milestone",
    "Observation",
    "Organisation",
    "Participation",
    "Region",
    "SeedFingerprint",
    "Source",
    "StatusUpdate",
    "TradeIndicator",
]

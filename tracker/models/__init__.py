"""The domain models; import them from here."""

from tracker.models.apikeys import ApiKey
from tracker.models.calendars import CalendarFeed
from tracker.models.events import Event
from tracker.models.initiatives import Initiative, Milestone, Participation
from tracker.models.journal import AppendOnly, StatusUpdate
from tracker.models.meetings import Meeting
from tracker.models.notifications import DigestSent, DispatchCursor, Notification, NotificationPreference, Watch
from tracker.models.reference import Area, Organisation, Region, Source
from tracker.models.seeding import SeedFingerprint
from tracker.models.trade import Commodity, InitiativeIndicator, KeyCommodity, Observation, TradeIndicator
from tracker.models.webhooks import WebhookAttempt, WebhookDelivery, WebhookSubscription

__all__ = [
    "ApiKey",
    "AppendOnly",
    "Area",
    "CalendarFeed",
    "Commodity",
    "DigestSent",
    "DispatchCursor",
    "Event",
    "Initiative",
    "InitiativeIndicator",
    "KeyCommodity",
    "Meeting",
    "Milestone",
    "Notification",
    "NotificationPreference",
    "Observation",
    "Organisation",
    "Participation",
    "Region",
    "SeedFingerprint",
    "Source",
    "StatusUpdate",
    "TradeIndicator",
    "Watch",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookSubscription",
]

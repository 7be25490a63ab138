"""Every fixed set of values in the domain, with labels, colours and external codes beside them.

Models, filters, admin, API and templates all use these classes, so a label or colour is defined once.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = [
    "DeliveryStatus",
    "Flow",
    "Frequency",
    "Health",
    "MilestoneKind",
    "MilestoneState",
    "NotificationKind",
    "NotificationStatus",
    "OrganisationKind",
    "ParticipationRole",
    "Priority",
    "Qualifier",
    "RegionKind",
    "Side",
    "Status",
    "Visibility",
]


class Status(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    UNDER_STUDY = "under_study", _("Under study")
    AGREED = "agreed", _("Agreed")
    IN_PROGRESS = "in_progress", _("In progress")
    ON_HOLD = "on_hold", _("On hold")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")

    @property
    def iati_code(self):
        """IATI ActivityStatus code: 1 Pipeline, 2 Implementation, 4 Closed, 5 Cancelled, 6 Suspended."""
        return _IATI_ACTIVITY_STATUS[self]

    @property
    def iati_label(self):
        """The IATI ActivityStatus name of this status, as partners reporting to IATI know it."""
        return _IATI_NAMES[_IATI_ACTIVITY_STATUS[self]]

    @property
    def colour(self):
        return _STATUS_COLOURS[self]

    @property
    def is_final(self):
        return self in (Status.COMPLETED, Status.CANCELLED)


_IATI_ACTIVITY_STATUS = {
    Status.PROPOSED: 1,
    Status.UNDER_STUDY: 1,
    Status.AGREED: 1,
    Status.IN_PROGRESS: 2,
    Status.COMPLETED: 4,
    Status.CANCELLED: 5,
    Status.ON_HOLD: 6,
}

# The IATI ActivityStatus codelist's names (https://iatistandard.org/en/iati-standard/203/codelists/activitystatus/).
_IATI_NAMES = {
    1: _("Pipeline/identification"),
    2: _("Implementation"),
    3: _("Finalisation"),
    4: _("Closed"),
    5: _("Cancelled"),
    6: _("Suspended"),
}

# Colours chosen for at least 4.5:1 contrast against white text.
_STATUS_COLOURS = {
    Status.PROPOSED: "#5a6270",
    Status.UNDER_STUDY: "#1f5f99",
    Status.AGREED: "#4b3f99",
    Status.IN_PROGRESS: "#1d6b3a",
    Status.ON_HOLD: "#8a5300",
    Status.COMPLETED: "#245b55",
    Status.CANCELLED: "#8e1c1c",
}


class Health(models.TextChoices):
    NOT_ASSESSED = "not_assessed", _("Not assessed")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")

    @property
    def colour(self):
        return _HEALTH_COLOURS[self]

    @property
    def needs_reason(self):
        """A coordinator who says something is at risk or off track must say why."""
        return self in (Health.AT_RISK, Health.OFF_TRACK)


_HEALTH_COLOURS = {
    Health.NOT_ASSESSED: "#5a6270",
    Health.ON_TRACK: "#1d6b3a",
    Health.AT_RISK: "#8a5300",
    Health.OFF_TRACK: "#8e1c1c",
}


class Priority(models.IntegerChoices):
    LOW = 1, _("Low")
    MEDIUM = 2, _("Medium")
    HIGH = 3, _("High")


class Visibility(models.TextChoices):
    INTERNAL = "internal", _("Internal")
    SHARED = "shared", _("Shared with partner")
    PUBLIC = "public", _("Public")

    @classmethod
    def seen_by_partners(cls):
        """The visibilities that partners' API keys see (the one statement of it)."""
        return (cls.SHARED, cls.PUBLIC)


class ParticipationRole(models.IntegerChoices):
    """IATI OrganisationRole codes."""

    FUNDING = 1, _("Funding")
    ACCOUNTABLE = 2, _("Accountable")
    EXTENDING = 3, _("Extending")
    IMPLEMENTING = 4, _("Implementing")


class Side(models.TextChoices):
    HOME = "home", _("Home side")
    PARTNER = "partner", _("Partner side")


class RegionKind(models.TextChoices):
    COUNTRY = "country", _("Country")
    SUBDIVISION = "subdivision", _("Region of a country")


class OrganisationKind(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    LOCAL_GOVERNMENT = "local_government", _("Local government")
    MINISTRY = "ministry", _("Ministry")
    AGENCY = "agency", _("Agency")
    ENTERPRISE = "enterprise", _("Enterprise")
    OTHER = "other", _("Other")


class MilestoneKind(models.TextChoices):
    MILESTONE = "milestone", _("Milestone")
    INSTRUCTION = "instruction", _("Instruction")


class MilestoneState(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class Flow(models.TextChoices):
    EXPORT = "export", _("Exports")
    IMPORT = "import", _("Imports")
    TURNOVER = "turnover", _("Turnover")
    BALANCE = "balance", _("Balance")


class Frequency(models.TextChoices):
    YEAR = "year", _("Yearly")
    QUARTER = "quarter", _("Quarterly")
    MONTH = "month", _("Monthly")


class Qualifier(models.TextChoices):
    """How exact a figure is, as the source states it ("close to", "over")."""

    EXACT = "exact", _("Exact")
    APPROXIMATELY = "approx", _("Approximately")
    AT_LEAST = "at_least", _("At least")
    AT_MOST = "at_most", _("At most")

    @property
    def symbol(self):
        return {"exact": "", "approx": "≈", "at_least": "≥", "at_most": "≤"}[self.value]


class NotificationKind(models.TextChoices):
    """What a user may choose to be emailed about (tracker.models.NotificationPreference)."""

    TRANSITION = "transition", _("Status changes")
    HEALTH = "health", _("Health changes")
    DIGEST = "digest", _("Daily digest of overdue items")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class DeliveryStatus(models.TextChoices):
    """A webhook delivery: waiting for its first attempt, failed and waiting for a retry, or done either way."""

    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed, will retry")
    GAVE_UP = "gave_up", _("Gave up")

    @classmethod
    def open(cls):
        return (cls.PENDING, cls.FAILED)

    @property
    def colour(self):
        return _DELIVERY_COLOURS[self]


_DELIVERY_COLOURS = {
    DeliveryStatus.PENDING: "#5a6270",
    DeliveryStatus.SUCCEEDED: "#1d6b3a",
    DeliveryStatus.FAILED: "#8a5300",
    DeliveryStatus.GAVE_UP: "#8e1c1c",
}

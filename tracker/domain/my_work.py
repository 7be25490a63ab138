"""A coordinator's work: what they own, the deadlines of what they own or watch, what waits on them, and what others
changed there. The page (tracker/web/my_work.py) renders it; every list is one query whatever its length."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, F, Func, IntegerField, OuterRef, Q, Subquery
from django.utils import timezone

from tracker.domain.choices import Health, MilestoneState, Status
from tracker.models import Initiative, Milestone, Notification, StatusUpdate, Watch

__all__ = ["MyWork", "deadlines_of", "followed_by", "for_user", "has_work", "header_counts"]

RECENT_CHANGES = 15
ENDED = (Status.COMPLETED, Status.CANCELLED)


@dataclass
class MyWork:
    initiatives: list = field(default_factory=list)  # owned, not ended
    overdue: list = field(default_factory=list)  # open milestones past their due date
    weeks: list = field(default_factory=list)  # [(Monday, [milestones due that week])] up to the horizon
    quiet: list = field(default_factory=list)  # owned, active, unchanged for MY_WORK_QUIET_DAYS
    unplanned: list = field(default_factory=list)  # owned, at risk or off track, with no open milestone ahead
    changes: list = field(default_factory=list)  # journal entries by others on what the user owns or watches

    @property
    def waiting(self):
        """The initiatives that wait on their owner, each once."""
        return list({initiative.pk: initiative for initiative in [*self.unplanned, *self.quiet]}.values())


def followed_by(user, prefix=""):
    """The initiatives `user` owns or watches, as a filter on a model reaching them through `prefix`.

    One list of ids (owned, then watched) rather than a join of the watches: with the join, PostgreSQL read every
    initiative to count the header's overdue deadlines, on every page (3.7 ms at 10,000 initiatives, 0.14 ms now;
    bench/RESULTS.md, "Gains")."""
    owned = Initiative.objects.filter(owner=user).order_by().values("pk")
    watched = Watch.objects.filter(user=user).order_by().values("initiative_id")
    return Q(**{f"{prefix}pk__in": owned.union(watched)})


def deadlines_of(user):
    """The open, dated milestones and instructions of the initiatives `user` owns or watches, soonest first."""
    return (
        Milestone.objects.filter(followed_by(user, "initiative__"), state=MilestoneState.OPEN, due_date__isnull=False)
        .select_related("initiative", "responsible_organisation")
        .distinct()
        .order_by("due_date", "id")
    )


def header_counts(user):
    """{"overdue": n, "unread": m} for the header, in one query: the overdue deadlines of what `user` owns or
    watches, and their unread notifications in the app."""
    overdue = Milestone.objects.overdue().filter(followed_by(user, "initiative__")).values("pk")
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    counts = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .values(overdue=_count(Milestone.objects.filter(pk__in=overdue)), unread=_count(unread))
        .first()
    )
    return counts or {"overdue": 0, "unread": 0}


def _count(queryset):
    """COUNT(*) of `queryset` as a scalar subquery (an aggregate would group the outer query)."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Subquery(counted, output_field=IntegerField())


def has_work(user):
    """Whether `user` owns or watches any initiative: My work is their home; the others keep the dashboard."""
    return Initiative.objects.filter(followed_by(user)).exists()


def for_user(user, today=None):
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=settings.MY_WORK_HORIZON_DAYS)
    owned = list(
        Initiative.objects.filter(owner=user)
        .exclude(status__in=ENDED)
        .select_related("area", "partner_region")
        .annotate(
            has_plan=Exists(
                Milestone.objects.filter(initiative=OuterRef("pk"), state=MilestoneState.OPEN, due_date__gte=today)
            )
        )
        .order_by("code")
    )
    deadlines = list(deadlines_of(user).filter(due_date__lte=horizon))
    quiet_since = timezone.now() - datetime.timedelta(days=settings.MY_WORK_QUIET_DAYS)
    work = MyWork(initiatives=owned)
    work.overdue = [milestone for milestone in deadlines if milestone.due_date < today]
    work.weeks = _by_week([milestone for milestone in deadlines if milestone.due_date >= today])
    work.quiet = [i for i in owned if i.status != Status.ON_HOLD and i.updated_at < quiet_since]
    work.unplanned = [i for i in owned if i.health in (Health.AT_RISK, Health.OFF_TRACK) and not i.has_plan]
    work.changes = list(
        StatusUpdate.objects.filter(initiative__in=Initiative.objects.filter(followed_by(user)).values("pk"))
        .exclude(author=user)
        .select_related("initiative")
        .order_by("-created_at", "-id")[:RECENT_CHANGES]
    )
    return work


def _by_week(milestones):
    weeks = {}
    for milestone in milestones:
        monday = milestone.due_date - datetime.timedelta(days=milestone.due_date.weekday())
        weeks.setdefault(monday, []).append(milestone)
    return sorted(weeks.items())

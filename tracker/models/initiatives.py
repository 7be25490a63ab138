"""Initiatives and what hangs off them: participating organisations and milestones/instructions."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, models, transaction
from django.db.models import Q
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tracker.domain.choices import (
    Health,
    MilestoneKind,
    MilestoneState,
    ParticipationRole,
    Priority,
    Side,
    Status,
    Visibility,
)
from tracker.domain.errors import StatusChangeRefused
from tracker.models.base import Cited, Tracked
from tracker.models.history import HistoryContext, history_user

# A due date outside these is a typing slip (year 1, 9999), not a plan.
EARLIEST_DUE = datetime.date(2000, 1, 1)
LATEST_DUE = datetime.date(2100, 12, 31)

CODE_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"


def _dates_in_order(start, end, name):
    return models.CheckConstraint(
        condition=Q(**{f"{start}__isnull": True})
        | Q(**{f"{end}__isnull": True})
        | Q(**{f"{end}__gte": models.F(start)}),
        name=name,
        violation_error_message=_("The end date cannot be before the start date."),
    )


def has_overdue_milestone(today=None):
    """True for an initiative with at least one open milestone or instruction past its due date: an expression
    to filter, exclude or annotate Initiative querysets with."""
    overdue = Milestone.objects.overdue(today).filter(initiative=models.OuterRef("pk"))
    return models.Exists(overdue)


class InitiativeQuerySet(models.QuerySet):
    def with_overdue(self, today=None):
        return self.filter(has_overdue_milestone(today))

    def without_overdue(self, today=None):
        return self.exclude(has_overdue_milestone(today))

    def tally(self, *fields):
        """How many initiatives have each value of each of `fields` (columns: a foreign key's `_id`), in one
        statement: {field: {value: count}}. A value no initiative has is missing."""
        rows = self.order_by().values(*fields)
        connection = connections[self.db]
        tallies = {field: {} for field in fields}
        if connection.vendor == "postgresql":
            # GROUPING SETS count every field in one pass over the table; at 10,000 initiatives one union of
            # GROUP BYs per field took 13 ms on the development machine, this 5 ms.
            sql, params = rows.query.sql_with_params()
            columns = [connection.ops.quote_name(field) for field in fields]
            grouped = ", ".join(f"GROUPING({column})" for column in columns)
            sets = ", ".join(f"({column})" for column in columns)
            statement = (
                f"SELECT {', '.join(columns)}, {grouped}, count(*) FROM ({sql}) AS rows GROUP BY GROUPING SETS ({sets})"
            )
            with connection.cursor() as cursor:
                cursor.execute(statement, params)
                for row in cursor.fetchall():
                    index = row[len(fields) : 2 * len(fields)].index(0)  # the field this row counts
                    tallies[fields[index]][row[index]] = row[-1]
            return tallies
        counts = [
            rows.values(value=Cast(field, models.CharField()))
            .annotate(field=models.Value(field), n=models.Count("pk"))
            .values_list("field", "value", "n")
            for field in fields
        ]
        python = {field: self.model._meta.get_field(field).to_python for field in fields}
        for field, value, n in counts[0].union(*counts[1:], all=True):
            tallies[field][python[field](value)] = n
        return tallies


class Initiative(Tracked, Cited):
    """A cooperation initiative, from the idea raised at a meeting to its completion.

    `status` and `health` (with its reason) change only through `tracker.domain.workflow`; saving a changed status or
    health any other way raises StatusChangeRefused, so no interface can skip the journal.
    """

    code = models.SlugField(
        _("code"), max_length=64, unique=True, help_text=_("Stable identifier used in addresses and the API.")
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    area = models.ForeignKey("tracker.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    partner_region = models.ForeignKey(
        "tracker.Region", verbose_name=_("partner region"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED, editable=False
    )
    previous_status = models.CharField(
        _("previous status"),
        max_length=20,
        choices=Status.choices,
        blank=True,
        editable=False,
        help_text=_("Where a resumed or reopened initiative returns to."),
    )
    health = models.CharField(
        _("health"), max_length=20, choices=Health.choices, default=Health.NOT_ASSESSED, editable=False
    )
    health_reason = models.TextField(_("health reason"), blank=True, editable=False)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.MEDIUM)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_initiatives",
    )
    visibility = models.CharField(
        _("visibility"), max_length=20, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    origin = models.ForeignKey(
        "tracker.Meeting",
        verbose_name=_("raised at"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="originated_initiatives",
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)

    objects = InitiativeQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        permissions = [
            ("reopen_initiative", _("Can reopen a completed or cancelled initiative")),
            ("change_any_initiative", _("Can change initiatives owned by anyone")),
        ]
        indexes = [models.Index(fields=["updated_at", "id"], name="initiative_sync_order")]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=CODE_PATTERN), name="initiative_code_slug"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="initiative_status_valid"),
            models.CheckConstraint(condition=Q(health__in=Health.values), name="initiative_health_valid"),
            models.CheckConstraint(condition=Q(visibility__in=Visibility.values), name="initiative_visibility_valid"),
            models.CheckConstraint(condition=Q(priority__in=Priority.values), name="initiative_priority_valid"),
            _dates_in_order("planned_start", "planned_end", "initiative_planned_dates_in_order"),
            _dates_in_order("actual_start", "actual_end", "initiative_actual_dates_in_order"),
        ]

    def __str__(self):
        return f"{self.code}: {self.title}"

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        if "status" in instance.__dict__:
            instance._stored_status = instance.status
        if "health" in instance.__dict__ and "health_reason" in instance.__dict__:
            instance._stored_health = (instance.health, instance.health_reason)
        if "visibility" in instance.__dict__:
            instance._stored_visibility = instance.visibility
        if "partner_region_id" in instance.__dict__:
            instance._stored_region_id = instance.partner_region_id
        return instance

    def save(self, *args, **kwargs):
        self._refuse_status_change_outside_workflow()
        from tracker.domain import events  # imported here: tracker.domain.events imports the models

        moved_from = getattr(self, "_stored_region_id", None)
        with transaction.atomic():
            super().save(*args, **kwargs)
            if moved_from not in (None, self.partner_region_id) and self._was_shared():
                # Partners restricted to the old region must hear that it left them, so their mirror drops it.
                old_code = type(self.partner_region)._default_manager.filter(pk=moved_from).values_list("code").get()[0]
                data = {"moved_from_region": old_code}  # the code partners know the region by, never its id
                events.record(self, events.Action.UPDATED, data, scope=(moved_from, True))
        self._stored_status = self.status
        self._stored_health = (self.health, self.health_reason)
        self._stored_visibility = self.visibility
        self._stored_region_id = self.partner_region_id
        self._workflow_transition = False

    def _refuse_status_change_outside_workflow(self):
        if getattr(self, "_workflow_transition", False):
            return
        if self._state.adding:
            if self.status != Status.PROPOSED:
                raise StatusChangeRefused("A new initiative starts as proposed; use workflow.transition().")
            return
        stored = getattr(self, "_stored_status", None)
        if stored is None:  # loaded with status deferred: ask the database
            stored = type(self)._base_manager.filter(pk=self.pk).values_list("status", flat=True).first()
        if self.status != stored:
            raise StatusChangeRefused("Status changes only through tracker.domain.workflow.transition().")
        stored_health = getattr(self, "_stored_health", None)
        if stored_health is None:  # loaded with health deferred: ask the database
            stored_health = type(self)._base_manager.filter(pk=self.pk).values_list("health", "health_reason").first()
        if stored_health is not None and (self.health, self.health_reason) != tuple(stored_health):
            raise StatusChangeRefused("Health changes only through workflow.change_health() or transition().")

    def get_absolute_url(self):
        return reverse("admin:tracker_initiative_change", args=[self.pk])

    @property
    def is_shared(self):
        return self.visibility in Visibility.seen_by_partners()

    def _was_shared(self):
        return getattr(self, "_stored_visibility", None) in Visibility.seen_by_partners()

    def event_scope(self):
        # An initiative withdrawn from partners still tells them once, so their mirror can drop it.
        return self.partner_region_id, self.is_shared or self._was_shared()

    @property
    def status_choice(self):
        return Status(self.status)

    @property
    def health_choice(self):
        return Health(self.health)


class Participation(Tracked, Cited):
    """An organisation's part in an initiative, with its IATI role and the side it is on."""

    initiative = models.ForeignKey(
        Initiative, verbose_name=_("initiative"), on_delete=models.CASCADE, related_name="participations"
    )
    organisation = models.ForeignKey(
        "tracker.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="participations"
    )
    role = models.PositiveSmallIntegerField(_("role"), choices=ParticipationRole.choices)
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    history = HistoricalRecords(bases=[HistoryContext], get_user=history_user)

    class Meta:
        ordering = ["initiative", "role", "id"]
        # Partners page through every list by last change (`ordering=updated`, the default) to mirror it.
        indexes = [models.Index(fields=["updated_at", "id"], name="participation_sync_order")]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "organisation", "role"],
                name="participation_unique_role",
                violation_error_message=_("This organisation already has this role in the initiative."),
            ),
            models.CheckConstraint(condition=Q(role__in=ParticipationRole.values), name="participation_role_iati"),
            models.CheckConstraint(condition=Q(side__in=Side.values), name="participation_side_valid"),
        ]

    def __str__(self):
        return f"{self.organisation} ({self.get_role_display()})"

    def event_key(self):
        return f"{self.initiative.code}#{self.pk}"

    def event_scope(self):
        return self.initiative.event_scope()


class MilestoneQuerySet(models.QuerySet):
    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.filter(state=MilestoneState.OPEN, due_date__lt=today)


class Milestone(Tracked, Cited):
    """A milestone of an initiative, or an instruction given at a meeting, with a due date."""

    initiative = models.ForeignKey(
        Initiative, verbose_name=_("initiative"), on_delete=models.CASCADE, related_name="milestones"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MilestoneKind.choices, default=MilestoneKind.MILESTONE)
    title = models.CharField(_("title"), max_length=300)
    responsible_organisation = models.ForeignKey(
        "tracker.Organisation",
        verbose_name=_("responsible organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    responsible_person = models.CharField(_("responsible person"), max_length=200, blank=True)
    meeting = models.ForeignKey(
        "tracker.Meeting",
        verbose_name=_("given at meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="instructions",
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=MilestoneState.choices, default=MilestoneState.OPEN)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("milestone or instruction")
        verbose_name_plural = _("milestones and instructions")
        indexes = [
            models.Index(fields=["state", "due_date"], name="milestone_state_due"),
            # Partners page through every list by last change (`ordering=updated`, the default) to mirror it.
            models.Index(fields=["updated_at", "id"], name="milestone_sync_order"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=MilestoneKind.values), name="milestone_kind_valid"),
            models.CheckConstraint(condition=Q(state__in=MilestoneState.values), name="milestone_state_valid"),
            models.CheckConstraint(
                condition=Q(state=MilestoneState.DONE, done_on__isnull=False)
                | (~Q(state=MilestoneState.DONE) & Q(done_on__isnull=True)),
                name="milestone_done_date_iff_done",
                violation_error_message=_("A done milestone needs the date it was done, and only a done one has it."),
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.due_date is None:
            return
        if not EARLIEST_DUE <= self.due_date <= LATEST_DUE:
            message = _("Give a due date from %(earliest)s to %(latest)s.")
            raise ValidationError({"due_date": message % {"earliest": EARLIEST_DUE.year, "latest": LATEST_DUE.year}})
        initiative = self.initiative if self.initiative_id else None
        starts = [day for day in (initiative.planned_start, initiative.actual_start) if day] if initiative else []
        if starts and self.due_date < min(starts):
            message = _("The due date is before the initiative starts (%(start)s).")
            raise ValidationError({"due_date": message % {"start": date_format(min(starts))}})

    def event_key(self):
        return f"{self.initiative.code}#{self.pk}"

    def event_scope(self):
        return self.initiative.event_scope()

    def is_overdue(self, today=None):
        today = today or timezone.localdate()
        return self.state == MilestoneState.OPEN and self.due_date is not None and self.due_date < today

"""Trade statistics: commodities, indicator series, observations, and their links to initiatives."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tracker.domain.choices import Flow, Frequency, Qualifier
from tracker.domain.periods import PERIOD_PATTERN, parse_period
from tracker.models.base import Bilingual, Cited, Tracked
from tracker.models.history import HistoryContext, history_user


class Commodity(Bilingual, Tracked, Cited):
    """A commodity by its Harmonized System heading (HS4)."""

    hs_code = models.CharField(_("HS code"), max_length=10, unique=True)
    note = models.CharField(
        _("note"), max_length=300, blank=True, help_text=_("For example how a source's wording was mapped to HS.")
    )

    class Meta:
        ordering = ["hs_code"]
        verbose_name = _("commodity")
        verbose_name_plural = _("commodities")
        constraints = [models.CheckConstraint(condition=Q(hs_code__regex=r"^[0-9]{2,10}$"), name="commodity_hs_digits")]

    def __str__(self):
        return f"{self.hs_code} {self.name}"


class TradeIndicator(Tracked, Cited):
    """A series of trade figures: one reporter, one partner, one flow, optionally one commodity."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    reporter = models.ForeignKey(
        "tracker.Region", verbose_name=_("reporter"), on_delete=models.PROTECT, related_name="+"
    )
    partner = models.ForeignKey("tracker.Region", verbose_name=_("partner"), on_delete=models.PROTECT, related_name="+")
    flow = models.CharField(_("flow"), max_length=10, choices=Flow.choices)
    commodity = models.ForeignKey(
        Commodity, verbose_name=_("commodity"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    currency = models.CharField(_("currency"), max_length=3, default="USD")

    class Meta:
        ordering = ["code"]
        # Partners page through every list by last change (`ordering=updated`, the default) to mirror it.
        indexes = [models.Index(fields=["updated_at", "id"], name="indicator_sync_order")]
        verbose_name = _("trade indicator")
        verbose_name_plural = _("trade indicators")
        constraints = [
            models.CheckConstraint(condition=Q(flow__in=Flow.values), name="indicator_flow_valid"),
            models.CheckConstraint(condition=Q(frequency__in=Frequency.values), name="indicator_frequency_valid"),
            models.CheckConstraint(condition=Q(currency__regex=r"^[A-Z]{3}$"), name="indicator_currency_iso_4217"),
        ]

    def __str__(self):
        return self.name

    def event_scope(self):
        return self.partner_id, True


class Observation(Tracked, Cited):
    """One value of a series for one period, with how exact the source says it is."""

    # No index of its own: the series-order and one-per-period indexes both start with it, and a third copy
    # only slowed every insert (bench/RESULTS.md, "Gains").
    indicator = models.ForeignKey(
        TradeIndicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="observations",
        db_index=False,
    )
    period = models.CharField(_("period"), max_length=7, help_text=_("2022, 2023-Q1 or 2023-03."))
    period_start = models.DateField(_("period start"), editable=False)
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=2)
    qualifier = models.CharField(_("qualifier"), max_length=10, choices=Qualifier.choices, default=Qualifier.EXACT)
    is_derived = models.BooleanField(_("derived"), default=False)
    formula = models.CharField(
        _("formula"),
        max_length=300,
        blank=True,
        help_text=_("How a derived value is computed, e.g. [turnover@2021] - [exports@2021]."),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords(bases=[HistoryContext], get_user=history_user)

    class Meta:
        ordering = ["indicator", "period_start"]
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        indexes = [
            models.Index(fields=["indicator", "period_start"], name="observation_series_order"),
            # The few derived figures, found without reading the millions of others: every write of figures asks
            # which derived ones depend on them (tracker.domain.derived).
            models.Index(fields=["indicator"], condition=models.Q(is_derived=True), name="observation_derived"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period"],
                name="observation_one_per_period",
                violation_error_message=_("This indicator already has a value for this period."),
            ),
            models.CheckConstraint(condition=Q(qualifier__in=Qualifier.values), name="observation_qualifier_valid"),
            models.CheckConstraint(condition=Q(period__regex=PERIOD_PATTERN), name="observation_period_form"),
            models.CheckConstraint(
                condition=Q(is_derived=False) | ~Q(formula=""),
                name="observation_derived_has_formula",
                violation_error_message=_("A derived value needs the formula it was derived with."),
            ),
        ]

    def __str__(self):
        return f"{self.indicator.code} {self.period}"

    def clean(self):
        super().clean()
        if self.indicator_id and self.period:
            try:
                parse_period(self.period, self.indicator.frequency)
            except ValueError as error:
                raise ValidationError({"period": str(error)}) from None

    def save(self, *args, **kwargs):
        self.period_start = parse_period(self.period, self.indicator.frequency).start
        super().save(*args, **kwargs)

    def event_key(self):
        return f"{self.indicator.code}@{self.period}"

    def event_scope(self):
        return self.indicator.partner_id, True

    @property
    def qualifier_symbol(self):
        return Qualifier(self.qualifier).symbol


class KeyCommodity(Tracked, Cited):
    """A commodity that a source names among the main exports or imports with a partner in a year."""

    reporter = models.ForeignKey(
        "tracker.Region", verbose_name=_("reporter"), on_delete=models.PROTECT, related_name="+"
    )
    partner = models.ForeignKey("tracker.Region", verbose_name=_("partner"), on_delete=models.PROTECT, related_name="+")
    flow = models.CharField(_("flow"), max_length=10, choices=[(f, f.label) for f in (Flow.EXPORT, Flow.IMPORT)])
    commodity = models.ForeignKey(Commodity, verbose_name=_("commodity"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    rank = models.PositiveSmallIntegerField(_("order in the source"), default=1)
    history = HistoricalRecords(bases=[HistoryContext], get_user=history_user)

    class Meta:
        ordering = ["partner", "year", "flow", "rank"]
        verbose_name = _("key commodity")
        verbose_name_plural = _("key commodities")
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "partner", "flow", "year", "commodity"], name="key_commodity_unique"
            ),
            models.CheckConstraint(condition=Q(flow__in=[Flow.EXPORT, Flow.IMPORT]), name="key_commodity_flow"),
        ]

    def __str__(self):
        return f"{self.get_flow_display()} {self.year}: {self.commodity}"

    def event_scope(self):
        return self.partner_id, True


class InitiativeIndicator(Tracked, Cited):
    """Why an initiative should move a trade series, with an optional target."""

    initiative = models.ForeignKey(
        "tracker.Initiative", verbose_name=_("initiative"), on_delete=models.CASCADE, related_name="indicator_links"
    )
    indicator = models.ForeignKey(
        TradeIndicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="initiative_links"
    )
    rationale = models.TextField(_("why it should move"), blank=True)
    target_value = models.DecimalField(_("target value"), max_digits=18, decimal_places=2, null=True, blank=True)
    target_period = models.CharField(_("target period"), max_length=7, blank=True)

    class Meta:
        ordering = ["initiative", "indicator"]
        # Partners page through every list by last change (`ordering=updated`, the default) to mirror it.
        indexes = [models.Index(fields=["updated_at", "id"], name="indicator_link_sync_order")]
        verbose_name = _("initiative–indicator link")
        verbose_name_plural = _("initiative–indicator links")
        constraints = [
            models.UniqueConstraint(fields=["initiative", "indicator"], name="initiative_indicator_unique"),
            models.CheckConstraint(
                condition=Q(target_value__isnull=True, target_period="")
                | (Q(target_value__isnull=False) & Q(target_period__regex=PERIOD_PATTERN)),
                name="initiative_indicator_target_complete",
                violation_error_message=_("A target needs both a value and a period, like 2025 or 2025-Q4."),
            ),
        ]

    def __str__(self):
        return f"{self.initiative.code} → {self.indicator.code}"

    def clean(self):
        super().clean()
        # The constraint checks the form only; a target is a period of the indicator's own frequency, and an
        # error names the field rather than the pair.
        if self.target_period and self.indicator_id:
            try:
                parse_period(self.target_period, self.indicator.frequency)
            except ValueError as error:
                raise ValidationError({"target_period": str(error)}) from None

    def event_key(self):
        return f"{self.initiative.code}#{self.pk}"

    def event_scope(self):
        return self.initiative.event_scope()

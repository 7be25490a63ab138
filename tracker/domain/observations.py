"""Upserting trade observations in bulk: validated as a whole, written all-or-nothing, idempotent.

Used by the API's bulk PUT; `ObservationRules` (what a row must hold) is shared with the CSV import
(`tracker.data.imports`). It bypasses Model.save for speed, so it writes the history rows and events itself, in the
same transaction as the rows.
"""

import functools
import re
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from tracker.domain import events, permissions
from tracker.domain.actors import name_of, user_of
from tracker.domain.choices import Frequency, Qualifier
from tracker.domain.context import acting_as
from tracker.domain.derived import evaluate, recompute_derived
from tracker.domain.errors import InvalidRows
from tracker.domain.formulas import FormulaError
from tracker.domain.locks import lock_figures
from tracker.domain.periods import parse_period
from tracker.domain.retries import retried
from tracker.models import Observation, Source

__all__ = [
    "COMPARED",
    "DERIVED_REFUSAL",
    "NOTE_MAX_LENGTH",
    "ObservationRules",
    "UpsertResult",
    "amount",
    "delete_one",
    "derived_refusal",
    "follow_formula",
    "save_one",
    "upsert_observations",
]

# The fields compared to decide whether a row changed (the import command's SQL compares the same ones).
COMPARED = ("value", "qualifier", "source_id", "note", "is_derived", "formula")
ROW_FIELDS = frozenset({"period", "value", "qualifier", "source", "note"})  # what one row of a bulk PUT holds


@dataclass
class UpsertResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self):
        return asdict(self)


def upsert_observations(indicator, rows, *, by):
    """Create or update one observation per row ({period, value, qualifier, source, note}) of `indicator`.

    Raises ValidationError with the errors of every bad row (keyed by row number) and writes nothing then;
    raises PermissionDenied when `by` may not write this indicator's figures.
    """
    if not permissions.can_write_observations(by, indicator):
        raise PermissionDenied(_("You may not write the figures of this indicator."))
    return _upsert(indicator, _validated(indicator, rows), by)


@retried
def _upsert(indicator, wanted, by):
    result = UpsertResult()
    with acting_as(by):
        lock_figures([indicator.pk])
        # Ordered by period: the model's default order joins the indicator, and FOR UPDATE would then lock the
        # indicator's row too, which links to it wait on (their foreign key check at commit) and deadlock.
        stored = Observation.objects.filter(indicator=indicator, period__in=wanted).order_by("period_start")
        existing = {o.period: o for o in stored.select_for_update(of=("self",))}
        _refuse_overwriting_derived(wanted, existing)
        to_create, to_update = _diff(indicator, wanted, existing, result)
        now = timezone.now()
        history = {"default_user": user_of(by), "custom_historical_attrs": {"history_actor": name_of(by)}}
        if to_create:
            for observation in to_create:
                observation.created_at = observation.updated_at = now
            bulk_create_with_history(to_create, Observation, batch_size=1000, **history)
        if to_update:
            for observation in to_update:
                observation.updated_at = now
            fields = [*(f.removesuffix("_id") for f in COMPARED), "version", "updated_at"]
            bulk_update_with_history(to_update, Observation, fields, batch_size=1000, **history)
        events.record_many(
            [events.event_for(o, events.Action.CREATED, actor=by) for o in to_create]
            + [events.event_for(o, events.Action.UPDATED, actor=by) for o in to_update]
        )
        if to_create or to_update:
            recompute_derived([indicator.pk], by=by)
    return result


# The import command's SQL fills in the same message.
DERIVED_REFUSAL = gettext_noop("%(period)s is derived by the formula %(formula)s; change its inputs instead.")


def derived_refusal(observation):
    """Why a row may not write over `observation`, a derived figure (every door refuses it the same way)."""
    return _(DERIVED_REFUSAL) % {
        "period": observation.period,
        "formula": observation.formula,
    }


def _refuse_overwriting_derived(wanted, existing):
    periods = list(wanted)
    errors = {
        str(periods.index(period)): {"period": derived_refusal(existing[period])}
        for period in periods
        if period in existing and existing[period].is_derived
    }
    if errors:
        raise InvalidRows(errors)


def _diff(indicator, wanted, existing, result):
    to_create, to_update = [], []
    for period, fields in wanted.items():
        current = existing.get(period)
        if current is None:
            to_create.append(Observation(indicator=indicator, period=period, **fields))
            result.created += 1
        elif any(getattr(current, name) != fields[name] for name in fields):
            for name, value in fields.items():
                setattr(current, name, value)
            current.version += 1
            current.indicator = indicator
            to_update.append(current)
            result.updated += 1
        else:
            result.unchanged += 1
    return to_create, to_update


def _validated(indicator, rows):
    """{period: model fields} for every row, or ValidationError listing each bad row's fields."""
    rows = list(rows)
    rules = ObservationRules(_sources(rows))
    wanted, errors = {}, {}
    for number, row in enumerate(rows):
        fields, row_errors = rules.check(
            indicator.frequency,
            row.get("period", ""),
            row.get("value"),
            row.get("qualifier"),
            row.get("source"),
            row.get("note"),
        )
        if fields is not None and fields[0].text in wanted:
            row_errors = {"period": _("Period %(period)s appears twice in this request.") % {"period": fields[0].text}}
        if unknown := row.keys() - ROW_FIELDS:
            message = _("Unknown field; a row holds period, value, qualifier, source and note.")
            row_errors = {**dict.fromkeys(sorted(unknown), message), **(row_errors or {})}
        if row_errors:
            errors[str(number)] = row_errors
        else:
            period, value, qualifier, source_id, note = fields
            wanted[period.text] = {
                "period_start": period.start,
                "value": Decimal(value).quantize(_CENT),
                "qualifier": qualifier,
                "source_id": source_id,
                "note": note,
                "is_derived": False,
                "formula": "",
            }
    if errors:
        raise InvalidRows(errors)
    return wanted


def _sources(rows):
    # A key holding NUL is never stored, and PostgreSQL refuses to compare text holding it: it stays unknown.
    keys = {key for row in rows if isinstance(key := row.get("source"), str) and key and "\x00" not in key}
    return dict(Source.objects.filter(key__in=keys).values_list("key", "id")) if keys else {}


# --- the rules of one row ---------------------------------------------------------------------------------------

NOTE_MAX_LENGTH = Observation._meta.get_field("note").max_length
_CENT = Decimal("0.01")
_LIMIT_DIGITS = 16  # values below 10^16: the column holds 18 digits, two of them decimals
_EXACT = Qualifier.EXACT.value
_QUALIFIERS = frozenset(Qualifier.values)
# A plain amount ("-1234.5") that the general rule below accepts as it is: checked without building a Decimal.
_PLAIN_AMOUNT = re.compile(r"-?\d{1,16}+(?:\.\d{1,2}+)?+\Z", re.ASCII).match
_AMOUNT = re.compile(r"-?[0-9]++(?:\.[0-9]++)?+\Z").match  # the general form; amount() checks its size


class ObservationRules:
    """What one row of observations must hold, wherever it comes from (the API's bulk PUT, the CSV import).

    `check` takes the row's raw values and returns `(fields, None)` with fields = (Period, value as text,
    qualifier, source id or None, note), or `(None, {field: message})` listing every bad field. The common row
    shape costs a few dictionary lookups: each period is parsed once per process, and a plain amount is
    recognised by a pattern; anything else goes through `parse_period` and `Decimal`, with the same outcome.

    `sources` maps source keys to ids (it must hold every key the rows may name). A note longer than
    NOTE_MAX_LENGTH is refused, never cut: what a partner wrote is stored whole or not at all.
    """

    def __init__(self, sources):
        self.sources = sources
        self.periods = _known_periods()

    def check(self, frequency, period, value, qualifier, source, note):
        """The row's fields or its errors; `frequency` None skips the period (its series is unknown)."""
        errors = {}
        known = None
        if frequency is not None:
            if period.__class__ is str:
                known = self.periods[frequency].get(period)
            if known is None:
                try:
                    known = parse_period(period, frequency)
                except ValueError as error:
                    errors["period"] = str(error)
                else:
                    if period.__class__ is str:
                        self.periods[frequency][period] = known
        if value.__class__ is not str or not _PLAIN_AMOUNT(value):
            value = amount(value)
            if value is None:
                errors["value"] = _("Give a number below 10^16 with at most two decimals, written like 1234.56.")
        if qualifier is None or qualifier == "":
            qualifier = _EXACT
        elif qualifier.__class__ is not str or qualifier not in _QUALIFIERS:
            errors["qualifier"] = _("Use one of: %(values)s.") % {"values": ", ".join(Qualifier.values)}
        source_id = None
        if source is not None and source != "":
            source_id = self.sources.get(source) if source.__class__ is str else None
            if source_id is None:
                errors["source"] = _("No source with key “%(key)s”.") % {"key": source}
        if note is None or note == "":
            note = ""
        elif note.__class__ is not str:
            errors["note"] = _("Give the note as text.")
        elif "\x00" in note:  # PostgreSQL cannot store it
            errors["note"] = _("Remove the NUL character (\\x00): text cannot hold it.")
        elif len(note) > NOTE_MAX_LENGTH:
            errors["note"] = _("Keep the note to %(max)s characters; it has %(length)s.") % {
                "max": NOTE_MAX_LENGTH,
                "length": len(note),
            }
        if errors:
            return None, errors
        return (known, value, qualifier, source_id, note), None


def amount(text):
    """The rule for a value: digits with an optional sign and point (no exponent, underscore, space or other
    script's digits), below 10^16, at most two decimals; as text rounded to cents, or None when it is no such
    number."""
    text = str(text)
    if not _AMOUNT(text):
        return None
    value = Decimal(text)
    if (value and value.adjusted() >= _LIMIT_DIGITS) or value.as_tuple().exponent < -2:
        return None
    return str(value.quantize(_CENT))


@functools.cache
def _known_periods():
    """{frequency: {text: Period}} of the periods parse_period has accepted, filled as rows name them (a file names
    a few hundred at most) and kept for the process."""
    return {frequency.value: {} for frequency in Frequency}


# --- one figure at a time (the admin's forms, the seeds) --------------------------------------------------------


def save_one(observation, *, by, expected_version=None):
    """Save one observation, new (`expected_version` None) or changed in memory, by the rules of the bulk upsert:
    who may write the indicator's figures, and a derived figure follows its formula. A derived figure's value is
    computed here, never taken from the caller; a changed value for a derived figure whose formula stays is
    refused (derived_refusal), as the bulk upsert and the import refuse it."""
    indicator = observation.indicator
    if not permissions.can_write_observations(by, indicator):
        raise PermissionDenied(_("You may not write the figures of this indicator."))
    follow_formula(observation)
    observation.full_clean(exclude=["period_start"])
    with transaction.atomic(), acting_as(by):
        lock_figures([indicator.pk])
        observation.save_expecting(expected_version)
    return observation


def delete_one(observation, *, by, expected_version):
    """Delete one observation if nobody saved it since `expected_version`; the derived figures that referred to it
    keep their value (tracker.domain.derived)."""
    if not permissions.can_write_observations(by, observation.indicator):
        raise PermissionDenied(_("You may not write the figures of this indicator."))
    with acting_as(by):
        observation.delete_versioned(expected_version)


def follow_formula(observation):
    """Give a derived `observation` the value of its formula; ValidationError when the formula cannot be computed
    or when a value typed over a derived figure whose formula stays would be lost. Forms ask it before saving, so
    the refusal shows beside the field; save_one asks it again."""
    if not observation.is_derived:
        return
    stored = None
    if observation.pk is not None:
        stored = Observation.objects.filter(pk=observation.pk).values("is_derived", "formula", "value").first()
    try:
        value, _inputs = evaluate(observation.formula)
    except (FormulaError, ArithmeticError) as error:
        raise ValidationError({"formula": str(error) or _("The formula cannot be computed.")}) from None
    same_formula = stored is not None and stored["is_derived"] and stored["formula"] == observation.formula
    if same_formula and observation.value is not None and observation.value != stored["value"]:
        raise ValidationError({"value": derived_refusal(observation)})
    observation.value = value

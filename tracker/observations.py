"""Upserting trade observations in bulk: validated as a whole, written all-or-nothing, idempotent.

Used by the API's bulk PUT (and later by the import command). It bypasses Model.save for speed, so it
writes the history rows and events itself, in the same transaction as the rows.
"""

from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from tracker import events, permissions
from tracker.actors import name_of, user_of
from tracker.choices import Qualifier
from tracker.context import acting_as
from tracker.errors import InvalidRows
from tracker.models import Observation, Source
from tracker.periods import parse_period

__all__ = ["UpsertResult", "upsert_observations"]

_COMPARED = ("value", "qualifier", "source_id", "note", "is_derived", "formula")


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
    wanted = _validated(indicator, rows)
    result = UpsertResult()
    with transaction.atomic(), acting_as(by):
        existing = {
            o.period: o for o in Observation.objects.select_for_update().filter(indicator=indicator, period__in=wanted)
        }
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
            fields = [*(f.removesuffix("_id") for f in _COMPARED), "version", "updated_at"]
            bulk_update_with_history(to_update, Observation, fields, batch_size=1000, **history)
        events.record_many(
            [events.event_for(o, events.Action.CREATED, actor=by) for o in to_create]
            + [events.event_for(o, events.Action.UPDATED, actor=by) for o in to_update]
        )
    return result


def _refuse_overwriting_derived(wanted, existing):
    periods = list(wanted)
    errors = {
        str(periods.index(period)): {
            "period": _("%(period)s is derived by the formula %(formula)s; change its inputs instead.")
            % {"period": period, "formula": existing[period].formula}
        }
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
    sources = _sources({row.get("source") for row in rows if row.get("source")})
    wanted, errors = {}, {}
    for number, row in enumerate(rows):
        fields, row_errors = _row(indicator, row, sources)
        if not row_errors and fields["period"] in wanted:
            row_errors["period"] = _("Period %(period)s appears twice in this request.") % fields
        if row_errors:
            errors[str(number)] = row_errors
        else:
            wanted[fields.pop("period")] = fields
    if errors:
        raise InvalidRows(errors)
    return wanted


def _row(indicator, row, sources):
    errors, fields = {}, {}
    try:
        period = parse_period(row.get("period", ""), indicator.frequency)
        fields["period"], fields["period_start"] = period.text, period.start
    except ValueError as error:
        errors["period"] = str(error)
    try:
        value = Decimal(str(row.get("value")))
        if not value.is_finite() or abs(value) >= Decimal("1e16") or value.as_tuple().exponent < -2:
            raise InvalidOperation
        fields["value"] = value.quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        errors["value"] = _("Give a number below 10^16 with at most two decimals.")
    qualifier = row.get("qualifier") or Qualifier.EXACT
    if qualifier not in Qualifier.values:
        errors["qualifier"] = _("Use one of: %(values)s.") % {"values": ", ".join(Qualifier.values)}
    fields["qualifier"] = qualifier
    key = row.get("source")
    if key and key not in sources:
        errors["source"] = _("No source with key “%(key)s”.") % {"key": key}
    fields["source_id"] = sources.get(key) if key else None
    fields["note"] = (row.get("note") or "")[:300]
    fields["is_derived"], fields["formula"] = False, ""
    return fields, errors


def _sources(keys):
    return dict(Source.objects.filter(key__in=keys).values_list("key", "id")) if keys else {}

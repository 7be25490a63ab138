"""Derived observations follow their inputs: when figures of an indicator change, every derived observation whose
formula refers to that indicator is computed again (tracker.domain.formulas), in the same transaction, whoever made the
change (the API's bulk PUT, the import command, the admin, the seeds).

A derived value is rounded to cents. Its qualifier stays as it was, except that it cannot stay "exact" once an
input is not. A derived value whose formula refers to an observation that no longer exists keeps its value. A
changed derived value is an input like any other: the ones that refer to it are computed again in turn.
"""

import re
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from tracker.domain import events, formulas
from tracker.domain.actors import name_of, user_of
from tracker.domain.choices import Qualifier
from tracker.domain.context import current_actor
from tracker.domain.locks import lock_figures
from tracker.models import Observation, TradeIndicator

__all__ = ["evaluate", "recompute_derived"]

_CENT = Decimal("0.01")


def recompute_derived(indicator_ids, *, by=None):
    """Compute again the derived observations that refer, directly or through other derived ones, to figures of
    `indicator_ids`; save those whose value or qualifier changed (one new version, history row and
    `observation.updated` event each); return them."""
    by = by if by is not None else current_actor()
    affected = _affected(set(TradeIndicator.objects.filter(pk__in=indicator_ids).values_list("code", flat=True)))
    if not affected:
        return []
    # Locked, then read again: a writer of another input of the same figure waits for this transaction to
    # commit, then computes from what it wrote.
    lock_figures(sorted({indicator_id for _pk, indicator_id in affected}))
    observations = list(
        Observation.objects.filter(pk__in=[pk for pk, _indicator in affected]).select_related("indicator")
    )
    changed, pending = [], {}  # pending: pk → (pk, value, qualifier) computed in this pass, saved below
    for observation in _in_dependency_order(observations):
        if _recompute(observation, pending):
            changed.append(observation)
            pending[observation.pk] = (observation.pk, observation.value, observation.qualifier)
    _save(changed, by)
    return changed


def _affected(codes):
    """(pk, indicator id) of every derived observation that depends on figures of the indicators `codes`.

    The derived figures are few: they are read once, and whose formula mentions which indicator ("[code@", the
    text of a reference) is matched here. A query with one LIKE per indicator of a large import made PostgreSQL
    estimate a costly scan and compile it (JIT) for seconds."""
    if not codes:
        return set()
    derived = [
        (pk, indicator_id, code, set(_MENTIONED(formula)))
        for pk, indicator_id, code, formula in Observation.objects.filter(is_derived=True)
        .order_by()
        .values_list("pk", "indicator_id", "indicator__code", "formula")
    ]
    found, frontier = set(), set(codes)
    while frontier:
        new = {
            (pk, indicator_id, code)
            for pk, indicator_id, code, mentioned in derived
            if not mentioned.isdisjoint(frontier) and (pk, indicator_id) not in found
        }
        found |= {(pk, indicator_id) for pk, indicator_id, _code in new}
        frontier = {code for _pk, _indicator_id, code in new}
    return found


# Every "[code@" in a formula, overlapping ones too: the text between each "[" and the next "@". An indicator's code
# (a slug) holds no "@", so a formula mentions a code exactly when its "[code@" is among these.
_MENTIONED = re.compile(r"(?=\[([^@]*)@)").findall


def _in_dependency_order(observations):
    """`observations` ordered so that each comes after those of them its formula refers to (a circle, which the
    seeds refuse, is broken where it is met)."""
    by_reference = {formulas.Reference(o.indicator.code, o.period): o for o in observations}
    ordered, placed = [], set()

    def place(observation, path):
        if observation.pk in placed or observation.pk in path:
            return
        for reference in formulas.references(observation.formula):
            if (needed := by_reference.get(reference)) is not None:
                place(needed, path | {observation.pk})
        placed.add(observation.pk)
        ordered.append(observation)

    for observation in sorted(observations, key=lambda o: o.pk):
        place(observation, frozenset())
    return ordered


def evaluate(formula, pending=None):
    """(value rounded to cents, {reference: qualifier of that input}) of `formula` over the stored observations,
    or over `pending` ({pk: (pk, value, qualifier)}) for those computed but not yet saved. Raises
    formulas.FormulaError (UnknownReference for a missing input) or ArithmeticError. The seed loader and the
    recomputation here both evaluate through it."""
    pending = pending or {}
    qualifiers = {}

    def stored(reference):
        row = (
            Observation.objects.filter(indicator__code=reference.indicator, period=reference.period)
            .values_list("pk", "value", "qualifier")
            .first()
        )
        if row is None:
            raise LookupError(reference)
        _pk, value, qualifier = pending.get(row[0], row)
        qualifiers[reference] = qualifier
        return value

    return formulas.evaluate(formula, stored).quantize(_CENT, rounding=ROUND_HALF_UP), qualifiers


def _recompute(observation, pending):
    """Set the observation's value and qualifier from its inputs (as stored, or as computed earlier in this pass:
    `pending`); True if either changed."""
    try:
        value, qualifiers = evaluate(observation.formula, pending)
    except (formulas.FormulaError, ArithmeticError):
        return False
    qualifier = observation.qualifier
    if qualifier == Qualifier.EXACT and any(q != Qualifier.EXACT for q in qualifiers.values()):
        qualifier = Qualifier.APPROXIMATELY
    if (value, qualifier) == (observation.value, observation.qualifier):
        return False
    observation.value, observation.qualifier = value, qualifier
    return True


def _save(observations, by):
    if not observations:
        return
    now = timezone.now()
    for observation in observations:
        observation.version += 1
        observation.updated_at = now
    bulk_update_with_history(
        observations,
        Observation,
        ["value", "qualifier", "version", "updated_at"],
        default_user=user_of(by),
        custom_historical_attrs={"history_actor": name_of(by)},
    )
    events.record_many([events.event_for(o, events.Action.UPDATED, actor=by) for o in observations])

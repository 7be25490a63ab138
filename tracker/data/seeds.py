"""Load the seed data in `seeds/*.yaml` into the database; `python manage.py load_seeds` runs `load_seeds`.

How a load works, and why:

- Every `.yaml`/`.yml` file in the directory is read. Sections (`sources`, `regions`, `areas`, `organisations`,
  `commodities`, `meetings`, `trade_indicators`, `observations`, `key_commodities`, `initiatives`) are loaded in
  that order whatever file they are in, so a record may refer to one defined in another file.
- Every record cites its source (`source`: a key under `sources:`, and `source_detail`: where in it). A record
  without a citation is an error, also for models that have no column to store it (areas, commodities,
  participations, indicator links): the seed files stay auditable even where the database cannot say.
- Records are matched to rows by natural key: sources by key; regions by ISO code; areas, trade indicators and
  initiatives by code; commodities by HS code; organisations by English name within their region; meetings by
  partner region and date; observations by (indicator, period); key commodities by (reporter, partner, flow,
  year, commodity); participations by (initiative, organisation, role); milestones by (initiative, title);
  indicator links by (initiative, indicator). `ref` on organisations and meetings is a handle for other seed
  records only and is not stored.
- A matched row is compared field by field and saved only if a field the record states differs, so a second run
  writes nothing: no new history rows, no version bumps. Fields a record leaves out are never touched. Nothing is
  ever deleted: a record removed from the seeds stays in the database.
- A record is applied only when it differs from what the same record said at the last load (a digest kept in
  SeedFingerprint). So an edited seed file updates the database, while an unchanged one never undoes what a
  coordinator edited since: `make run` loads the seeds at every start.
- Derived observations carry a `formula` and no `value`: the value is computed with `tracker.domain.formulas` from the
  stored values it refers to, in dependency order, and rounded to cents. A derived value cannot be `exact` when
  one of its inputs is not; left out, the qualifier is `approx` in that case and `exact` otherwise.
- Status: a new initiative is created `proposed` and brought to its seeded status through
  `tracker.domain.workflow.transition` along the allowed path, by `SystemActor("load_seeds")`, so its journal shows how
  it got there. From then on status belongs to the coordinators: a later run never changes it (the summary
  notes where seed and database differ). For the same reason a milestone's `state` and `done_on` are set only
  when the loader creates it.
- Everything runs in one transaction under `acting_as(SystemActor("load_seeds"))`, so history rows name the
  loader; any bad record raises SeedError naming the file, the record and the field, and nothing is written.
"""

import datetime
import hashlib
from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction

from tracker.domain import derived, formulas, workflow
from tracker.domain import records as doors
from tracker.domain.actors import SystemActor
from tracker.domain.choices import (
    Flow,
    Frequency,
    MilestoneKind,
    MilestoneState,
    OrganisationKind,
    ParticipationRole,
    Priority,
    Qualifier,
    RegionKind,
    Side,
    Status,
    Visibility,
)
from tracker.domain.context import acting_as
from tracker.domain.notes import SystemNote
from tracker.domain.periods import parse_period
from tracker.models import (
    Area,
    Commodity,
    Initiative,
    InitiativeIndicator,
    KeyCommodity,
    Meeting,
    Milestone,
    Observation,
    Organisation,
    Participation,
    Region,
    SeedFingerprint,
    Source,
    TradeIndicator,
)

__all__ = ["SECTIONS", "SEED_ACTOR", "LoadReport", "SeedError", "load_seeds", "seeded_initiatives"]

SEED_ACTOR = SystemActor("load_seeds")
SECTIONS = (
    "sources",
    "regions",
    "areas",
    "organisations",
    "commodities",
    "meetings",
    "trade_indicators",
    "observations",
    "key_commodities",
    "initiatives",
)
# The statuses a seed may start an initiative at: the main path, which the workflow walks one step at a time.
MAIN_PATH = [Status.PROPOSED, Status.UNDER_STUDY, Status.AGREED, Status.IN_PROGRESS, Status.COMPLETED]
MEETING_LINKS = "meeting–initiative links"
_MISSING = object()  # a field the record leaves out (distinct from an empty value)
# libyaml's safe loader when PyYAML was built with it (several times faster), the pure-Python one otherwise.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_LABEL_KEYS = ("code", "ref", "key", "hs_code", "organisation", "indicator", "title", "commodity")


class SeedError(Exception):
    """A seed file cannot be loaded; the message names the file, the record and the field."""


def load_seeds(path):
    """Load every seed file at `path` (a directory or one file) in one transaction; return a LoadReport."""
    files, sections = _read(Path(path))
    report = LoadReport(files)
    with transaction.atomic(), acting_as(SEED_ACTOR):
        _Loader(report).run(sections)
    return report


def seeded_initiatives():
    """Initiatives that the seed loader created (whatever has happened to them since)."""
    created = Initiative.history.filter(history_type="+", history_actor=SEED_ACTOR.name).values("id")
    return Initiative.objects.filter(pk__in=created)


class LoadReport:
    """What a load did: per model, how many records it created, updated or found unchanged."""

    OUTCOMES = ("created", "updated", "unchanged")

    def __init__(self, files):
        self.files = list(files)
        self.counts = {}
        self.notes = []

    def count(self, label, outcome, number=1):
        self.counts.setdefault(label, Counter())[outcome] += number

    def total(self, outcome):
        return sum(counter[outcome] for counter in self.counts.values())

    @property
    def changed(self):
        return bool(self.total("created") or self.total("updated"))

    def lines(self):
        names = ", ".join(file.name for file in self.files)
        yield f"Seeds loaded from {names}:"
        width = max((len(label) for label in self.counts), default=0)
        for label, counter in self.counts.items():
            figures = ", ".join(f"{counter[outcome]} {outcome}" for outcome in self.OUTCOMES)
            yield f"  {label:<{width}}  {figures}"
        yield from (f"Note: {note}" for note in self.notes)
        yield "Done." if self.changed else "Nothing changed: the database already matches the seeds."


# Reading files ---------------------------------------------------------------------------------------------------


def _read(path):
    files = _seed_files(path)
    sections = {name: [] for name in SECTIONS}
    for file in files:
        for section, index, data in _records_of(file):
            sections[section].append(_Record(data, f"{file.name}: {section}[{index}]{_label(data)}"))
    return files, sections


def _seed_files(path):
    if path.is_dir():
        files = sorted(child for child in path.iterdir() if child.is_file() and child.suffix in (".yaml", ".yml"))
    elif path.is_file():
        files = [path]
    else:
        raise SeedError(f"{path} does not exist: give a seeds directory or a .yaml file.")
    if not files:
        raise SeedError(f"{path} holds no .yaml files.")
    return files


def _records_of(file):
    try:
        content = yaml.load(file.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except yaml.YAMLError as error:
        raise SeedError(f"{file.name}: not valid YAML: {error}") from None
    if content is None:
        return
    if not isinstance(content, dict):
        raise SeedError(f"{file.name}: expected sections such as `initiatives:` at the top level.")
    for section, records in content.items():
        if section not in SECTIONS:
            raise SeedError(f"{file.name}: unknown section `{section}`; the sections are: {', '.join(SECTIONS)}.")
        if not isinstance(records, list):
            raise SeedError(f"{file.name}: `{section}` should be a list of records (lines starting with “- ”).")
        for index, data in enumerate(records):
            yield section, index, data


def _label(data):
    """A short name for a record in error messages, e.g. " (ev-charging-stations)"."""
    if not isinstance(data, dict):
        return ""
    if "indicator" in data and "period" in data:
        return f" ({data['indicator']}@{data['period']})"
    for key in _LABEL_KEYS:
        if isinstance(data.get(key), str | int) and not isinstance(data.get(key), bool):
            return f" ({data[key]})"
    return ""


class _Record:
    """One record of a seed file: typed access to its fields, each failure naming file, record and field."""

    def __init__(self, data, where):
        if not isinstance(data, dict):
            raise SeedError(f"{where}: expected a mapping of fields (`name: value` lines).")
        self.data, self.where, self._read = data, where, set()

    def fail(self, field, message):
        raise SeedError(f"{self.where}, field `{field}`: {message}")

    def has(self, field):
        return self.data.get(field) is not None

    def raw(self, field, required=False):
        self._read.add(field)
        value = self.data.get(field)
        if value is None:  # absent, or present with nothing after the colon
            if required:
                self.fail(field, "is required but missing.")
            return _MISSING
        return value

    def text(self, field, required=False):
        value = self.raw(field, required)
        if value is _MISSING:
            return value
        if not isinstance(value, str):
            self.fail(field, f"should be text, not {value!r}; put it in quotes.")
        value = value.strip()
        if required and not value:
            self.fail(field, "must not be empty.")
        return value

    def texts(self, field, required=False, read=None):
        """A text people read, in English (`field`) and in Russian (`field_ru`), as the model's columns for the two
        languages. The English is what the seeds restate from the source; the Russian may come later."""
        read = read or self.text
        return {f"{field}_en": read(field, required), f"{field}_ru": read(f"{field}_ru")}

    def lines(self, field, required=False):
        """Text given as one string or as a list of lines."""
        value = self.raw(field, required)
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return "\n".join(item.strip() for item in value)
        return value if value is _MISSING else self.text(field, required)

    def strings(self, field):
        value = self.raw(field)
        if value is _MISSING:
            return []
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.fail(field, "should be a list of codes.")
        return [item.strip() for item in value]

    def integer(self, field, required=False):
        value = self.raw(field, required)
        if value is not _MISSING and (isinstance(value, bool) or not isinstance(value, int)):
            self.fail(field, f"should be a whole number, not {value!r}.")
        return value

    def decimal(self, field, required=False):
        value = self.raw(field, required)
        if value is _MISSING:
            return value
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.fail(field, f"should be a number, not {value!r}.")
        try:
            return Decimal(str(value).replace("_", "").strip())
        except InvalidOperation:
            self.fail(field, f"should be a number in full units, e.g. 315000000, not {value!r}.")

    def date(self, field, required=False):
        value = self.raw(field, required)
        if value is _MISSING or (isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)):
            return value
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            self.fail(field, f"should be a date like 2023-06-01, not {value!r}.")

    def choice(self, field, choices, required=False, default=_MISSING):
        """A member of `choices`, given by its value ("shared", 2) or its name ("accountable")."""
        value = self.raw(field, required)
        if value is _MISSING:
            return default
        for member in choices:
            if isinstance(value, bool):  # YAML reads `yes` as True, and True == 1 would pick a member
                break
            if value == member.value or (isinstance(value, str) and value.strip().lower() == member.name.lower()):
                return member
        self.fail(field, f"“{value}” is not one of: {_allowed(choices)}.")

    def period(self, field, frequency):
        value = self.raw(field, required=True)
        if isinstance(value, bool) or not isinstance(value, str | int):
            self.fail(field, f"should be a period like 2022 or 2023-Q1, not {value!r}.")
        try:
            return parse_period(str(value), frequency).text
        except ValueError as error:
            self.fail(field, str(error))

    def children(self, field):
        value = self.raw(field)
        if value is _MISSING:
            return []
        if not isinstance(value, list):
            self.fail(field, "should be a list of records.")
        return [_Record(item, f"{self.where} › {field}[{index}]{_label(item)}") for index, item in enumerate(value)]

    def finish(self):
        """Refuse fields nobody read: most likely a typo that would otherwise be ignored silently."""
        unknown = sorted(str(key) for key in self.data if key not in self._read)
        if unknown:
            self.fail(unknown[0], f"is not a field of this record (known: {', '.join(sorted(self._read))}).")


# Loading records -------------------------------------------------------------------------------------------------


class _Loader:
    def __init__(self, report):
        self.report = report
        self.organisations, self.meetings = {}, {}  # seed `ref` → row
        self.meeting_links = []  # (record, meeting, initiative codes), linked once the initiatives exist
        self.seen = {}  # natural key → where, so one run cannot hold the same record twice
        self.found = {}  # (model, key) → row, for `find`

    def run(self, sections):
        loaders = {
            "sources": self.source,
            "regions": self.region,
            "areas": self.area,
            "organisations": self.organisation,
            "commodities": self.commodity,
            "meetings": self.meeting,
            "trade_indicators": self.trade_indicator,
            "key_commodities": self.key_commodity,
            "initiatives": self.initiative,
        }
        for section in SECTIONS:
            if section == "observations":
                self.observations(sections[section])
            else:
                for record in sections[section]:
                    loaders[section](record)
        self.link_meetings()

    # Saving: compare first, write only what differs.

    def upsert(self, record, model, key, values, on_create=None):
        """Find the row with natural `key`; create it, update the stated fields that differ, or leave it be.

        Returns (row, created). `on_create` fields are set only on a new row (e.g. a milestone's state).
        """
        identity = self._refuse_duplicate(record, model, key)
        values = {name: value for name, value in values.items() if value is not _MISSING}
        rows = list(model._default_manager.filter(**key)[:2])
        if len(rows) > 1:
            record.fail(next(iter(key)), f"more than one {model._meta.verbose_name} matches; merge them first.")
        fingerprint = _fingerprint(values)
        if not rows:
            extra = {name: value for name, value in (on_create or {}).items() if value is not _MISSING}
            row = model(**key, **values, **extra)
            self.save(record, row, "created")
            _remember(identity, fingerprint)
            return row, True
        row = rows[0]
        if SeedFingerprint.objects.filter(record=identity, digest=fingerprint).exists():
            # The seed says what it said last time: whatever differs now is a user's edit, and it stays.
            self.report.count(_plural(model), "unchanged")
            return row, False
        _remember(identity, fingerprint)
        changed = {name: value for name, value in values.items() if _differs(row, name, value)}
        if not changed:
            self.report.count(_plural(model), "unchanged")
            return row, False
        for name, value in changed.items():
            setattr(row, name, value)
        self.save(record, row, "updated")
        return row, False

    def save(self, record, row, outcome):
        try:
            doors.save(row, by=SEED_ACTOR, expected_version=None if outcome == "created" else row.version)
        except ValidationError as error:
            field, messages = next(iter(error.message_dict.items()))
            record.fail("record" if field == NON_FIELD_ERRORS else field, " ".join(messages))
        self.report.count(_plural(type(row)), outcome)

    def _refuse_duplicate(self, record, model, key):
        identity = (model, tuple(sorted((name, getattr(value, "pk", value)) for name, value in key.items())))
        if identity in self.seen:
            first = self.seen[identity]
            record.fail(next(iter(key)), f"the same {model._meta.verbose_name} is already given at {first}.")
        self.seen[identity] = record.where
        return f"{model._meta.label_lower}{identity[1]}"[:300]

    # Looking up what records refer to.

    def cite(self, record, bilingual=False):
        """The record's source and where in it; `bilingual` for a model that keeps the place in both languages."""
        key = record.text("source")
        if key is _MISSING or not key:
            record.fail(
                "source",
                "missing citation: every seed record names its `source` (a key under `sources:`) "
                "and `source_detail` (where in it, e.g. “paragraph 9”).",
            )
        source = self.find(record, "source", Source, key=key, section="sources")
        detail = record.text("source_detail")
        if detail is _MISSING or not detail:
            record.fail("source_detail", "missing: say where in the source the fact is, e.g. “paragraph 9”.")
        if bilingual:
            return {"source": source, "source_detail_en": detail, "source_detail_ru": record.text("source_detail_ru")}
        return {"source": source, "source_detail": detail}

    def find(self, record, field, model, section, **key):
        """The row `record` refers to by `key`; remembered, since a hundred records cite the same few rows."""
        cache_key = (model, tuple(key.items()))
        if cache_key not in self.found:
            row = model._default_manager.filter(**key).first()
            if row is None:
                wanted = ", ".join(str(value) for value in key.values())
                record.fail(field, f"unknown {model._meta.verbose_name} “{wanted}”; add it under `{section}:` first.")
            self.found[cache_key] = row
        return self.found[cache_key]

    def region_at(self, record, field, required=True):
        code = record.text(field, required)
        return code if code is _MISSING else self.find(record, field, Region, code=code, section="regions")

    def commodity_at(self, record, field, required=True):
        code = record.text(field, required)
        return code if code is _MISSING else self.find(record, field, Commodity, hs_code=code, section="commodities")

    def indicator_at(self, record, field):
        code = record.text(field, required=True)
        return self.find(record, field, TradeIndicator, code=code, section="trade_indicators")

    def by_ref(self, record, field, refs, section, required=False):
        ref = record.text(field, required)
        if ref is _MISSING:
            return ref
        if ref not in refs:
            record.fail(field, f"unknown ref “{ref}”; refer to a record by its `ref` under `{section}:`.")
        return refs[ref]

    def new_ref(self, record, refs):
        ref = record.text("ref", required=True)
        if ref in refs:
            record.fail("ref", f"“{ref}” is already used by another record; refs must be unique.")
        return ref

    # Reference data: one method per section.

    def source(self, record):
        key = record.text("key", required=True)
        values = {
            "publisher": record.text("publisher", required=True),
            **record.texts("title", required=True),
            "url": record.text("url"),
            "published_on": record.date("published_on"),
        }
        record.finish()  # a source is what the others cite, so it needs no citation of its own
        self.upsert(record, Source, {"key": key}, values)

    def region(self, record):
        code = record.text("code", required=True)
        values = {
            **record.texts("name", required=True),
            "kind": record.choice("kind", RegionKind, required=True),
            "parent": self.region_at(record, "parent", required=False),
            **self.cite(record),
        }
        record.finish()
        self.upsert(record, Region, {"code": code}, values)

    def area(self, record):
        code = record.text("code", required=True)
        values = {**record.texts("name", required=True), **self.cite(record)}
        record.finish()
        self.upsert(record, Area, {"code": code}, values)

    def organisation(self, record):
        ref = self.new_ref(record, self.organisations)
        key = {"name_en": record.text("name", required=True), "region": self.region_at(record, "region")}
        values = {
            "name_ru": record.text("name_ru"),
            **record.texts("short_name"),
            "kind": record.choice("kind", OrganisationKind, required=True),
            **self.cite(record),
        }
        record.finish()
        self.organisations[ref], _ = self.upsert(record, Organisation, key, values)

    def commodity(self, record):
        code = record.raw("hs_code", required=True)
        if not isinstance(code, str):
            # Unquoted, YAML reads 0201 as the octal number 129: insist on quotes for every code.
            record.fail("hs_code", f'write the HS code in quotes, e.g. "8418", not {code!r}.')
        values = {
            **record.texts("name", required=True),
            **record.texts("note"),
            **self.cite(record),
        }
        record.finish()
        self.upsert(record, Commodity, {"hs_code": code.strip()}, values)

    def meeting(self, record):
        ref = self.new_ref(record, self.meetings)
        key = {"partner_region": self.region_at(record, "partner_region"), "date": record.date("date", required=True)}
        values = {
            **record.texts("title", required=True),
            **record.texts("place", required=True),
            **record.texts("participants", read=record.lines),
            **self.cite(record),
        }
        codes = record.strings("initiatives")
        record.finish()
        self.meetings[ref], _ = self.upsert(record, Meeting, key, values)
        self.meeting_links.append((record, self.meetings[ref], codes))

    # Trade figures.

    def trade_indicator(self, record):
        code = record.text("code", required=True)
        values = {
            **record.texts("name", required=True),
            "reporter": self.region_at(record, "reporter"),
            "partner": self.region_at(record, "partner"),
            "flow": record.choice("flow", Flow, required=True),
            "commodity": self.commodity_at(record, "commodity", required=False),
            "frequency": record.choice("frequency", Frequency, required=True),
            "currency": record.text("currency"),
            **self.cite(record),
        }
        record.finish()
        self.upsert(record, TradeIndicator, {"code": code}, values)

    def observations(self, records):
        """Stated values first, then derived ones, each after the derived values its formula uses."""
        for record in records:
            if not record.has("formula"):
                self.observation(record)
        for record in _in_dependency_order([record for record in records if record.has("formula")]):
            self.observation(record)

    def observation(self, record):
        indicator = self.indicator_at(record, "indicator")
        key = {"indicator": indicator, "period": record.period("period", indicator.frequency)}
        formula = record.text("formula")
        if formula is _MISSING:
            value, qualifier = record.decimal("value", required=True), record.choice("qualifier", Qualifier)
        else:
            if record.has("value"):
                record.fail("value", "a derived value is computed from its `formula`; remove `value`.")
            value, inputs = self.compute(record, formula)
            qualifier = self.derived_qualifier(record, inputs)
        values = {
            "value": value,
            "qualifier": Qualifier.EXACT if qualifier is _MISSING else qualifier,
            "is_derived": formula is not _MISSING,
            "formula": "" if formula is _MISSING else formula,
            "note": record.text("note"),
            **self.cite(record),
        }
        record.finish()
        self.upsert(record, Observation, key, values)

    def compute(self, record, formula):
        """The formula's value from the stored observations it refers to, rounded to cents, and their qualifiers."""
        try:
            return derived.evaluate(formula)
        except formulas.UnknownReference as error:
            record.fail("formula", f"{error} Add that observation to the seeds first.")
        except formulas.FormulaError as error:
            record.fail("formula", str(error))

    def derived_qualifier(self, record, input_qualifiers):
        inexact = sorted(str(reference) for reference, q in input_qualifiers.items() if q != Qualifier.EXACT)
        stated = record.choice("qualifier", Qualifier)
        if stated is _MISSING:
            return Qualifier.APPROXIMATELY if inexact else Qualifier.EXACT
        if stated == Qualifier.EXACT and inexact:
            record.fail("qualifier", f"cannot be exact: its input {', '.join(inexact)} is not; use approx.")
        return stated

    def key_commodity(self, record):
        flow = record.choice("flow", Flow, required=True)
        if flow not in (Flow.EXPORT, Flow.IMPORT):
            record.fail("flow", "a key commodity is an export or an import.")
        key = {
            "reporter": self.region_at(record, "reporter"),
            "partner": self.region_at(record, "partner"),
            "flow": flow,
            "year": record.integer("year", required=True),
            "commodity": self.commodity_at(record, "commodity"),
        }
        values = {"rank": record.integer("rank"), **self.cite(record)}
        record.finish()
        self.upsert(record, KeyCommodity, key, values)

    # Initiatives and what hangs off them.

    def initiative(self, record):
        code = record.text("code", required=True)
        status = record.choice("status", Status, default=Status.PROPOSED)
        if status not in MAIN_PATH:
            record.fail("status", f"a seed starts an initiative at one of: {', '.join(MAIN_PATH)}.")
        values = {
            **record.texts("title", required=True),
            **record.texts("summary"),
            "area": self.find(record, "area", Area, code=record.text("area", required=True), section="areas"),
            "partner_region": self.region_at(record, "partner_region"),
            "priority": record.choice("priority", Priority),
            "visibility": record.choice("visibility", Visibility),
            "origin": self.by_ref(record, "origin", self.meetings, "meetings"),
            "planned_start": record.date("planned_start"),
            "planned_end": record.date("planned_end"),
            **self.cite(record, bilingual=True),
        }
        parts = [
            (self.participation, record.children("participations")),
            (self.milestone, record.children("milestones")),
            (self.indicator_link, record.children("indicator_links")),
        ]
        record.finish()
        initiative, created = self.upsert(record, Initiative, {"code": code}, values)
        if created:
            self.bring_to(initiative, status, values)
        elif initiative.status != status:
            self.report.notes.append(
                f"{code} is {initiative.status} in the database and {status} in the seeds; "
                "left as it is (coordinators own the status once an initiative exists)."
            )
        for load, children in parts:
            for child in children:
                load(child, initiative)

    def bring_to(self, initiative, status, citation):
        """Walk a new initiative along the main path, one journalled transition per step."""
        detail = {"en": citation["source_detail_en"], "ru": citation["source_detail_ru"]}
        detail = {language: text for language, text in detail.items() if text is not _MISSING}
        note = SystemNote("seeded", source=citation["source"].key, detail=detail)
        for step in MAIN_PATH[1 : MAIN_PATH.index(status) + 1]:
            workflow.transition(initiative, step, by=SEED_ACTOR, note=note)

    def participation(self, record, initiative):
        key = {
            "initiative": initiative,
            "organisation": self.by_ref(record, "organisation", self.organisations, "organisations", required=True),
            "role": record.choice("role", ParticipationRole, required=True),
        }
        values = {"side": record.choice("side", Side, required=True), **self.cite(record)}
        record.finish()
        self.upsert(record, Participation, key, values)

    def milestone(self, record, initiative):
        key = {"initiative": initiative, "title_en": record.text("title", required=True)}
        values = {
            "title_ru": record.text("title_ru"),
            "kind": record.choice("kind", MilestoneKind),
            "responsible_organisation": self.by_ref(
                record, "responsible_organisation", self.organisations, "organisations"
            ),
            "responsible_person": record.text("responsible_person"),
            "meeting": self.by_ref(record, "meeting", self.meetings, "meetings"),
            "due_date": record.date("due_date"),
            **self.cite(record),
        }
        # Whether it is done is the coordinators' to record, like an initiative's status.
        on_create = {"state": record.choice("state", MilestoneState), "done_on": record.date("done_on")}
        record.finish()
        self.upsert(record, Milestone, key, values, on_create=on_create)

    def indicator_link(self, record, initiative):
        indicator = self.indicator_at(record, "indicator")
        target_period = _MISSING
        if record.has("target_period"):
            target_period = record.period("target_period", indicator.frequency)
        values = {
            **record.texts("rationale"),
            "target_value": record.decimal("target_value"),
            "target_period": target_period,
            **self.cite(record),
        }
        record.finish()
        self.upsert(record, InitiativeIndicator, {"initiative": initiative, "indicator": indicator}, values)

    def link_meetings(self):
        """Add the initiatives each meeting raised; links made by hand stay, and existing ones are not rewritten."""
        for record, meeting, codes in self.meeting_links:
            wanted = [self.find(record, "initiatives", Initiative, code=code, section="initiatives") for code in codes]
            present = set(meeting.initiatives.values_list("pk", flat=True))
            missing = [initiative for initiative in wanted if initiative.pk not in present]
            if missing:
                meeting.initiatives.add(*missing)
            self.report.count(MEETING_LINKS, "created", len(missing))
            self.report.count(MEETING_LINKS, "unchanged", len(wanted) - len(missing))


def _allowed(choices):
    """The values of `choices` as a seed writes them: "internal, shared" or "1 (funding), 2 (accountable)"."""
    if issubclass(choices, models.IntegerChoices):
        return ", ".join(f"{member.value} ({member.name.lower()})" for member in choices)
    return ", ".join(member.value for member in choices)


def _fingerprint(values):
    plain = sorted((name, str(getattr(value, "pk", value))) for name, value in values.items())
    return hashlib.sha256(repr(plain).encode()).hexdigest()


def _remember(identity, fingerprint):
    SeedFingerprint.objects.update_or_create(record=identity, defaults={"digest": fingerprint})


def _differs(row, name, value):
    field = row._meta.get_field(name)
    if isinstance(field, models.ForeignKey):
        return getattr(row, field.attname) != (value.pk if value is not None else None)
    return getattr(row, name) != value


def _plural(model):
    return str(model._meta.verbose_name_plural)


def _in_dependency_order(records):
    """Derived observation records ordered so that each comes after the derived ones its formula refers to."""
    by_key = {}
    for record in records:
        key = formulas.Reference(record.text("indicator", required=True), str(record.raw("period", True)).strip())
        try:
            record.depends_on = formulas.references(record.text("formula", required=True))
        except formulas.FormulaError as error:
            record.fail("formula", str(error))
        if key in by_key:
            record.fail("indicator", f"the same observation is already given at {by_key[key].where}.")
        by_key[key] = record
    ordered, state = [], {}

    def visit(key, chain):
        if state.get(key) == "done":
            return
        if state.get(key) == "visiting":
            by_key[key].fail("formula", f"the formulas refer to each other in a circle: {' → '.join(chain)}.")
        state[key] = "visiting"
        for reference in by_key[key].depends_on:
            if reference in by_key:
                visit(reference, [*chain, str(reference)])
        state[key] = "done"
        ordered.append(by_key[key])

    for key in by_key:
        visit(key, [str(key)])
    return ordered

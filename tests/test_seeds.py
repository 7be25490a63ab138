"""The seed loader: idempotent, cited, derived values from their formulas, statuses through the workflow."""

import re
import shutil
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise
from pathlib import Path

import pytest
import yaml
from django.apps import apps
from django.conf import settings

from tests import factories
from tests.state import snapshot
from tracker.data.seeds import MAIN_PATH, SECTIONS, SeedError, load_seeds
from tracker.domain import workflow
from tracker.domain.choices import MilestoneState, Qualifier, Status
from tracker.models import (
    Initiative,
    KeyCommodity,
    Meeting,
    Milestone,
    Observation,
    Region,
    Source,
    StatusUpdate,
)

pytestmark = pytest.mark.django_db

SEEDS = Path(settings.BASE_DIR) / "seeds"
SEED_FILE = "belarus-lipetsk-2023.yaml"
ARTICLE = Path("/work/shared/source/belta-2023-06-01-belarus-lipetsk.txt")
SOURCE_KEY = "belta-2023-06-01-belarus-lipetsk"
SEEDED_STATUSES = {
    "lipetsk-vehicle-assembly": Status.AGREED,
    "machine-tool-supplies": Status.PROPOSED,
    "lipetsk-electric-transport": Status.PROPOSED,
    "ev-charging-stations": Status.UNDER_STUDY,
    "agribusiness-agenda": Status.PROPOSED,
    "civil-engineering": Status.PROPOSED,
    "nlmk-steel-supplies": Status.AGREED,
    "trade-balance": Status.UNDER_STUDY,
}


@pytest.fixture
def seeded(db):
    return load_seeds(SEEDS)


def history_rows():
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_app_config("tracker").get_models()
        if model._meta.label.startswith("tracker.Historical")
    }


def stored(indicator, period):
    return Observation.objects.get(indicator__code=indicator, period=period)


def seed_data():
    return yaml.safe_load((SEEDS / SEED_FILE).read_text(encoding="utf-8"))


def seeds_copy(tmp_path, edit):
    """A copy of the seeds directory in `tmp_path`, with `edit(data)` applied to the main seed file."""
    directory = tmp_path / "seeds"
    shutil.copytree(SEEDS, directory)
    data = seed_data()
    edit(data)
    (directory / SEED_FILE).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return directory


def record(data, section, **match):
    return next(item for item in data[section] if all(item.get(k) == v for k, v in match.items()))


# Idempotence ------------------------------------------------------------------------------------------------------


def test_loading_twice_leaves_every_table_as_it_was(seeded):
    before, history_before = snapshot(), history_rows()

    report = load_seeds(SEEDS)

    assert snapshot() == before
    assert history_rows() == history_before
    assert not report.changed
    assert report.total("created") == report.total("updated") == 0


def test_the_first_load_creates_what_the_article_names(seeded):
    assert seeded.counts["initiatives"]["created"] == 8
    assert set(Initiative.objects.values_list("code", flat=True)) == set(SEEDED_STATUSES)
    assert set(Region.objects.values_list("code", flat=True)) == {"BY", "RU", "RU-LIP"}
    assert Region.objects.get(code="RU-LIP").parent.code == "RU"
    meeting = Meeting.objects.get()
    assert (meeting.date.isoformat(), meeting.place, meeting.partner_region.code) == ("2023-06-01", "Minsk", "RU-LIP")
    assert "fourth visit" in meeting.title
    assert set(meeting.initiatives.values_list("code", flat=True)) == set(SEEDED_STATUSES)
    assert all(initiative.origin == meeting for initiative in Initiative.objects.all())


# Figures ----------------------------------------------------------------------------------------------------------


STATED_FIGURES = [
    ("by-ru-lip-turnover-year", "2021", "315000000", Qualifier.EXACT),
    ("by-ru-lip-turnover-year", "2022", "334000000", Qualifier.APPROXIMATELY),
    ("by-ru-lip-exports-year", "2021", "70000000", Qualifier.EXACT),
    ("by-ru-lip-exports-year", "2022", "91000000", Qualifier.AT_LEAST),
    ("by-ru-lip-turnover-quarter", "2023-Q1", "68000000", Qualifier.EXACT),
]


def test_the_stated_figures_are_stored_with_their_qualifiers(seeded):
    for indicator, period, value, qualifier in STATED_FIGURES:
        observation = stored(indicator, period)
        assert observation.value == Decimal(value), (indicator, period)
        assert observation.qualifier == qualifier, (indicator, period)
        assert not observation.is_derived and observation.formula == "", (indicator, period)


def test_derived_imports_and_balances_follow_from_the_stored_turnover_and_exports(seeded):
    for year in ("2021", "2022"):
        turnover = stored("by-ru-lip-turnover-year", year).value
        exports = stored("by-ru-lip-exports-year", year).value
        imports = stored("by-ru-lip-imports-year", year)
        balance = stored("by-ru-lip-balance-year", year)

        assert imports.value == turnover - exports
        assert balance.value == exports - imports.value
        assert balance.value < 0  # the article: Belarus imports more from the region than it exports there
        assert imports.is_derived and balance.is_derived
        assert imports.formula == f"[by-ru-lip-turnover-year@{year}] - [by-ru-lip-exports-year@{year}]"
        assert balance.formula == f"[by-ru-lip-exports-year@{year}] - [by-ru-lip-imports-year@{year}]"


def test_the_2022_q1_turnover_is_back_calculated_from_2023_q1_and_rounded_to_cents(seeded):
    q1_2023 = stored("by-ru-lip-turnover-quarter", "2023-Q1").value
    q1_2022 = stored("by-ru-lip-turnover-quarter", "2022-Q1")

    assert q1_2022.value == (q1_2023 / Decimal("1.025")).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert q1_2022.is_derived and q1_2022.formula == "[by-ru-lip-turnover-quarter@2023-Q1] / 1.025"
    assert q1_2022.qualifier == Qualifier.APPROXIMATELY


def test_derived_values_are_approximate_exactly_where_an_input_is(seeded):
    assert stored("by-ru-lip-imports-year", "2021").qualifier == Qualifier.EXACT
    assert stored("by-ru-lip-balance-year", "2021").qualifier == Qualifier.EXACT
    assert stored("by-ru-lip-imports-year", "2022").qualifier == Qualifier.APPROXIMATELY
    assert stored("by-ru-lip-balance-year", "2022").qualifier == Qualifier.APPROXIMATELY


def test_key_commodities_keep_the_order_of_the_article(seeded):
    def ranked(flow):
        rows = KeyCommodity.objects.filter(flow=flow, year=2022, reporter__code="BY", partner__code="RU-LIP")
        return list(rows.order_by("rank").values_list("commodity__hs_code", flat=True))

    assert ranked("export") == ["8418", "3105", "8450", "1602", "7213"]
    assert ranked("import") == ["7208", "1205", "2706"]


# Citations --------------------------------------------------------------------------------------------------------


def test_every_seeded_row_with_a_citation_column_cites_the_article(seeded):
    source = Source.objects.get(key=SOURCE_KEY)
    cited_models = [
        model
        for model in apps.get_app_config("tracker").get_models()
        if {"source", "source_detail"} <= {field.name for field in model._meta.get_fields()}
        and not model._meta.label.startswith("tracker.Historical")
    ]
    assert len(cited_models) >= 7
    for model in cited_models:
        rows = model._default_manager.all()
        assert rows.exists(), model
        assert not rows.exclude(source=source).exists(), model
        assert not rows.filter(source_detail="").exists(), model


def _records(data):
    """Every record in the seed data, nested ones included (sources excepted: they are what is cited)."""
    for section in SECTIONS:
        if section == "sources":
            continue
        for item in data.get(section, []):
            yield section, item
            for field in ("participations", "milestones", "indicator_links"):
                for child in item.get(field, []):
                    yield f"{section}.{field}", child


def test_every_record_in_the_seed_files_carries_a_citation():
    for path in sorted(SEEDS.glob("*.y*ml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for section, item in _records(data):
            assert item.get("source") == SOURCE_KEY, (path.name, section, item)
            assert str(item.get("source_detail", "")).strip(), (path.name, section, item)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _words(text):
    return re.findall(r"[a-z0-9$%]+", text.lower())


@pytest.mark.skipif(not ARTICLE.exists(), reason="the source article is not on this machine")
def test_the_seeds_restate_the_article_rather_than_copy_its_sentences():
    article = _words(ARTICLE.read_text(encoding="utf-8"))
    window = 7
    copied = {tuple(article[index : index + window]) for index in range(len(article) - window + 1)}
    data = seed_data()
    data.pop("sources")  # the article's title is allowed as the title of the source
    for text in _strings(data):
        words = _words(text)
        for index in range(len(words) - window + 1):
            assert tuple(words[index : index + window]) not in copied, text


# Editing seed files -----------------------------------------------------------------------------------------------


def test_an_edited_figure_updates_its_row_and_the_values_derived_from_it(seeded, tmp_path):
    turnover = stored("by-ru-lip-turnover-year", "2021")
    untouched = stored("by-ru-lip-exports-year", "2021")
    derived = {code: stored(code, "2021").version for code in ("by-ru-lip-imports-year", "by-ru-lip-balance-year")}

    def edit(data):
        record(data, "observations", indicator="by-ru-lip-turnover-year", period=2021)["value"] = 316000000

    report = load_seeds(seeds_copy(tmp_path, edit))

    edited = stored("by-ru-lip-turnover-year", "2021")
    assert (edited.pk, edited.value, edited.version) == (turnover.pk, Decimal("316000000"), turnover.version + 1)
    assert stored("by-ru-lip-imports-year", "2021").value == Decimal("246000000")
    assert stored("by-ru-lip-balance-year", "2021").value == Decimal("-176000000")
    assert stored("by-ru-lip-exports-year", "2021").version == untouched.version
    # The derived figures move with their input as it is saved (tracker.domain.derived), once each; the loader then
    # finds them as the seeds compute them.
    assert {code: stored(code, "2021").version for code in derived} == {c: v + 1 for c, v in derived.items()}
    assert sum(report.counts["observations"].values()) == 10 and report.counts["observations"]["updated"] >= 1


def test_an_edited_initiative_updates_the_same_row_with_one_history_row(seeded, tmp_path):
    initiative = Initiative.objects.get(code="civil-engineering")
    history_before = initiative.history.count()

    def edit(data):
        record(data, "initiatives", code="civil-engineering")["title"] = "Joint construction projects"

    load_seeds(seeds_copy(tmp_path, edit))

    edited = Initiative.objects.get(code="civil-engineering")
    assert (edited.pk, edited.title, edited.version) == (initiative.pk, "Joint construction projects", 2)
    assert edited.history.count() == history_before + 1
    assert edited.history.first().history_actor == "load_seeds"


def test_fields_a_record_leaves_out_are_not_touched(seeded, tmp_path, owner):
    initiative = Initiative.objects.get(code="civil-engineering")
    initiative.owner = owner
    initiative.summary = "Written by the coordinator."
    initiative.save()

    def edit(data):
        del record(data, "initiatives", code="civil-engineering")["summary"]

    load_seeds(seeds_copy(tmp_path, edit))

    kept = Initiative.objects.get(code="civil-engineering")
    assert (kept.owner, kept.summary, kept.version) == (owner, "Written by the coordinator.", initiative.version)


def test_a_coordinators_edit_survives_loading_the_unchanged_seeds_again(seeded):
    initiative = Initiative.objects.get(code="civil-engineering")
    initiative.title = "Renamed by the coordinator"
    initiative.save()
    figure = stored("by-ru-lip-turnover-year", "2021")
    figure.note = "checked against customs data"
    figure.save()

    load_seeds(SEEDS)  # what `make run` does at every start

    assert Initiative.objects.get(code="civil-engineering").title == "Renamed by the coordinator"
    assert stored("by-ru-lip-turnover-year", "2021").note == "checked against customs data"


# Bad seed files ---------------------------------------------------------------------------------------------------


def load_broken(tmp_path, edit):
    with pytest.raises(SeedError) as error:
        load_seeds(seeds_copy(tmp_path, edit))
    return str(error.value)


def test_a_record_without_a_source_writes_nothing_and_the_error_names_file_record_and_field(db, tmp_path):
    def edit(data):
        del record(data, "initiatives", code="civil-engineering")["source"]

    message = load_broken(tmp_path, edit)

    assert SEED_FILE in message
    assert "initiatives[5] (civil-engineering)" in message
    assert "field `source`" in message and "missing citation" in message
    assert not any(rows for rows in snapshot().values())


def test_a_nested_record_without_a_source_detail_is_refused_too(db, tmp_path):
    def edit(data):
        del record(data, "initiatives", code="ev-charging-stations")["milestones"][0]["source_detail"]

    message = load_broken(tmp_path, edit)

    assert "(ev-charging-stations) › milestones[0]" in message
    assert "field `source_detail`" in message
    assert not Initiative.objects.exists()


def test_a_bad_period_rolls_back_the_changes_made_before_it(seeded, tmp_path):
    before = snapshot()

    def edit(data):
        record(data, "regions", code="RU-LIP")["name"] = "Lipetsk Region"  # loaded before the bad record
        record(data, "observations", indicator="by-ru-lip-exports-year", period=2022)["period"] = "2022-Q1"

    message = load_broken(tmp_path, edit)

    assert "observations[4]" in message and "field `period`" in message
    assert "is not a yearly period" in message
    assert snapshot() == before
    assert Region.objects.get(code="RU-LIP").name == "Lipetsk Oblast"


@pytest.mark.parametrize(
    ("edit", "field", "expected"),
    [
        (lambda data: record(data, "regions", code="BY").update(nmae="Belarus"), "nmae", "is not a field"),
        (lambda data: record(data, "initiatives", code="trade-balance").update(status="on_hold"), "status", "one of"),
        (lambda data: record(data, "initiatives", code="trade-balance").update(area="space"), "area", "unknown area"),
        (lambda data: record(data, "commodities", hs_code="8418").update(hs_code=8418), "hs_code", "in quotes"),
        (
            lambda data: record(data, "initiatives", code="trade-balance").update(visibility="secret"),
            "visibility",
            "“secret” is not one of: internal, shared, public",
        ),
        (
            lambda data: record(data, "initiatives", code="trade-balance")["participations"][0].update(role=7),
            "role",
            "“7” is not one of: 1 (funding), 2 (accountable), 3 (extending), 4 (implementing)",
        ),
        (
            lambda data: record(data, "observations", indicator="by-ru-lip-imports-year", period=2021).update(
                value=245000000
            ),
            "value",
            "computed from its `formula`",
        ),
        (
            lambda data: record(data, "observations", indicator="by-ru-lip-imports-year", period=2022).update(
                qualifier="exact"
            ),
            "qualifier",
            "[by-ru-lip-turnover-year@2022] is not",
        ),
        (
            lambda data: record(data, "observations", indicator="by-ru-lip-imports-year", period=2021).update(
                formula="[by-ru-lip-turnover-year@2020] - [by-ru-lip-exports-year@2021]"
            ),
            "formula",
            "[by-ru-lip-turnover-year@2020]",
        ),
        (
            lambda data: record(data, "observations", indicator="by-ru-lip-imports-year", period=2021).update(
                formula="__import__('os')"
            ),
            "formula",
            "a formula holds only",
        ),
        (
            lambda data: record(data, "observations", indicator="by-ru-lip-exports-year", period=2021).update(
                value="a lot"
            ),
            "value",
            "should be a number",
        ),
        (
            lambda data: data["observations"].append(dict(data["observations"][0])),
            "indicator",
            "already given at belarus-lipetsk-2023.yaml: observations[0]",
        ),
        (
            lambda data: data["observations"].append(dict(data["observations"][5])),
            "indicator",
            "already given at belarus-lipetsk-2023.yaml: observations[5]",
        ),
    ],
    ids=[
        "typo",
        "status-off-path",
        "unknown-area",
        "unquoted-hs",
        "visibility",
        "iati-role",
        "derived-typed",
        "derived-exact",
        "unknown-ref",
        "code-in-formula",
        "not-a-number",
        "duplicate",
        "duplicate-derived",
    ],
)
def test_a_bad_record_is_refused_naming_the_field_and_nothing_is_written(db, tmp_path, edit, field, expected):
    message = load_broken(tmp_path, edit)

    assert f"field `{field}`" in message
    assert expected in message
    assert not Source.objects.exists() and not Initiative.objects.exists()


def test_formulas_that_refer_to_each_other_in_a_circle_are_refused(db, tmp_path):
    def edit(data):
        imports = record(data, "observations", indicator="by-ru-lip-imports-year", period=2021)
        imports["formula"] = "[by-ru-lip-turnover-year@2021] - [by-ru-lip-balance-year@2021]"

    message = load_broken(tmp_path, edit)

    assert "in a circle" in message and "[by-ru-lip-balance-year@2021]" in message


def test_a_file_that_is_not_yaml_is_refused_by_name(db, tmp_path):
    (tmp_path / "broken.yaml").write_text("initiatives: [unclosed", encoding="utf-8")
    with pytest.raises(SeedError, match=r"broken\.yaml: not valid YAML"):
        load_seeds(tmp_path)


# Statuses ---------------------------------------------------------------------------------------------------------


def test_seeded_statuses_are_reached_through_journal_entries_by_load_seeds(seeded):
    for code, status in SEEDED_STATUSES.items():
        initiative = Initiative.objects.get(code=code)
        journal = list(initiative.journal.order_by("version"))
        steps = MAIN_PATH[: MAIN_PATH.index(status) + 1]

        assert initiative.status == status
        assert [(entry.from_status, entry.to_status) for entry in journal] == list(pairwise(steps))
        assert {entry.author_name for entry in journal} <= {"load_seeds"}
        assert all(entry.author is None for entry in journal)
        assert initiative.version == 1 + len(journal)


def test_the_change_log_names_load_seeds(seeded):
    for model in apps.get_app_config("tracker").get_models():
        if "history_actor" in {field.name for field in model._meta.get_fields()}:
            actors = set(model._default_manager.values_list("history_actor", flat=True))
            assert actors <= {"load_seeds"}, model


def test_a_later_run_leaves_the_status_coordinators_moved_and_says_so(seeded, owner):
    initiative = Initiative.objects.get(code="ev-charging-stations")
    initiative.owner = owner
    initiative.save()
    workflow.transition(initiative, Status.AGREED, by=owner)
    journal_before = StatusUpdate.objects.count()

    report = load_seeds(SEEDS)

    assert Initiative.objects.get(code="ev-charging-stations").status == Status.AGREED
    assert StatusUpdate.objects.count() == journal_before
    assert any("ev-charging-stations is agreed in the database and under_study in the seeds" in n for n in report.notes)


def test_a_later_run_leaves_a_milestone_the_coordinators_marked_done(seeded):
    milestone = Milestone.objects.get(initiative__code="ev-charging-stations")
    milestone.state, milestone.done_on = MilestoneState.DONE, milestone.due_date
    milestone.save()

    load_seeds(SEEDS)

    milestone.refresh_from_db()
    assert milestone.state == MilestoneState.DONE


def test_a_new_initiative_in_the_seeds_is_added_without_touching_the_others(seeded, tmp_path):
    before = {row.code: row.version for row in Initiative.objects.all()}

    def edit(data):
        extra = dict(record(data, "initiatives", code="civil-engineering"), code="road-construction", status="agreed")
        extra.pop("participations"), extra.pop("indicator_links")
        data["initiatives"].append(extra)

    load_seeds(seeds_copy(tmp_path, edit))

    added = Initiative.objects.get(code="road-construction")
    assert added.status == Status.AGREED and added.journal.count() == 2
    assert {row.code: row.version for row in Initiative.objects.exclude(pk=added.pk)} == before


def test_seeded_initiatives_can_be_owned_and_moved_by_a_coordinator_afterwards(seeded):
    coordinator = factories.coordinator("demo-coordinator")
    initiative = Initiative.objects.get(code="machine-tool-supplies")
    initiative.owner = coordinator
    initiative.save()

    entry = workflow.transition(initiative, Status.UNDER_STUDY, by=coordinator, note="started")

    assert entry.author == coordinator

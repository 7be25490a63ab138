"""CSV/XLSX import and export of observations and initiatives: preview first, all or nothing on confirm."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories
from tests.admin.factories import observation
from tests.admin.helpers import admin_url, messages_of
from tracker.admin.resources import InitiativeResource, ObservationResource
from tracker.domain.choices import Frequency, Health, Qualifier, Status
from tracker.models import Initiative, Observation

pytestmark = pytest.mark.django_db

CSV, XLSX = "0", "1"  # the admins' format choices, in order


@pytest.fixture
def turnover(db):
    return factories.TradeIndicatorFactory(code="by-lip-turnover", frequency=Frequency.YEAR)


def _upload(client, model, content, name="data.csv", file_format=CSV):
    upload = SimpleUploadedFile(name, content)
    return client.post(admin_url(model, "import"), {"resource": "0", "format": file_format, "import_file": upload})


def _confirm(client, model, preview):
    data = {name: str(value) for name, value in preview.context["confirm_form"].initial.items()}
    return client.post(admin_url(model, "process_import"), data)


def _import(client, model, content, **kwargs):
    preview = _upload(client, model, content, **kwargs)
    assert "confirm_form" in preview.context, _row_errors(preview)
    return _confirm(client, model, preview)


def _row_errors(preview):
    result = preview.context["result"]
    return [(row.number, dict(row.field_specific_errors)) for row in result.invalid_rows]


def test_observation_file_with_one_bad_row_shows_the_error_and_writes_nothing(turnover, analyst, login):
    content = b"indicator,period,value\nby-lip-turnover,2021,315000000\nby-lip-turnover,2023-Q1,68000000\n"

    preview = _upload(login(analyst), Observation, content)

    assert preview.status_code == 200
    assert "confirm_form" not in preview.context
    [(row, errors)] = _row_errors(preview)
    assert row == 2 and "yearly period" in str(errors["period"])
    assert "write it like 2022" in preview.content.decode()
    assert not Observation.objects.exists()


def test_a_file_without_the_needed_columns_says_which_are_missing_without_a_traceback(turnover, analyst, login):
    preview = _upload(login(analyst), Observation, b"series,when,amount\nby-lip-turnover,2021,315000000\n")

    page = preview.content.decode()
    assert preview.status_code == 200 and "confirm_form" not in preview.context
    assert "not present in the file headers: indicator, period" in page
    assert "Traceback" not in page and ".py" not in page  # no server paths
    assert not Observation.objects.exists()


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("indicator", "no-such-series", "no trade indicator with code"),
        ("value", "about 300", "is not a number"),
        ("qualifier", "roughly", "use one of: exact, approx, at_least, at_most"),
        ("value", "10.005", "at most two decimals"),
        ("value", "1E1000000", "below 10^16"),
    ],
)
def test_observation_row_errors_name_the_field_and_the_fix(column, value, message, turnover, analyst, login):
    row = {"indicator": "by-lip-turnover", "period": "2021", "value": "315000000", "qualifier": "exact"}
    row |= {column: value}
    content = (",".join(row) + "\n" + ",".join(row.values()) + "\n").encode()

    preview = _upload(login(analyst), Observation, content)

    [(_row, errors)] = _row_errors(preview)
    assert message in str(errors[column])
    assert not Observation.objects.exists()


def test_good_observation_file_imports_only_after_confirm_and_updates_by_indicator_and_period(turnover, analyst, login):
    client = login(analyst)
    content = (
        b"indicator,period,value,qualifier\nby-lip-turnover,2021,315000000,\nby-lip-turnover,2022,334000000,approx\n"
    )

    preview = _upload(client, Observation, content)
    assert "confirm_form" in preview.context
    assert not Observation.objects.exists()  # the preview was rolled back
    confirmed = _confirm(client, Observation, preview)

    assert confirmed.status_code == 302
    assert list(turnover.observations.values_list("period", "value", "qualifier")) == [
        ("2021", Decimal("315000000.00"), Qualifier.EXACT),
        ("2022", Decimal("334000000.00"), Qualifier.APPROXIMATELY),
    ]
    _import(client, Observation, b"indicator,period,value,qualifier\nby-lip-turnover,2022,335000000,approx\n")
    assert turnover.observations.count() == 2
    assert turnover.observations.get(period="2022").value == Decimal("335000000.00")


def test_confirming_a_file_that_became_invalid_writes_nothing(turnover, analyst, login):
    quarterly = factories.TradeIndicatorFactory(code="by-lip-exports-q", frequency=Frequency.QUARTER)
    client = login(analyst)
    content = b"indicator,period,value\nby-lip-turnover,2021,315000000\nby-lip-exports-q,2023-Q1,20000000\n"
    preview = _upload(client, Observation, content)
    type(quarterly).objects.filter(pk=quarterly.pk).update(frequency=Frequency.MONTH)  # changed meanwhile

    confirmed = _confirm(client, Observation, preview)

    assert confirmed.status_code == 302 and confirmed.url == admin_url(Observation, "import")
    assert any("Nothing was imported" in message for message in messages_of(confirmed))
    assert not Observation.objects.exists()


def test_observations_import_from_xlsx(turnover, analyst, login):
    workbook = openpyxl.Workbook()
    workbook.active.append(["indicator", "period", "value", "qualifier", "is_derived", "formula"])
    workbook.active.append(["by-lip-turnover", 2021, 315000000, "exact", 0, ""])
    workbook.active.append(["by-lip-turnover", 2020, 307317073.17, "exact", 1, "[turnover@2021] / 1.025"])
    content = io.BytesIO()
    workbook.save(content)

    _import(login(analyst), Observation, content.getvalue(), name="data.xlsx", file_format=XLSX)

    # is_derived and formula are exported, never imported: a file cannot declare a figure derived.
    assert sorted(turnover.observations.values_list("period", "value", "is_derived")) == [
        ("2020", Decimal("307317073.17"), False),
        ("2021", Decimal("315000000.00"), False),
    ]


def test_a_row_for_a_derived_figure_is_refused_as_the_api_refuses_it(turnover, analyst, login):
    # The admin import took is_derived from the file and wrote over derived values; the API and the command refuse.
    observation(turnover, 2022, value=Decimal("5"), is_derived=True, formula="[by-lip-turnover@2021] * 2")
    content = b"indicator,period,value,is_derived\nby-lip-turnover,2022,7,0\n"

    preview = _upload(login(analyst), Observation, content)

    [(_row, errors)] = _row_errors(preview)
    assert "2022 is derived by the formula [by-lip-turnover@2021] * 2; change its inputs instead." in str(errors)
    assert turnover.observations.get(period="2022").value == Decimal("5.00")


def _export(client, model, resource, file_format=XLSX):
    fields = {f"{resource.__name__.lower()}_{name}": "on" for name in resource().get_export_order()}
    return client.post(admin_url(model, "export"), {"resource": "0", "format": file_format, **fields})


def _sheet_rows(response):
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_observations_export_to_xlsx(turnover, viewer, login):
    observation(turnover, 2022, value=Decimal("334000000"), qualifier="approx")

    response = _export(login(viewer), Observation, ObservationResource)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    header, row = _sheet_rows(response)
    assert header[:4] == ["indicator", "period", "value", "qualifier"]
    assert row[:4] == ["by-lip-turnover", "2022", 334000000, "approx"]


def test_initiatives_export_to_xlsx_with_status_and_health(initiative, viewer, login):
    response = _export(login(viewer), Initiative, InitiativeResource)

    header, row = _sheet_rows(response)
    exported = dict(zip(header, row, strict=True))
    assert exported["code"] == initiative.code
    assert (exported["area"], exported["owner"]) == (initiative.area.code, "owner")
    assert (exported["status"], exported["health"], exported["version"]) == ("proposed", "not_assessed", 1)


def test_initiative_import_cannot_change_status_health_or_version(initiative, admin_user, login):
    area, region = initiative.area, initiative.partner_region
    content = (
        "code,title,area,partner_region,owner,status,health,health_reason,version\n"
        f"{initiative.code},Renamed,{area.code},{region.code},owner,completed,off_track,bad,99\n"
        f"new-trams,New trams,{area.code},{region.code},,in_progress,at_risk,late,7\n"
    ).encode()

    _import(login(admin_user), Initiative, content)

    stored = Initiative.objects.get(pk=initiative.pk)
    assert (stored.title, stored.status, stored.health, stored.version) == (
        "Renamed",
        Status.PROPOSED,
        Health.NOT_ASSESSED,
        2,
    )
    created = Initiative.objects.get(code="new-trams")
    assert (created.status, created.health, created.health_reason, created.version) == (
        Status.PROPOSED,
        Health.NOT_ASSESSED,
        "",
        1,
    )


def test_initiative_import_reports_unknown_codes(initiative, admin_user, login):
    content = f"code,title,area,partner_region\n{initiative.code},Renamed,no-such-area,RU-LIP\n".encode()

    preview = _upload(login(admin_user), Initiative, content)

    [(_row, errors)] = _row_errors(preview)
    assert "no area with code" in str(errors["area"])
    assert Initiative.objects.get(pk=initiative.pk).title == initiative.title


def test_only_who_may_change_any_initiative_imports_initiatives(owner, analyst, login):
    for user in (owner, analyst):
        client = login(user)
        assert client.get(admin_url(Initiative, "import")).status_code == 403
        assert "import/" not in client.get(admin_url(Initiative, "changelist")).content.decode()
    assert login(analyst).get(admin_url(Observation, "import")).status_code == 200

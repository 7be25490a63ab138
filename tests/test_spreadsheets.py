"""CSV for people (tracker.data.spreadsheets): one formula guard in Python and in SQL, a byte-order mark on the
exports meant for spreadsheets (none on the API's machine CSV), and imports of files that Excel saved in a
decimal-comma locale (';' between fields, "1 234,5").
"""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db.models import CharField, Value
from django.urls import reverse

from tests import factories
from tests.admin.helpers import admin_url
from tests.clients import ApiClient
from tracker.admin.resources import ObservationResource
from tracker.data.spreadsheets import BOM, guarded, guarded_sql
from tracker.domain.choices import Frequency, Visibility
from tracker.models import ApiKey, Observation, Region

pytestmark = pytest.mark.django_db

# (cell, what a spreadsheet must be given): formulas guarded, numbers left numbers, other text as it was.
CELLS = [
    ("=1+1", "'=1+1"),
    ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("-", "'-"),
    ("- a note", "'- a note"),
    ("-inf", "'-inf"),
    ("+nan", "'+nan"),
    ("-1_000", "'-1_000"),
    ("-1,5", "'-1,5"),
    ("-1\n", "'-1\n"),
    ("-1", "-1"),
    ("+2", "+2"),
    ("-1.5", "-1.5"),
    ("-.5", "-.5"),
    ("-1e5", "-1e5"),
    ("+1E-5", "+1E-5"),
    ("-12.", "-12."),
    ("1+1", "1+1"),
    ("", ""),
    ("Поставки =1", "Поставки =1"),
    ("a note\t", "a note\t"),
]


@pytest.mark.parametrize(("cell", "expected"), CELLS, ids=[repr(cell) for cell, _ in CELLS])
def test_the_formula_guard_is_one_rule_in_python_and_in_sql(cell, expected):
    factories.RegionFactory()
    in_sql = (
        Region.objects.annotate(cell=Value(cell, output_field=CharField()))
        .annotate(safe=guarded_sql("cell"))
        .values_list("safe", flat=True)[0]
    )

    assert (guarded(cell), in_sql) == (expected, expected)


class ResourceFields:
    @staticmethod
    def observation():
        return ObservationResource().get_export_order()


# --- the byte-order mark ----------------------------------------------------------------------------------------


def _body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def cyrillic(owner):
    region = factories.RegionFactory(code="RU-LIP")
    initiative = factories.InitiativeFactory(
        code="tractors", title="Сборка тракторов", owner=owner, partner_region=region, visibility=Visibility.SHARED
    )
    indicator = factories.TradeIndicatorFactory(code="by-lip-turnover", partner=region, frequency=Frequency.YEAR)
    factories.ObservationFactory(indicator=indicator, period="2022", value=Decimal("1.50"), note="Оценка")
    return initiative, indicator


@pytest.mark.parametrize("page", ["initiatives", "indicator"])
def test_csv_exports_for_spreadsheets_start_with_a_byte_order_mark(cyrillic, viewer, client, page):
    client.force_login(viewer)
    url = reverse("initiative-list") if page == "initiatives" else reverse("indicator-detail", args=["by-lip-turnover"])

    body = _body(client.get(url + "?export=csv"))

    assert body.startswith(BOM.encode())
    assert ("Сборка тракторов" if page == "initiatives" else "Оценка") in body.decode("utf-8-sig")


def test_the_admin_csv_export_starts_with_a_byte_order_mark_and_guards_formulas(cyrillic, viewer, client):
    Observation.objects.update(note="=HYPERLINK(1)")
    fields = {f"observationresource_{name}": "on" for name in ObservationResource().get_export_order()}

    client.force_login(viewer)
    response = client.post(admin_url(Observation, "export"), {"resource": "0", "format": "0", **fields})

    body = _body(response)
    assert body.startswith(BOM.encode())
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert [(row["indicator"], row["value"], row["note"]) for row in rows] == [
        ("by-lip-turnover", "1.50", "'=HYPERLINK(1)")
    ]


def test_the_admin_xlsx_export_guards_formulas(cyrillic, viewer, client):
    Observation.objects.update(note="=HYPERLINK(1)")
    fields = {f"observationresource_{name}": "on" for name in ResourceFields.observation()}
    client.force_login(viewer)

    response = client.post(admin_url(Observation, "export"), {"resource": "0", "format": "1", **fields})

    sheet = openpyxl.load_workbook(io.BytesIO(_body(response))).active
    header, row = sheet.iter_rows()
    note = row[[cell.value for cell in header].index("note")]
    assert (note.value, note.data_type) == ("'=HYPERLINK(1)", "s")


def test_the_api_csv_is_for_machines_without_a_byte_order_mark(cyrillic):
    _key, token = ApiKey.issue("partner")
    client = ApiClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    body = _body(client.get("/api/v1/observations.csv?partner=RU-LIP"))

    assert body.startswith(b"indicator,period,value")


# --- files saved by Excel in a decimal-comma locale ---------------------------------------------------------------


@pytest.fixture
def quarterly(db):
    return factories.TradeIndicatorFactory(code="by-lip-exports", frequency=Frequency.QUARTER)


def _write(tmp_path, text):
    path = tmp_path / "figures.csv"
    path.write_text(text, encoding="utf-8-sig", newline="")
    return path


def test_the_import_command_reads_semicolons_and_decimal_commas(quarterly, tmp_path):
    path = _write(
        tmp_path,
        "indicator;period;value;qualifier;source;note\r\n"
        'by-lip-exports;2023-Q1;1 234,5;approx;;"оценка; по данным"\r\n'
        "by-lip-exports;2023-Q2;-7,25;;;\r\n"
        "by-lip-exports;2023-Q3;12;;;\r\n",
    )

    call_command("import_observations", str(path), "--no-progress", stdout=io.StringIO())

    assert dict(quarterly.observations.values_list("period", "value")) == {
        "2023-Q1": Decimal("1234.50"),
        "2023-Q2": Decimal("-7.25"),
        "2023-Q3": Decimal("12.00"),
    }
    assert quarterly.observations.get(period="2023-Q1").note == "оценка; по данным"


def test_a_comma_file_keeps_commas_out_of_numbers(quarterly, tmp_path):
    path = _write(tmp_path, 'indicator,period,value\r\nby-lip-exports,2023-Q1,"1,5"\r\n')

    with pytest.raises(CommandError, match="1 of 1 rows were refused"):
        call_command("import_observations", str(path), "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    assert not Observation.objects.exists()


def test_a_header_that_mixes_separators_is_refused_with_a_hint(quarterly, tmp_path):
    path = _write(tmp_path, "indicator;period;value,note\r\nby-lip-exports;2023-Q1;1,x\r\n")

    with pytest.raises(CommandError) as refused:
        call_command("import_observations", str(path), "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())

    assert "unknown columns: indicator;period;value" in str(refused.value)
    assert "this file seems to use ';' as separator" in str(refused.value)


def _admin_upload(client, content):
    upload = SimpleUploadedFile("figures.csv", content)
    return client.post(admin_url(Observation, "import"), {"resource": "0", "format": "0", "import_file": upload})


def test_the_admin_import_reads_semicolons_and_decimal_commas(quarterly, analyst, client):
    client.force_login(analyst)
    content = (BOM + "indicator;period;value;note\r\nby-lip-exports;2023-Q1;1 234,5;оценка\r\n").encode()

    preview = _admin_upload(client, content)
    assert "confirm_form" in preview.context, preview.content.decode()
    data = {name: str(value) for name, value in preview.context["confirm_form"].initial.items()}
    client.post(admin_url(Observation, "process_import"), data)

    assert list(quarterly.observations.values_list("period", "value", "note")) == [
        ("2023-Q1", Decimal("1234.50"), "оценка")
    ]


def test_the_admin_import_of_mixed_separators_gives_the_hint(quarterly, analyst, client):
    client.force_login(analyst)
    preview = _admin_upload(client, b"indicator;period;value,note\r\nby-lip-exports;2023-Q1;1,x\r\n")

    page = preview.content.decode()
    assert "confirm_form" not in preview.context
    assert "This file seems to use &#x27;;&#x27; as separator" in page or "This file seems to use ';'" in page
    assert not Observation.objects.exists()

"""A derived figure moves with its inputs, whichever door changed them (tracker.domain.derived): the API's bulk PUT, the
import command, the admin's change form and its CSV import. The recomputation is one new version, one history
row and one `observation.updated` event of the derived figure, in the same transaction as the change."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from tests import factories
from tests.admin.helpers import admin_url, form_data
from tests.api import user_client
from tracker.domain.choices import Frequency, Qualifier
from tracker.models import Event, Observation, TradeIndicator

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(db):
    """Exports 100 and turnover 300 in 2021 (exact), and imports derived as turnover − exports (200)."""
    series = {
        name: factories.TradeIndicatorFactory(code=f"by-lip-{name}", frequency=Frequency.YEAR)
        for name in ("exports", "turnover", "imports", "balance")
    }
    for name, value in (("exports", "100"), ("turnover", "300")):
        Observation.objects.create(indicator=series[name], period="2021", value=Decimal(value))
    for name, value, formula in (
        ("imports", "200", "[by-lip-turnover@2021] - [by-lip-exports@2021]"),
        ("balance", "-100", "[by-lip-exports@2021] - [by-lip-imports@2021]"),
    ):
        Observation.objects.create(
            indicator=series[name], period="2021", value=Decimal(value), is_derived=True, formula=formula
        )
    Event.objects.all().delete()
    return series


def derived():
    imports = Observation.objects.get(indicator__code="by-lip-imports")
    balance = Observation.objects.get(indicator__code="by-lip-balance")
    return (imports.value, imports.qualifier, imports.version), (balance.value, balance.version)


def assert_followed():
    """Exports became 150 ≈: imports 150 ≈, balance 0 ≈, each once, each with a history row and an event."""
    assert derived() == ((Decimal("150.00"), Qualifier.APPROXIMATELY, 2), (Decimal("0.00"), 2))
    for code in ("by-lip-imports", "by-lip-balance"):
        observation = Observation.objects.get(indicator__code=code)
        assert observation.history.count() == 2
        assert Event.objects.filter(object_type="observation", object_id=observation.pk, action="updated").count() == 1


def test_through_the_api_bulk_put(figures, admin_user):
    response = user_client(admin_user).put(
        "/api/v1/indicators/by-lip-exports/observations/",
        [{"period": "2021", "value": "150", "qualifier": "approx"}],
        format="json",
    )

    assert response.status_code == 200, response.content
    assert_followed()


def test_through_the_import_command(figures, tmp_path):
    path = tmp_path / "figures.csv"
    path.write_text("indicator,period,value,qualifier\nby-lip-exports,2021,150,approx\n", encoding="utf-8")

    call_command("import_observations", str(path), "--no-progress", stdout=io.StringIO())

    assert_followed()


def test_through_the_admin_change_form(figures, analyst, client):
    client.force_login(analyst)
    exports = TradeIndicator.objects.get(code="by-lip-exports")
    url = admin_url(TradeIndicator, "change", exports.pk)
    data = form_data(client.get(url)) | {"observations-0-value": "150", "observations-0-qualifier": "approx"}

    assert client.post(url, data).status_code == 302
    assert_followed()


def test_through_the_admin_csv_import(figures, analyst, client):
    client.force_login(analyst)
    upload = SimpleUploadedFile("figures.csv", b"indicator,period,value,qualifier\nby-lip-exports,2021,150,approx\n")
    preview = client.post(admin_url(Observation, "import"), {"resource": "0", "format": "0", "import_file": upload})
    confirm = {name: str(value) for name, value in preview.context["confirm_form"].initial.items()}

    client.post(admin_url(Observation, "process_import"), confirm)

    assert_followed()


def test_an_unchanged_input_leaves_the_derived_figures_alone(figures, admin_user):
    user_client(admin_user).put(
        "/api/v1/indicators/by-lip-exports/observations/", [{"period": "2021", "value": "100"}], format="json"
    )

    assert derived() == ((Decimal("200.00"), Qualifier.EXACT, 1), (Decimal("-100.00"), 1))


def test_the_admin_cannot_overwrite_a_derived_value(figures, analyst, client):
    """Before the records door, the admin's change form saved any value typed over a derived figure."""
    client.force_login(analyst)
    imports = Observation.objects.get(indicator__code="by-lip-imports")
    url = admin_url(Observation, "change", imports.pk)

    response = client.post(url, form_data(client.get(url)) | {"value": "999"})

    assert response.status_code == 200
    assert "derived by the formula" in response.content.decode()
    assert derived() == ((Decimal("200.00"), Qualifier.EXACT, 1), (Decimal("-100.00"), 1))
    assert not Event.objects.exists()


def test_a_derived_figure_defined_in_the_admin_takes_its_value_from_its_formula(figures, analyst, client):
    client.force_login(analyst)
    url = admin_url(Observation, "add")
    data = form_data(client.get(url)) | {
        "indicator": TradeIndicator.objects.get(code="by-lip-balance").pk,
        "period": "2022",
        "value": "1",
        "is_derived": "on",
        "formula": "[by-lip-turnover@2021] * 2",
    }

    assert client.post(url, data).status_code == 302
    assert Observation.objects.get(indicator__code="by-lip-balance", period="2022").value == Decimal("600.00")


def test_only_formulas_naming_the_changed_indicator_follow_it(figures, tmp_path):
    """A code that begins another code (by-lip-export, by-lip-exports) is not a mention of it: the import of many
    indicators at once matches formulas by the exact code."""
    prefix = factories.TradeIndicatorFactory(code="by-lip-export", frequency=Frequency.YEAR)
    unrelated = factories.TradeIndicatorFactory(code="by-lip-other", frequency=Frequency.YEAR)
    path = tmp_path / "figures.csv"
    path.write_text(
        "indicator,period,value\n" + "".join(f"{indicator.code},2021,150\n" for indicator in (prefix, unrelated)),
        encoding="utf-8",
    )

    call_command("import_observations", str(path), "--no-progress", stdout=io.StringIO())

    assert derived() == ((Decimal("200.00"), Qualifier.EXACT, 1), (Decimal("-100.00"), 1))
    assert not Event.objects.filter(object_type="observation", action="updated").exists()

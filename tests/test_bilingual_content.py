"""Texts people read are kept in Russian and English (#16). Before, a Russian reader saw English titles,
summaries, milestones, indicator names and meetings, and searching "трактор" found nothing."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from tests import factories
from tests.admin.helpers import admin_url
from tracker.data.seeds import load_seeds
from tracker.domain import languages, workflow
from tracker.domain.choices import Health
from tracker.models import Initiative, Meeting, Milestone, Organisation, TradeIndicator

pytestmark = pytest.mark.django_db

SEEDS = Path(settings.BASE_DIR) / "seeds"


@pytest.fixture
def seeded(db):
    return load_seeds(SEEDS)


def _texts_of(model):
    for obj in model.objects.all():
        for field in languages.translated_fields(model):
            yield obj, field, languages.translations(obj, field)


def test_every_seeded_text_is_in_russian_and_english(seeded):
    missing = [
        f"{type(obj).__name__} {obj.pk} {field}: {sorted(texts)}"
        for model in (Initiative, Milestone, Meeting, Organisation, TradeIndicator)
        for obj, field, texts in _texts_of(model)
        if texts and set(texts) != {"ru", "en"}
    ]
    assert missing == []


def test_the_seeded_tractor_plant_reads_in_the_readers_language(seeded, client, admin_user):
    client.force_login(admin_user)
    url = reverse("initiative-detail", args=["lipetsk-vehicle-assembly"])

    russian = client.get(url, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Липецком тракторном заводе" in russian and "Lipetsk tractor plant" not in russian
    assert "Lipetsk tractor plant" in english and "тракторном" not in english


def test_a_text_missing_in_the_readers_language_shows_the_other_marked_with_its_language(client, admin_user):
    initiative = factories.InitiativeFactory(title="Only in English")
    client.force_login(admin_user)

    page = client.get(reverse("initiative-detail", args=[initiative.code]), HTTP_ACCEPT_LANGUAGE="ru").content.decode()

    assert '<span lang="en" class="untranslated"' in page
    assert "Only in English</span>" in page


def test_a_text_in_the_readers_language_is_not_marked(client, admin_user):
    initiative = factories.InitiativeFactory(title="In English")
    initiative.title_ru = "По-русски"
    initiative.save()
    client.force_login(admin_user)

    page = client.get(reverse("initiative-detail", args=[initiative.code]), HTTP_ACCEPT_LANGUAGE="ru").content.decode()

    assert "<h1>По-русски</h1>" in page and 'class="untranslated"' not in page


def test_a_title_is_required_in_one_language_not_in_a_given_one():
    initiative = factories.InitiativeFactory.build(title="x")
    initiative.title_en = initiative.title_ru = None
    with pytest.raises(ValidationError) as refused:
        initiative.clean()
    assert refused.value.message_dict == {"title": ["Give the title in at least one language."]}

    initiative.title_en = "English only"
    initiative.clean()  # one language is enough


def test_a_new_health_reason_replaces_the_reason_in_every_language(initiative, owner):
    workflow.change_health(initiative, Health.AT_RISK, reason="An old reason, in English", by=owner)
    with translation.override("ru"):
        workflow.change_health(initiative, Health.OFF_TRACK, reason="Сроки сорваны", by=owner)

    initiative.refresh_from_db()
    assert (initiative.health_reason_ru, initiative.health_reason_en) == ("Сроки сорваны", None)
    with translation.override("en"):
        assert initiative.health_reason == "Сроки сорваны"  # the reason there is, not a stale one


def test_the_admin_edits_both_languages_side_by_side(client, admin_user, initiative):
    client.force_login(admin_user)

    page = client.get(admin_url(Initiative, "change", initiative.pk), HTTP_ACCEPT_LANGUAGE="ru").content.decode()

    assert 'name="title_ru"' in page and 'name="title_en"' in page and 'name="title"' not in page


def test_the_admin_filters_the_rows_missing_russian(client, admin_user):
    factories.InitiativeFactory(code="english-only", title="English only")
    both = factories.InitiativeFactory(code="both-languages", title="Both")
    both.title_ru = "Оба"
    both.save()
    client.force_login(admin_user)

    page = client.get(admin_url(Initiative, "changelist"), {"missing_text": "ru"}).content.decode()

    assert "english-only" in page and "both-languages" not in page


def test_the_seeds_load_twice_without_changing_anything(seeded):
    again = load_seeds(SEEDS)
    assert (again.total("created"), again.total("updated")) == (0, 0)


def test_a_text_written_without_naming_its_language_goes_to_the_active_one():
    with translation.override("ru"):
        organisation = factories.OrganisationFactory(name="Минпром")
    assert (organisation.name_ru, organisation.name_en) == ("Минпром", None)

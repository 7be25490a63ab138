"""Searching initiatives in Russian and English, with morphology and typos (#16). Before, "трактор" found
nothing while "tractor" found the tractor-plant initiative. The pages, the admin and the API use one search."""

from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from tests.admin.helpers import admin_url
from tests.api import user_client
from tracker.data.seeds import load_seeds
from tracker.domain import text_search
from tracker.models import Initiative

pytestmark = pytest.mark.django_db

TRACTOR_PLANT = "lipetsk-vehicle-assembly"
WORDS = ["трактор", "тракторный", "Тракторном", "tractors", "lipetsk-vehicle", "трактр", "сборка автомобилей"]


@pytest.fixture(autouse=True)
def seeded(db):
    load_seeds(Path(settings.BASE_DIR) / "seeds")


def _found(words):
    return list(text_search.initiatives(Initiative.objects.all(), words).order_by(text_search.rank(), "code"))


@pytest.mark.parametrize("words", WORDS)
def test_the_tractor_plant_is_found_first_in_either_language(words):
    found = _found(words)
    assert found and found[0].code == TRACTOR_PLANT


@pytest.mark.parametrize("words", ["трамваи", "trams", "НЛМК", "nlmk", "сталь"])
def test_other_initiatives_are_found_by_their_own_words(words):
    assert TRACTOR_PLANT not in [initiative.code for initiative in _found(words)]
    assert _found(words)


def test_words_that_are_nowhere_find_nothing():
    assert _found("подводная лодка") == []


def test_the_search_reads_the_text_index_not_every_row():
    query = text_search.initiatives(Initiative.objects.all(), "трактор").order_by().values("id")
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # eight rows: the planner would rather read them all
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "initiative_text_search" in plan and "initiative_title_ru_trigram" in plan


@pytest.mark.parametrize("words", ["трактор", "tractors"])
def test_the_pages_the_admin_and_the_api_find_the_same(words, admin_user, client):
    client.force_login(admin_user)
    page = client.get(reverse("initiative-list"), {"q": words}, HTTP_ACCEPT_LANGUAGE="ru")
    admin = client.get(admin_url(Initiative, "changelist"), {"q": words})
    api = user_client(admin_user).get("/api/v1/initiatives/", {"q": words})

    assert [row.code for row in page.context["page"]] == [TRACTOR_PLANT]
    assert [row.code for row in admin.context["cl"].result_list] == [TRACTOR_PLANT]
    assert [row["code"] for row in api.json()["results"]] == [TRACTOR_PLANT]

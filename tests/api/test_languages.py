"""The API reads and writes texts in Russian and English (#16): a response is in the language asked for
(`?lang=`, else Accept-Language) and says which in Content-Language; `translations` carries every language's text;
a body's texts are in its Content-Language, or set per language in `translations`."""

import pytest

from tests import factories
from tests.api import if_match
from tracker.models import Initiative

pytestmark = pytest.mark.django_db

URL = "/api/v1/initiatives/shared-one/"


@pytest.fixture
def bilingual(shared_initiative):
    shared_initiative.title_en, shared_initiative.title_ru = "Trams for Lipetsk", "Трамваи для Липецка"
    shared_initiative.save()
    return shared_initiative


@pytest.mark.parametrize(
    ("headers", "query", "title", "language"),
    [
        ({"HTTP_ACCEPT_LANGUAGE": "ru"}, "", "Трамваи для Липецка", "ru"),
        ({"HTTP_ACCEPT_LANGUAGE": "en"}, "", "Trams for Lipetsk", "en"),
        ({"HTTP_ACCEPT_LANGUAGE": "ru"}, "?lang=en", "Trams for Lipetsk", "en"),
        ({}, "?lang=ru", "Трамваи для Липецка", "ru"),
    ],
    ids=["accept-ru", "accept-en", "lang-beats-accept", "lang-alone"],
)
def test_a_response_is_in_the_language_asked_for_and_says_so(bilingual, read_client, headers, query, title, language):
    response = read_client.get(URL + query, **headers)

    assert response.status_code == 200
    assert (response.json()["title"], response["Content-Language"]) == (title, language)
    assert response.json()["translations"]["title"] == {"ru": "Трамваи для Липецка", "en": "Trams for Lipetsk"}


def test_the_list_is_in_the_language_asked_for_too(bilingual, read_client):
    rows = read_client.get("/api/v1/initiatives/?lang=ru").json()["results"]

    assert [row["title"] for row in rows] == ["Трамваи для Липецка"]
    assert rows[0]["translations"]["title"] == {"ru": "Трамваи для Липецка", "en": "Trams for Lipetsk"}


def test_a_missing_translation_reads_as_the_other_language_and_null_in_translations(shared_initiative, read_client):
    body = read_client.get(URL, HTTP_ACCEPT_LANGUAGE="ru").json()

    assert body["title"] == shared_initiative.title_en
    assert body["translations"]["title"] == {"ru": None, "en": shared_initiative.title_en}


def test_a_language_the_service_does_not_have_is_refused_naming_the_parameter(shared_initiative, read_client):
    response = read_client.get(URL + "?lang=de")

    assert response.status_code == 400
    assert "lang" in response.json()["errors"]


def test_a_title_is_written_in_the_bodys_content_language(bilingual, write_client):
    response = write_client.patch(
        URL, {"title": "Новые трамваи"}, format="json", HTTP_CONTENT_LANGUAGE="ru", **if_match(bilingual.version)
    )

    assert response.status_code == 200, response.content
    stored = Initiative.objects.get(pk=bilingual.pk)
    assert (stored.title_ru, stored.title_en) == ("Новые трамваи", "Trams for Lipetsk")


def test_translations_set_each_language_given_and_leave_the_others(bilingual, write_client):
    response = write_client.patch(
        URL, {"translations": {"title": {"en": "New trams"}}}, format="json", **if_match(bilingual.version)
    )

    assert response.status_code == 200, response.content
    stored = Initiative.objects.get(pk=bilingual.pk)
    assert (stored.title_ru, stored.title_en) == ("Трамваи для Липецка", "New trams")


def test_a_new_initiative_may_be_written_in_russian_only(partner_region, superuser_client):
    area = factories.AreaFactory(code="trade")
    body = {
        "code": "russian-only",
        "translations": {"title": {"ru": "Только по-русски"}},
        "area": area.code,
        "partner_region": partner_region.code,
    }

    response = superuser_client.post("/api/v1/initiatives/", body, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["translations"]["title"] == {"ru": "Только по-русски", "en": None}


@pytest.mark.parametrize(
    ("translations", "where"),
    [
        ({"title": {"ru": "т" * 201}}, ("title", "ru")),
        ({"title": {"en": "bad\x00text"}}, ("title", "en")),
        ({"title": {"de": "Straßenbahnen"}}, ("title", "de")),
        ({"title": {"ru": 5}}, ("title", "ru")),
        ({"health_reason": {"ru": "Сам решил"}}, ("health_reason",)),
        ({"title": "Trams"}, ("title",)),
    ],
    ids=["too-long", "nul", "unknown-language", "not-text", "read-only-field", "not-an-object"],
)
def test_bad_translations_are_refused_naming_the_field_and_language(bilingual, write_client, translations, where):
    response = write_client.patch(URL, {"translations": translations}, format="json", **if_match(bilingual.version))

    assert response.status_code == 400, response.content
    errors = response.json()["errors"]["translations"]
    for key in where:
        errors = errors[key]
    assert errors
    assert Initiative.objects.get(pk=bilingual.pk).version == bilingual.version


def test_a_body_language_the_service_does_not_keep_is_refused(bilingual, write_client):
    response = write_client.patch(
        URL, {"title": "Straßenbahnen"}, format="json", HTTP_CONTENT_LANGUAGE="de", **if_match(bilingual.version)
    )

    assert response.status_code == 400
    assert "Content-Language" in response.json()["errors"]
    assert Initiative.objects.get(pk=bilingual.pk).version == bilingual.version


def test_a_code_in_mixed_scripts_is_refused_naming_the_code(partner_region, superuser_client):
    body = {"code": "lipetsk-трактор", "title": "Mixed", "area": factories.AreaFactory().code}
    response = superuser_client.post(
        "/api/v1/initiatives/", {**body, "partner_region": partner_region.code}, format="json"
    )

    assert response.status_code == 400
    assert "code" in response.json()["errors"]


@pytest.mark.parametrize("translations", [[None, None], "title", 5], ids=["list", "text", "number"])
def test_translations_that_are_no_object_are_refused_saying_what_to_send(bilingual, write_client, translations):
    response = write_client.patch(URL, {"translations": translations}, format="json", **if_match(bilingual.version))

    assert response.status_code == 400
    assert response.json()["errors"]["translations"] == [
        'Give an object of texts by field and language, e.g. {"title": {"ru": "…", "en": "…"}}.'
    ]

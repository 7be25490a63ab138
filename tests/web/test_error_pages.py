"""Friendly refusals (#18): a blocked change answers a page that says why, who owns the initiative and whom to ask,
and an unknown address a page with search, in English and Russian. Before, a bare "403 Forbidden" with no text."""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "heading", "owner_named"),
    [("en", "You may not do this", "Only the owner of"), ("ru", "Вам это недоступно", "Изменять")],
)
def test_a_blocked_change_says_why_and_whom_to_ask(client, other_coordinator, language, heading, owner_named):
    owner = factories.coordinator("anna", first_name="Anna", last_name="Ivanova")
    initiative = factories.InitiativeFactory(owner=owner, title="Trams for Lipetsk")
    client.force_login(other_coordinator)

    response = client.post(
        reverse("initiative-status", args=[initiative.code]),
        {"to": "under_study", "health": "not_assessed", "version": initiative.version},
        HTTP_ACCEPT_LANGUAGE=language,
    )

    page = response.content.decode()
    assert response.status_code == 403 and response["Content-Type"].startswith("text/html")
    assert heading in page and owner_named in page and "Anna Ivanova" in page
    assert '<nav aria-label="' in page  # the site's own page, with its menu, not a bare status line


@pytest.mark.parametrize(("language", "heading"), [("en", "Page not found"), ("ru", "Страница не найдена")])
def test_an_unknown_address_offers_search(client, viewer, language, heading):
    client.force_login(viewer)

    response = client.get("/initiatives/no-such-thing/", HTTP_ACCEPT_LANGUAGE=language)

    page = response.content.decode()
    assert response.status_code == 404 and heading in page
    assert f'action="{reverse("initiative-list")}"' in page and 'name="q"' in page

"""Which language a page is in (#16): the signed-in user's own preference, else the browser's, else the
installation's default, which is Russian unless LANGUAGE_CODE says otherwise."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from tests import factories
from tracker.models import NotificationPreference

pytestmark = pytest.mark.django_db


def _language(response):
    return response["Content-Language"]


def test_a_new_installation_speaks_russian(monkeypatch):
    import importlib

    import config.settings

    monkeypatch.delenv("LANGUAGE_CODE", raising=False)
    try:
        assert importlib.reload(config.settings).LANGUAGE_CODE == "ru"
        monkeypatch.setenv("LANGUAGE_CODE", "en")
        assert importlib.reload(config.settings).LANGUAGE_CODE == "en"
        monkeypatch.setenv("LANGUAGE_CODE", "de")
        with pytest.raises(ImproperlyConfigured, match=r"LANGUAGE_CODE=.de."):
            importlib.reload(config.settings)
    finally:
        monkeypatch.setenv("LANGUAGE_CODE", "en")
        importlib.reload(config.settings)


def test_a_browser_asking_for_nothing_we_have_gets_the_default(client, settings):
    settings.LANGUAGE_CODE = "ru"
    assert _language(client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="de")) == "ru"
    assert _language(client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en")) == "en"


def test_the_users_preference_wins_over_the_browser(client):
    user = factories.coordinator()
    NotificationPreference.objects.create(user=user, language="ru")
    client.force_login(user)

    assert _language(client.get(reverse("initiative-list"), HTTP_ACCEPT_LANGUAGE="en")) == "ru"


def test_without_a_preference_the_browser_decides(client):
    client.force_login(factories.coordinator())

    assert _language(client.get(reverse("initiative-list"), HTTP_ACCEPT_LANGUAGE="ru")) == "ru"
    assert _language(client.get(reverse("initiative-list"), HTTP_ACCEPT_LANGUAGE="en")) == "en"


def test_choosing_a_language_while_signed_in_saves_it_as_the_preference(client):
    user = factories.coordinator()
    client.force_login(user)

    client.post(reverse("set_language"), {"language": "ru", "next": "/"})

    assert NotificationPreference.objects.get(user=user).language == "ru"
    assert _language(client.get(reverse("initiative-list"), HTTP_ACCEPT_LANGUAGE="en")) == "ru"


def test_another_interface_language_reads_content_in_russian_first(client, settings):
    """Adding Belarusian to the interface is one catalogue and one LANGUAGES entry: content, kept in Russian and
    English, reads in Russian there, the language Belarusian readers share with the Russian side."""
    settings.LANGUAGES = [*settings.LANGUAGES, ("be", "Беларуская")]
    initiative = factories.InitiativeFactory(title="Trams for Lipetsk")
    initiative.title_ru = "Трамваи для Липецка"
    initiative.save()
    client.force_login(factories.superuser())

    page = client.get(reverse("initiative-detail", args=[initiative.code]), HTTP_ACCEPT_LANGUAGE="be")

    assert page["Content-Language"] == "be"
    assert "<h1>Трамваи для Липецка</h1>" in page.content.decode()


def test_a_preference_saved_in_the_admin_applies_at_once(client):
    user = factories.coordinator()
    client.force_login(user)
    preference = NotificationPreference.objects.create(user=user)
    url = reverse("admin:tracker_notificationpreference_change", args=[preference.pk])
    data = {"user": user.pk, "transitions": "on", "health": "on", "digest": "on", "language": "ru"}

    assert client.post(url, data, HTTP_ACCEPT_LANGUAGE="en").status_code == 302

    assert _language(client.get(reverse("initiative-list"), HTTP_ACCEPT_LANGUAGE="en")) == "ru"

"""An organisation is named in the reader's language. Before, its English short name came first whatever the
language, so a Russian table read "Правительство Республики Беларусь" next to "Minprom"."""

import pytest
from django.utils import translation

from tests import factories
from tests.admin.helpers import admin_url
from tracker.models import Milestone

pytestmark = pytest.mark.django_db


def test_an_organisation_is_named_in_the_active_language():
    named = factories.OrganisationFactory(
        name="Ministry of Industry of the Republic of Belarus",
        name_ru="Министерство промышленности Республики Беларусь",
        short_name="Minprom",
    )
    english_only = factories.OrganisationFactory(name="Lipetsk tractor plant", short_name="LTP")

    with translation.override("ru"):
        assert (str(named), str(english_only)) == ("Министерство промышленности Республики Беларусь", "LTP")
    with translation.override("en"):
        assert (str(named), str(english_only)) == ("Minprom", "LTP")


def test_the_russian_admin_lists_organisations_in_russian(admin_user, client):
    organisation = factories.OrganisationFactory(
        name="Ministry of Industry of the Republic of Belarus",
        name_ru="Министерство промышленности Республики Беларусь",
        short_name="Minprom",
    )
    factories.MilestoneFactory(responsible_organisation=organisation)
    client.force_login(admin_user)

    page = client.get(admin_url(Milestone, "changelist"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()

    assert "Министерство промышленности Республики Беларусь" in page and "Minprom" not in page

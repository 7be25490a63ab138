"""The IATI activity status beside the status wherever people see it (#18); before, only the API carried it."""

import pytest
from django.urls import reverse

from tests import factories
from tracker.domain.choices import Status
from tracker.models import Initiative

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "shown"), [("en", "IATI: Implementation"), ("ru", "IATI: Реализация")])
def test_the_iati_status_is_shown_beside_the_status(client, viewer, owner, language, shown):
    initiative = factories.InitiativeFactory(owner=owner)
    Initiative.objects.filter(pk=initiative.pk).update(status=Status.IN_PROGRESS)  # as if moved along earlier
    client.force_login(viewer)

    for url in (reverse("initiative-detail", args=[initiative.code]), reverse("initiative-list")):
        assert shown in client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode(), url

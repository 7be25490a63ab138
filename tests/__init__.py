"""The test suite. Helpers shared across test packages live here; fixtures in conftest.py."""

import pytest
from django.apps import apps


def committed_data():
    """Transactional tests (the data committed, as other connections and processes must see it) that leave the
    database empty afterwards, as the serialized-rollback tests do, instead of re-creating content types and
    permissions under new ids: a serialized-rollback test running next (tests/api) reloads them under their
    original ids and would collide. (Listing every app as available is what skips the re-creation.)"""
    return pytest.mark.django_db(transaction=True, available_apps=[app.name for app in apps.get_app_configs()])

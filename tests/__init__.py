"""The test suite. Helpers shared across test packages live here; fixtures in conftest.py."""

import pytest


def committed_data():
    """Transactional tests: the data committed, as other connections and processes must see it. The database is
    flushed afterwards and migrate's post_migrate work (content types, permissions, the role groups:
    tracker.apps) runs again, so the next test, whatever it is, finds what a fresh test database holds. (No test
    uses serialized rollback: reloading saved rows after a flush that re-created them collided on their ids.)"""
    return pytest.mark.django_db(transaction=True)

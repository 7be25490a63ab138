import pytest


@pytest.fixture
def login(client):
    """Log `client` in as a user and return it: `login(owner).get(url)`."""

    def log_in(user):
        client.force_login(user)
        return client

    return log_in

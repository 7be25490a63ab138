"""Guessing passwords is cut short (django-axes), on the pages' login and the admin's; sessions end after a day.

After AXES_FAILURE_LIMIT (5) wrong passwords for one username from one address, that username is refused from that
address, even with the right password, for AXES_COOLOFF_TIME (15 minutes): 429, the lockout page, Retry-After.
"""

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse

from tests import factories
from tracker.web.lockout import client_ip

PASSWORD = "correct-horse-battery"  # what tests.factories.UserFactory gives everyone
LOGINS = {"pages": "login", "admin": "admin:login"}


def log_in(client, url, username, password, **extra):
    return client.post(url, {"username": username, "password": password}, **extra)


def fail(client, url, username, times, **extra):
    return [log_in(client, url, username, "wrong-password", **extra) for _ in range(times)][-1]


def assert_locked_out(response):
    assert response.status_code == 429
    assert "registration/lockout.html" in [template.name for template in response.templates]
    assert response["Retry-After"] == str(15 * 60)
    assert "_auth_user_id" not in response.wsgi_request.session


@pytest.fixture
def staff(db):
    """Someone who may use both logins."""
    return factories.superuser("chief")


@pytest.mark.parametrize("login", LOGINS)
def test_five_wrong_passwords_lock_the_username_out_even_with_the_right_one(client, staff, login):
    url = reverse(LOGINS[login])

    assert fail(client, url, "chief", 4).status_code == 200  # the form again, with its error
    assert_locked_out(fail(client, url, "chief", 1))

    response = log_in(client, url, "chief", PASSWORD)

    assert_locked_out(response)
    assert "Too many failed logins" in response.content.decode()


@pytest.mark.parametrize("login", LOGINS)
def test_fewer_wrong_passwords_than_the_limit_do_not_stop_the_right_one(client, staff, login):
    url = reverse(LOGINS[login])
    fail(client, url, "chief", 4)

    response = log_in(client, url, "chief", PASSWORD)

    assert response.status_code == 302
    assert response.wsgi_request.user.username == "chief"


def test_a_successful_login_forgets_the_earlier_failures(client, staff):
    url = reverse("login")
    fail(client, url, "chief", 4)
    log_in(client, url, "chief", PASSWORD)
    client.logout()

    assert fail(client, url, "chief", 4).status_code == 200


def test_one_locked_out_username_does_not_lock_out_another(client, staff):
    factories.viewer("clerk")
    url = reverse("login")
    fail(client, url, "chief", 5)

    response = log_in(client, url, "clerk", PASSWORD)

    assert response.status_code == 302
    assert response.wsgi_request.user.username == "clerk"


def test_a_username_locked_out_at_one_address_can_still_log_in_from_another(client, staff):
    url = reverse("login")
    fail(client, url, "chief", 5, REMOTE_ADDR="203.0.113.7")

    assert_locked_out(log_in(client, url, "chief", PASSWORD, REMOTE_ADDR="203.0.113.7"))
    assert log_in(client, url, "chief", PASSWORD, REMOTE_ADDR="198.51.100.20").status_code == 302


def test_the_lockout_page_speaks_the_users_language(client, staff):
    url = reverse("login")
    fail(client, url, "chief", 5)

    response = log_in(client, url, "chief", PASSWORD, headers={"Accept-Language": "ru"})

    assert response.status_code == 429
    assert "Слишком много неудачных попыток входа" in response.content.decode()


def test_without_a_trusted_proxy_the_address_is_the_connections(settings):
    settings.TRUST_X_FORWARDED_FOR = False
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")

    assert client_ip(request) == "127.0.0.1"


def test_behind_a_trusted_proxy_the_address_is_the_one_the_proxy_saw(settings):
    settings.TRUST_X_FORWARDED_FOR = True
    # The client sent "10.0.0.1" itself; nginx appended the address it accepted the connection from.
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.0.0.1, 203.0.113.7")

    assert client_ip(request) == "203.0.113.7"


def test_behind_a_trusted_proxy_a_forged_forwarded_address_does_not_escape_a_lockout(client, staff, settings):
    settings.TRUST_X_FORWARDED_FOR = True
    url = reverse("login")
    fail(client, url, "chief", 5, headers={"X-Forwarded-For": "203.0.113.7"})

    response = log_in(client, url, "chief", PASSWORD, headers={"X-Forwarded-For": "10.9.8.7, 203.0.113.7"})

    assert_locked_out(response)


def test_the_session_cookie_lasts_a_working_day_and_scripts_cannot_read_it(client, staff):
    response = log_in(client, reverse("login"), "chief", PASSWORD)

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert cookie["max-age"] == 8 * 60 * 60
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert client.session.get_expiry_age() <= 8 * 60 * 60


def test_passwords_are_checked_for_length_similarity_commonness_and_digits_only():
    validators = {validator["NAME"].rsplit(".", 1)[-1] for validator in settings.AUTH_PASSWORD_VALIDATORS}
    assert validators == {
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    }


def test_axes_checks_every_login_before_the_password():
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert "axes.middleware.AxesMiddleware" in settings.MIDDLEWARE

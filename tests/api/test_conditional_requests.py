"""Conditional requests as RFC 9110 §13.1 gives them, as a table: If-Match on a write (PATCH, DELETE, a transition)
compares strongly and accepts "*" and lists; 428 only when the header is absent, 400 when it is not an entity-tag
list, 412 when it names no current version; If-None-Match on a GET compares weakly and "*" means "any"."""

import pytest

from tests.api import assert_problem

pytestmark = pytest.mark.django_db

URL = "/api/v1/initiatives/shared-one/"

# (If-Match as sent, status of a PATCH of a record at version 1)
IF_MATCH = [
    (None, 428),
    ('"1"', 200),
    ("*", 200),
    ('"7", "1"', 200),
    ('"1","2"', 200),
    ('W/"1"', 412),  # a weak tag never matches under the strong comparison
    ('"2"', 412),
    ('"2", W/"1"', 412),
    ('"abc"', 412),
    ("1", 400),  # not quoted: not an entity tag
    ('"1", ', 400),
    ('"1" junk', 400),
    ("", 400),
]


@pytest.mark.parametrize(("header", "expected"), IF_MATCH)
def test_if_match_on_an_update(header, expected, superuser_client, shared_initiative):
    headers = {} if header is None else {"HTTP_IF_MATCH": header}

    response = superuser_client.patch(URL, {"title": "Renamed"}, format="json", **headers)

    assert response.status_code == expected, response.content
    shared_initiative.refresh_from_db()
    assert (shared_initiative.version == 2) is (expected == 200)
    if expected == 412:
        assert "saved version" in assert_problem(response, 412)["detail"] or "version 1" in response.json()["detail"]


@pytest.mark.parametrize(("header", "expected"), [("*", 204), ('"3", "1"', 204), ('W/"1"', 412), ('"2"', 412)])
def test_if_match_on_a_delete(header, expected, superuser_client, shared_initiative):
    assert superuser_client.delete(URL, HTTP_IF_MATCH=header).status_code == expected


@pytest.mark.parametrize(("header", "expected"), [(None, 201), ("*", 201), ('"1"', 201), ('"2"', 412), ("1", 400)])
def test_if_match_on_a_transition(header, expected, superuser_client, shared_initiative):
    headers = {} if header is None else {"HTTP_IF_MATCH": header}
    response = superuser_client.post(f"{URL}transitions/", {"to": "under_study"}, format="json", **headers)
    assert response.status_code == expected, response.content


# (If-None-Match as sent, status of a GET of a record at version 1)
IF_NONE_MATCH = [('"1"', 304), ('W/"1"', 304), ("*", 304), ('"5", "1"', 304), ('"2"', 200), ("1", 200), ("", 200)]


@pytest.mark.parametrize(("header", "expected"), IF_NONE_MATCH)
def test_if_none_match_on_a_read(header, expected, superuser_client, shared_initiative):
    response = superuser_client.get(URL, HTTP_IF_NONE_MATCH=header)

    assert response.status_code == expected
    assert response["ETag"] == '"1"'
    assert (response.content == b"") is (expected == 304)

"""The request id: the caller's X-Request-ID when it is a sane token, a new one otherwise, returned on every
response and stored with every change it causes (change-log rows, events, journal entries); and the log lines
that carry it, JSON in production."""

import datetime
import json
import logging
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

from tests import factories
from tests.api import key_client, user_client
from tracker.domain.choices import Visibility
from tracker.models import ApiKey, Event, Initiative, StatusUpdate
from tracker.ops.logging import JsonFormatter

GENERATED = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def shared_initiative(owner):
    region = factories.RegionFactory(code="RU-LIP", name="Lipetsk Oblast")
    return factories.InitiativeFactory(
        code="shared-one", owner=owner, partner_region=region, visibility=Visibility.SHARED
    )


@pytest.fixture
def partner(db):
    """A partner system's write key, and a client that sends it."""
    _key, token = ApiKey.issue("lipetsk-tracker", can_write=True)
    return key_client(token)


def stored_ids(initiative, action):
    """The request ids of the latest change-log row, `action` event and journal entry of `initiative`."""
    history = Initiative.history.filter(id=initiative.pk).latest("history_id")
    event = Event.objects.filter(object_type="initiative", object_id=initiative.pk, action=action).latest("id")
    journal = StatusUpdate.objects.filter(initiative=initiative).first()
    return history.history_request_id, event.request_id, journal.request_id if journal else None


@pytest.mark.parametrize("offered", ["lb-7f3a.9_Z", "A" * 64, "0"])
def test_a_sane_request_id_is_echoed(client, offered):
    assert client.get("/healthz", headers={"X-Request-ID": offered})["X-Request-ID"] == offered


@pytest.mark.parametrize("offered", ["", "a b", "x" * 65, "ünicode", "<script>", "id;drop table", "a/b"])
def test_an_unusable_request_id_is_replaced_by_a_new_one(client, offered):
    returned = client.get("/healthz", headers={"X-Request-ID": offered})["X-Request-ID"]
    assert returned != offered and GENERATED.fullmatch(returned)


def test_without_a_request_id_each_request_gets_its_own(client):
    first, second = (client.get("/healthz")["X-Request-ID"] for _ in range(2))
    assert GENERATED.fullmatch(first) and GENERATED.fullmatch(second) and first != second


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 302),  # to the login page
        ("/accounts/login/", 200),
        ("/no-such-page/", 404),
        ("/api/v1/initiatives/", 401),
        ("/api/v1/no-such-thing/", 404),
        ("/static/no-such-file.css", 404),
    ],
)
def test_every_response_carries_the_request_id(client, path, status):
    response = client.get(path, headers={"X-Request-ID": "trace-1"})
    assert response.status_code == status
    assert response["X-Request-ID"] == "trace-1"


@pytest.mark.django_db
def test_a_transition_through_the_api_stores_the_request_id_everywhere(partner, shared_initiative):
    response = partner.post(
        "/api/v1/initiatives/shared-one/transitions/",
        {"to": "under_study", "note": "go"},
        format="json",
        HTTP_X_REQUEST_ID="partner-req-1",
    )
    assert response.status_code == 201, response.content
    assert response["X-Request-ID"] == "partner-req-1"
    assert stored_ids(shared_initiative, "transitioned") == ("partner-req-1",) * 3


@pytest.mark.django_db
def test_an_edit_through_the_api_stores_a_generated_request_id(admin_user, shared_initiative):
    response = user_client(admin_user).patch(
        "/api/v1/initiatives/shared-one/", {"title": "Renamed"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 200, response.content
    generated = response["X-Request-ID"]
    assert GENERATED.fullmatch(generated)
    history_id, event_id, _journal = stored_ids(shared_initiative, "updated")
    assert history_id == event_id == generated


@pytest.mark.django_db
def test_a_status_change_through_a_page_form_stores_the_request_id_everywhere(client, owner, initiative):
    client.force_login(owner)
    form = {"to": "under_study", "health": initiative.health, "health_reason": "", "note": "", "version": 1}
    response = client.post(
        reverse("initiative-status", args=[initiative.code]), form, headers={"X-Request-ID": "page-req-1"}
    )
    assert response.status_code == 302
    assert stored_ids(initiative, "transitioned") == ("page-req-1",) * 3


@pytest.mark.django_db
def test_changes_outside_any_request_or_command_leave_the_id_blank(initiative):
    assert Initiative.history.get(id=initiative.pk).history_request_id == ""


# --- logs ---------------------------------------------------------------------------------------------------------


def access_line(caplog):
    """The one access-log record of the request just made, as the JSON line production writes."""
    records = [record for record in caplog.records if record.name == "tracker.request"]
    assert len(records) == 1, records
    line = JsonFormatter().format(records[0])
    assert "\n" not in line
    return json.loads(line)


@pytest.mark.django_db
def test_the_access_line_names_the_api_key_status_and_duration(partner, shared_initiative, caplog):
    with caplog.at_level(logging.INFO, logger="tracker.request"):
        partner.get("/api/v1/initiatives/shared-one/", HTTP_X_REQUEST_ID="req-42")
    entry = access_line(caplog)
    assert datetime.datetime.fromisoformat(entry.pop("time")).utcoffset() == datetime.timedelta(0)
    duration = entry.pop("duration_ms")
    assert isinstance(duration, int | float) and duration >= 0
    assert entry == {
        "level": "INFO",
        "logger": "tracker.request",
        "message": f"GET /api/v1/initiatives/shared-one/ 200 {duration}ms",
        "request_id": "req-42",
        "user": "key:lipetsk-tracker",
        "method": "GET",
        "path": "/api/v1/initiatives/shared-one/",
        "status": 200,
    }


@pytest.mark.django_db
def test_the_access_line_names_the_user_of_a_page_and_no_one_when_anonymous(client, viewer, caplog):
    client.force_login(viewer)
    with caplog.at_level(logging.INFO, logger="tracker.request"):
        client.get("/")
    assert access_line(caplog)["user"] == viewer.username

    caplog.clear()
    client.logout()
    with caplog.at_level(logging.INFO, logger="tracker.request"):
        client.get("/accounts/login/")
    assert access_line(caplog)["user"] is None


@pytest.mark.django_db
def test_a_refused_key_is_logged_without_a_name(client, caplog):
    with caplog.at_level(logging.INFO, logger="tracker.request"):
        client.get("/api/v1/areas/", headers={"Authorization": "Bearer ctk_nothing_wrong"})
    entry = access_line(caplog)
    assert (entry["status"], entry["user"]) == (401, None)


@pytest.mark.django_db
def test_djangos_own_lines_logged_after_the_request_carry_its_id(client, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get("/no-such-page/", headers={"X-Request-ID": "lost-1"})
    [record] = [record for record in caplog.records if record.name == "django.request"]
    entry = json.loads(JsonFormatter().format(record))
    assert (entry["request_id"], entry["status"], entry["path"]) == ("lost-1", 404, "/no-such-page/")


def run_python(code, **variables):
    """`code` in a fresh process with the project's settings and `variables` in its environment."""
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "ENV_FILE": os.devnull, "DEBUG": "1"}
    environment.update(variables)
    return subprocess.run(
        [sys.executable, *code], cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True, timeout=60
    )


PROBE = """
import logging, django
django.setup()
from django.test import Client
Client().get("/healthz", headers={"X-Request-ID": "probe-1"}, HTTP_HOST="localhost")
try:
    1 / 0
except ZeroDivisionError:
    logging.getLogger("tracker.probe").exception("it broke")
"""


def test_with_log_format_json_every_line_on_stdout_is_a_json_object():
    result = run_python(["-c", PROBE], LOG_FORMAT="json", LOG_LEVEL="DEBUG")
    assert result.returncode == 0, result.stderr
    entries = [json.loads(line) for line in result.stdout.splitlines()]
    [access] = [entry for entry in entries if entry["logger"] == "tracker.request"]
    assert (access["request_id"], access["path"], access["status"], access["level"]) == (
        "probe-1",
        "/healthz",
        200,
        "DEBUG",  # probes stay below INFO
    )
    [failure] = [entry for entry in entries if entry["logger"] == "tracker.probe"]
    assert failure["level"] == "ERROR" and "ZeroDivisionError" in failure["exception"]


def test_an_unknown_log_format_is_refused_naming_the_variable():
    result = run_python(["-c", "import django; django.setup()"], LOG_FORMAT="xml")
    assert result.returncode != 0
    assert "ImproperlyConfigured: LOG_FORMAT='xml' is not a log format" in result.stderr


def test_a_management_command_runs_under_a_request_id_of_its_own():
    code = "from tracker.domain.context import current_request_id; print(current_request_id())"
    result = run_python(["manage.py", "shell", "-c", code])
    assert result.returncode == 0, result.stderr
    assert re.search(r"^cmd-[0-9a-f]{32}$", result.stdout, re.MULTILINE), result.stdout

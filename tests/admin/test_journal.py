"""The journal is append-only: the admin shows it, newest first, and offers no add, change or delete."""

import pytest

from tests.admin.factories import journal_entry
from tests.admin.helpers import admin_url
from tracker.models import Initiative, StatusUpdate

pytestmark = pytest.mark.django_db


def _journal_inline(page):
    return next(i for i in page.context["inline_admin_formsets"] if i.formset.model is StatusUpdate)


def test_journal_inline_is_read_only_and_newest_first(initiative, owner, admin_user, login):
    first, second = journal_entry(initiative, by=owner), journal_entry(initiative, by=owner)
    for user in (owner, admin_user):
        page = login(user).get(admin_url(Initiative, "change", initiative.pk))

        journal = _journal_inline(page)
        assert not (journal.has_add_permission or journal.has_change_permission or journal.has_delete_permission)
        assert [form.instance for form in journal.formset.forms] == [second, first]
        assert "journal-0-note" not in page.content.decode()  # rendered as text, not as an input


def test_status_update_admin_has_no_add_change_or_delete(initiative, owner, admin_user, login):
    entry = journal_entry(initiative, by=owner)
    client = login(admin_user)

    changelist = client.get(admin_url(StatusUpdate, "changelist"))
    assert changelist.status_code == 200
    assert "delete_selected" not in changelist.content.decode()
    page = client.get(admin_url(StatusUpdate, "change", entry.pk))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.get(admin_url(StatusUpdate, "add")).status_code == 403
    assert client.post(admin_url(StatusUpdate, "change", entry.pk), {"note": "rewritten"}).status_code == 403
    assert client.post(admin_url(StatusUpdate, "delete", entry.pk), {"post": "yes"}).status_code == 403
    assert StatusUpdate.objects.get(pk=entry.pk).note == entry.note


def test_changelist_shows_status_badges(initiative, owner, admin_user, login):
    journal_entry(initiative, by=owner)

    page = login(admin_user).get(admin_url(StatusUpdate, "changelist"))

    assert "background:#8a5300" in page.content.decode()  # on hold

"""The Russian catalogue is complete: a fresh `makemessages` finds no message that it lacks, and every message
is translated, bar the documented exceptions.

makemessages runs on a copy of the sources, so the working tree is never rewritten by a test. It needs GNU
gettext (xgettext); without it the freshness test is skipped with that reason, except in CI, where it fails.
"""

import os
import shutil
import subprocess
import sys

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

PROJECT = settings.BASE_DIR
CATALOGUE = PROJECT / "locale" / "ru" / "LC_MESSAGES" / "django.po"
# What makemessages reads (README, "Translations"): the code and templates people see, not tests or benchmarks.
SOURCES = ("manage.py", "config", "tracker", "templates", "locale")

# Messages left empty on purpose, with the reason. Anything else untranslated fails the suite.
UNTRANSLATED = {
    # tracker/web/formatting.py writes Russian quarters with Roman numerals ("II кв. 2023") from its built-in table,
    # which a catalogue entry would override; the entry stays so makemessages finds nothing new.
    ("period", "Q%(quarter)s %(year)s"),
}


def _messages(path):
    with open(path, "rb") as file:
        catalogue = read_po(file)
    return {(message.context, message.id): message for message in catalogue if message.id}


def _key(key):
    context, msgid = key
    text = msgid if isinstance(msgid, str) else msgid[0]
    return f"[{context}] {text}" if context else text


@pytest.fixture(scope="module")
def fresh_catalogue(tmp_path_factory):
    if shutil.which("xgettext") is None:
        if os.environ.get("CI"):
            pytest.fail("xgettext (GNU gettext) is missing: CI must check the catalogue; apt-get install gettext.")
        pytest.skip("xgettext (GNU gettext) is missing: apt-get install gettext to check the catalogue is fresh.")
    copy = tmp_path_factory.mktemp("sources")
    for name in SOURCES:
        source = PROJECT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        else:
            shutil.copy(source, copy / name)
    environment = {**os.environ, "ENV_FILE": os.devnull, "DEBUG": "1", "DATABASE_URL": "sqlite:///:memory:"}
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "ru", "--no-obsolete", "-v0"],
        cwd=copy,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return _messages(copy / "locale" / "ru" / "LC_MESSAGES" / "django.po")


def test_makemessages_finds_nothing_the_catalogue_lacks(fresh_catalogue):
    committed = _messages(CATALOGUE)
    added = sorted(map(_key, fresh_catalogue.keys() - committed.keys()))
    gone = sorted(map(_key, committed.keys() - fresh_catalogue.keys()))
    assert not added, f"New messages: run makemessages (README, 'Translations') and translate them: {added}"
    assert not gone, f"Messages no longer in the code: run makemessages to drop them: {gone}"
    changed = [
        _key(key)
        for key, message in fresh_catalogue.items()
        if message.id != committed[key].id or set(message.flags) - {"fuzzy"} != set(committed[key].flags) - {"fuzzy"}
    ]
    assert not changed, f"Messages whose plural or format changed: run makemessages: {changed}"


def test_every_message_is_translated_but_the_documented_exceptions():
    messages = _messages(CATALOGUE)
    fuzzy = sorted(_key(key) for key, message in messages.items() if message.fuzzy)
    empty = sorted(
        _key(key)
        for key, message in messages.items()
        if key not in UNTRANSLATED
        and not all(message.string if isinstance(message.string, tuple) else [message.string])
    )
    assert not fuzzy, f"Fuzzy (guessed) translations to check and unmark: {fuzzy}"
    assert not empty, f"Untranslated messages: {empty}"
    assert messages.keys() >= UNTRANSLATED, "An exception above names a message that is gone: remove it."

"""Journal notes the system writes: kept as a message key with parameters and read in the reader's language.

A person's note is stored as written. A note the system writes (the seed loader, a bulk action) is stored as
`note_key` and `note_params`, so "Put on hold from the list." reads «Приостановлено из списка.» to a Russian reader;
`note` keeps its English text for exports and for readers of the raw table.
"""

from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from tracker.domain import languages

__all__ = ["MESSAGES", "SystemNote", "text_of"]

MESSAGES = {
    "seeded": gettext_noop("Status from the seed data (%(source)s, %(detail)s)."),
    "put_on_hold_from_list": gettext_noop("Put on hold from the list."),
}


class SystemNote:
    """A note by message key; `str()` renders it in the active language."""

    def __init__(self, key, **params):
        if key not in MESSAGES:
            raise ValueError(f"No journal message {key!r}; add it to tracker.domain.notes.MESSAGES.")
        self.key, self.params = key, params

    def __str__(self):
        return render(self.key, self.params)

    def english(self):
        with translation.override("en"):
            return str(self)


def render(key, params):
    """The message `key` with `params` in the active language; "" for a key this version does not know. A parameter
    given in several languages ({"ru": "абзац 4", "en": "paragraph 4"}) is read in the reader's."""
    message = MESSAGES.get(key)
    if not message:
        return ""
    return gettext(message) % {name: _in_reading_order(value) for name, value in params.items()}


def _in_reading_order(value):
    if not isinstance(value, dict):
        return value
    return next((value[language] for language in languages.reading_order() if value.get(language)), "")


def text_of(entry):
    """The note of a journal `entry` as its reader reads it: a system note in their language, a person's as written."""
    if entry.note_key:
        return render(entry.note_key, entry.note_params) or entry.note
    return entry.note

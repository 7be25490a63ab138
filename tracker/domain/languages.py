"""The languages content is kept in, and reading or writing one language's text (tracker/translation.py)."""

import functools

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from modeltranslation import settings as translation_settings
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname, resolution_order
from modeltranslation.utils import get_language as content_language

CONTENT_LANGUAGES = tuple(settings.MODELTRANSLATION_LANGUAGES)

__all__ = [
    "CONTENT_LANGUAGES",
    "column",
    "columns",
    "content_language",
    "every_language",
    "own",
    "pick",
    "reading_order",
    "replace",
    "require_text",
    "translated_fields",
    "translations",
]


@functools.cache  # called per field of every row of a list (tracker/api/fast.py)
def column(field, language):
    """The column that holds `field` in `language`: title, ru → title_ru."""
    return build_localized_fieldname(field, language)


def columns(field):
    """Every language's column of `field`: title → (title_ru, title_en)."""
    return tuple(column(field, language) for language in CONTENT_LANGUAGES)


def reading_order():
    """The content languages in the order a reader in the active language gets them: their own first."""
    return resolution_order(content_language(), translation_settings.FALLBACK_LANGUAGES)


def pick(row, field, order=None):
    """The text of `field` from a `values()` row holding its every-language columns (`columns`), as the model's
    `field` attribute would read it: the reader's language, else the next in `order` (default `reading_order`)."""
    for language in order or reading_order():
        if text := row[column(field, language)]:
            return text
    return ""


def translated_fields(model):
    """The names of `model`'s fields kept in every content language; () for a model with none."""
    try:
        return tuple(translator.get_options_for_model(model).get_field_names())
    except NotRegistered:
        return ()


def own(obj, field, language=None):
    """`field` as written in `language` (default: the active one), without falling back: '' when missing."""
    return getattr(obj, column(field, language or content_language())) or ""


def translations(obj, field):
    """{language: text} for every content language `field` has a text in."""
    return {language: text for language in CONTENT_LANGUAGES if (text := own(obj, field, language))}


def every_language(obj, field):
    """{language: text or None} for every content language: what a partner reads to see what is missing."""
    return {language: own(obj, field, language) or None for language in CONTENT_LANGUAGES}


def replace(obj, field, text):
    """Write `text` as `field` in the active language and clear the others. For texts that state something new
    (a health reason): the other language's text said something else and must not outlive it."""
    active = content_language()
    for language in CONTENT_LANGUAGES:
        setattr(obj, column(field, language), text if language == active else None)


def require_text(obj):
    """A text the model requires (a title, a name) must be given in at least one language, whichever: a partner may
    write only English and a coordinator add the Russian later. The error names the field (`title`)."""
    errors = {}
    for field in translated_fields(type(obj)):
        if obj._meta.get_field(field).blank or translations(obj, field):
            continue
        errors[field] = _("Give the %(field)s in at least one language.") % {
            "field": obj._meta.get_field(field).verbose_name
        }
    if errors:
        raise ValidationError(errors)

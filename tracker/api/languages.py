"""The languages of an API exchange: the one a response is written in, and the one a request body's texts are in.

- A response reads in `?lang=` if given, else in the `Accept-Language` language (Django's LocaleMiddleware), and says
  which in `Content-Language`. Every text field (`title`, `name`, …) is in that language, or in the other content
  language where it has no text yet; `translations` gives every language's text, `null` where there is none.
- A body's texts (`title`, …) are in the request's `Content-Language` if given, else in the response's language.
  `translations` in a body sets given languages explicitly: {"title": {"ru": "…", "en": "…"}}.
- Webhook payloads carry no texts to translate (tracker.delivery.webhooks): they stay language-neutral.
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from rest_framework import exceptions, serializers

from tracker.domain import languages

__all__ = ["LANG_PARAMETER", "TranslationsField", "body_language", "response_language"]

LANG_PARAMETER = "lang"
_INTERFACE_LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)


def _refuse(name, value, allowed):
    message = _("“%(value)s” is not a language of this service; use one of: %(allowed)s.") % {
        "value": value,
        "allowed": ", ".join(allowed),
    }
    raise exceptions.ValidationError({name: [message]})


def response_language(request):
    """The language to answer `request` in: `?lang=`, else the one LocaleMiddleware took from Accept-Language."""
    wanted = request.query_params.get(LANG_PARAMETER)
    if wanted is None:
        return translation.get_language()
    if wanted not in _INTERFACE_LANGUAGES:
        _refuse(LANG_PARAMETER, wanted, _INTERFACE_LANGUAGES)
    return wanted


def body_language(request):
    """The language of the texts in `request`'s body: its Content-Language, else the response's language."""
    given = request.headers.get("Content-Language", "").strip().lower()
    if not given:
        return translation.get_language()
    language = given.split(",")[0].split("-")[0].strip()
    if language not in languages.CONTENT_LANGUAGES:
        _refuse("Content-Language", given, languages.CONTENT_LANGUAGES)
    return language


class TranslationsField(serializers.Field):
    """Every content language's text of each translated field: {"title": {"ru": "…", "en": null}}. Written, it sets
    the languages given (null or "" clears one); the fields it may write are the serializer's writable ones."""

    default_error_messages = {
        # DRF formats the message with str.format: the braces of the example are doubled.
        "invalid": _lazy('Give an object of texts by field and language, e.g. {{"title": {{"ru": "…", "en": "…"}}}}.')
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("source", "*")
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            "Each text in every language: {field: {language: text}}, null where it has none yet.",
        )
        super().__init__(**kwargs)

    @property
    def model(self):
        return self.parent.Meta.model

    def fields(self):
        return languages.translated_fields(self.model)

    def writable(self):
        read_only = set(getattr(self.parent.Meta, "read_only_fields", ()))
        return [field for field in self.fields() if field not in read_only]

    def gives(self, data, field):
        """Whether the body `data` gives `field` a text in some language through `translations`."""
        texts = data.get(self.field_name) if isinstance(data, dict) else None
        texts = texts.get(field) if isinstance(texts, dict) else None
        return isinstance(texts, dict) and any(isinstance(text, str) and text.strip() for text in texts.values())

    def to_representation(self, obj):
        return {field: languages.every_language(obj, field) for field in self.fields()}

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            self.fail("invalid")
        errors, values = {}, {}
        writable = self.writable()
        for field, texts in data.items():
            if field not in writable:
                errors[field] = [
                    _("Not a text this record takes; it takes: %(fields)s.") % {"fields": ", ".join(writable)}
                ]
                continue
            problems = self._texts(field, texts, values)
            if problems:
                errors[field] = problems
        if errors:
            raise serializers.ValidationError(errors)
        return values

    def _texts(self, field, texts, values):
        if not isinstance(texts, dict):
            return [_('Give an object of texts by language, e.g. {"ru": "…", "en": "…"}.')]
        problems = {}
        limit = self.model._meta.get_field(field).max_length
        for language, text in texts.items():
            if language not in languages.CONTENT_LANGUAGES:
                problems[language] = [
                    _("Not a content language; use one of: %(languages)s.")
                    % {"languages": ", ".join(languages.CONTENT_LANGUAGES)}
                ]
            elif text is not None and not isinstance(text, str):
                problems[language] = [_("Give text or null.")]
            elif text and "\x00" in text:
                problems[language] = [_("Null characters are not allowed.")]
            elif text and limit is not None and len(text.strip()) > limit:
                problems[language] = [
                    _("Keep this to %(limit)s characters; it has %(length)s.")
                    % {"limit": limit, "length": len(text.strip())}
                ]
            else:
                values[languages.column(field, language)] = (text or "").strip() or None
        return problems

"""Which texts are kept in Russian and in English (django-modeltranslation), and the history of those models.

Each field named here gets a column per content language (`title_ru`, `title_en`: MODELTRANSLATION_LANGUAGES);
`title` itself reads the active language's text, or the other language's while that one is missing. A text is
required in at least one language, never in a given one: a partner may create a record in English only and a
coordinator add the Russian later (`require_one_language`).

The history of these models is registered here, after their translation fields exist, so each change-log row
keeps both languages (django-simple-history's advice for modeltranslation); the other models declare theirs.
"""

from modeltranslation.translator import TranslationOptions, translator
from simple_history import register

from tracker.models import (
    Area,
    Commodity,
    Initiative,
    InitiativeIndicator,
    Meeting,
    Milestone,
    Organisation,
    Region,
    Source,
    TradeIndicator,
)
from tracker.models.history import HistoryContext, history_user

TRANSLATED = {
    Source: ("title",),
    Region: ("name",),
    Area: ("name",),
    Organisation: ("name", "short_name"),
    Commodity: ("name", "note"),
    TradeIndicator: ("name",),
    Meeting: ("title", "place", "participants"),
    Initiative: ("title", "summary", "health_reason", "source_detail"),
    Milestone: ("title",),
    InitiativeIndicator: ("rationale",),
}

for model, names in TRANSLATED.items():
    options = type(f"{model.__name__}Translation", (TranslationOptions,), {"fields": names})
    translator.register(model, options)
    extra = {"m2m_fields": ["initiatives"]} if model is Meeting else {}
    register(model, bases=[HistoryContext], get_user=history_user, **extra)

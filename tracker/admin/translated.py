"""The admin of models whose texts are kept in Russian and English (tracker/translation.py).

Each text is edited as a pair of fields side by side ("title [ru]", "title [en]"); neither is required by itself,
the model asks for at least one (tracker.domain.languages.require_text). Lists show which languages a row lacks
and filter the rows that lack one, so an editor can find what is still to translate.
"""

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationBaseModelAdmin, TranslationInlineModelAdmin

from tracker.admin.mixins import TrackedAdmin, TrackedInline
from tracker.domain import languages

__all__ = ["MissingTextFilter", "TranslatedAdmin", "TranslatedInline"]

LANGUAGE_NAMES = {"ru": _("Russian"), "en": _("English")}


def missing(model, language):
    """Rows with a text in another language and none in `language`, for any of `model`'s translated fields."""
    condition = Q()
    for field in languages.translated_fields(model):
        elsewhere = Q()
        for other in languages.CONTENT_LANGUAGES:
            if other != language:
                elsewhere |= _has_text(languages.column(field, other))
        condition |= ~_has_text(languages.column(field, language)) & elsewhere
    return condition


def _has_text(column):
    return Q(**{f"{column}__isnull": False}) & ~Q(**{column: ""})


class MissingTextFilter(admin.SimpleListFilter):
    title = _("text missing in")
    parameter_name = "missing_text"

    def lookups(self, request, model_admin):
        return [(language, LANGUAGE_NAMES.get(language, language)) for language in languages.CONTENT_LANGUAGES]

    def queryset(self, request, queryset):
        if self.value() in languages.CONTENT_LANGUAGES:
            return queryset.filter(missing(queryset.model, self.value()))
        return queryset


class TranslatedFieldsMixin:
    def get_readonly_fields(self, request, obj=None):
        # modeltranslation's own skips the other mixins' (the version and update time): ask them, then pair the texts.
        return self.replace_orig_field(super(TranslationBaseModelAdmin, self).get_readonly_fields(request, obj))

    def patch_translation_field(self, db_field, field, request, **kwargs):
        super().patch_translation_field(db_field, field, request, **kwargs)
        if hasattr(db_field, "translated_field"):
            field.required = False  # one language is enough: the model's clean() says so, naming the field


class TranslatedAdmin(TranslatedFieldsMixin, TranslationAdmin, TrackedAdmin):
    def get_form(self, request, obj=None, change=False, **kwargs):
        # modeltranslation's takes no `change` by position, as Django's admin passes it
        return super().get_form(request, obj, change=change, **kwargs)

    def get_list_display(self, request):
        return (*super().get_list_display(request), "missing_languages")

    def get_list_filter(self, request):
        return (*super().get_list_filter(request), MissingTextFilter)

    @admin.display(description=_("text missing in"))
    def missing_languages(self, obj):
        absent = [
            str(LANGUAGE_NAMES.get(language, language))
            for language in languages.CONTENT_LANGUAGES
            if any(
                languages.translations(obj, field) and not languages.own(obj, field, language)
                for field in languages.translated_fields(type(obj))
            )
        ]
        return ", ".join(absent) or "—"


class TranslatedInline(TranslatedFieldsMixin, TranslationInlineModelAdmin, TrackedInline):
    pass

"""A signed-in user's own language wins over the browser's; the browser's over the installation's default.

The language is the user's preference (NotificationPreference.language, the one their emails are in). It is read
once, at sign-in, into the session, so a request costs no query for it; choosing a language on a page while signed
in (the switcher, `set_language`) saves it as the preference. Without one, Django's LocaleMiddleware decides: the
switcher's cookie, then Accept-Language, then LANGUAGE_CODE (Russian unless the environment says otherwise).
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import translation
from django.views.i18n import set_language as django_set_language

__all__ = ["SESSION_KEY", "UserLanguageMiddleware", "remember", "set_language"]

SESSION_KEY = "tracker_language"
_LANGUAGES = {code for code, _name in settings.LANGUAGES}


class UserLanguageMiddleware:
    """After LocaleMiddleware: the user's preference, when the session holds one, replaces its choice."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        language = session.get(SESSION_KEY) if session is not None and session.session_key else None
        if language in _LANGUAGES and not request.path.startswith("/api/"):  # the API says ?lang= or Accept-Language
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


@receiver(user_logged_in)
def _remember_preference(sender, request, user, **kwargs):
    from tracker.models import NotificationPreference

    if request is None or not hasattr(request, "session"):
        return
    remember(request, NotificationPreference.objects.filter(user=user).values_list("language", flat=True).first())


def remember(request, language):
    """Make `language` (or, when empty, the browser's) the language of `request`'s session from now on."""
    if language:
        request.session[SESSION_KEY] = language
    else:
        request.session.pop(SESSION_KEY, None)


def set_language(request):
    """Django's set_language, which also makes the choice the signed-in user's preference."""
    from tracker.models import NotificationPreference

    response = django_set_language(request)
    language = request.POST.get("language")
    if request.method == "POST" and language in _LANGUAGES and request.user.is_authenticated:
        NotificationPreference.objects.update_or_create(user=request.user, defaults={"language": language})
        remember(request, language)
    return response

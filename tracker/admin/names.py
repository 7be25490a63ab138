"""Names of the records in the admin's sentences. Django builds "Select %s to change", "Add %s" and "Change %s" from
a model's verbose name, which in Russian is in the nominative case: "Выберите инициатива для изменения". Where the
sentence needs another case, the accusative of each name is a message of its own (context "accusative"), equal to
the nominative in English and in every Russian name that does not change."""

from django.utils.translation import pgettext_lazy

__all__ = ["ACCUSATIVE", "in_accusative"]

# {app_label.model_name: the verbose name in the accusative}; the English text is the model's verbose_name.
ACCUSATIVE = {
    "auth.group": pgettext_lazy("accusative", "group"),
    "tracker.initiative": pgettext_lazy("accusative", "initiative"),
    "tracker.milestone": pgettext_lazy("accusative", "milestone or instruction"),
    "tracker.watch": pgettext_lazy("accusative", "watched initiative"),
    "tracker.digestsent": pgettext_lazy("accusative", "digest sent"),
    "tracker.organisation": pgettext_lazy("accusative", "organisation"),
    "tracker.meeting": pgettext_lazy("accusative", "meeting"),
    "tracker.webhooksubscription": pgettext_lazy("accusative", "webhook subscription"),
    "tracker.webhookdelivery": pgettext_lazy("accusative", "webhook delivery"),
    "axes.accessfailurelog": pgettext_lazy("accusative", "access failure"),
}


def in_accusative(text, opts):
    """`text` (a title Django built with `opts.verbose_name`) with that name in the accusative, if it has one."""
    accusative = ACCUSATIVE.get(getattr(opts, "label_lower", None))
    if accusative is None or not text:
        return text
    return str(text).replace(str(opts.verbose_name), str(accusative), 1)

"""Abstract bases shared by the domain models: timestamps and versions, citations, bilingual names."""

import functools

from django.db import models, transaction
from django.db.models import F
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import gettext_lazy as _

from tracker.domain import languages
from tracker.domain.context import current_request_id
from tracker.domain.errors import StaleVersion


def request_id_field():
    """The id of the request or command that wrote a row. A default rather than a signal receiver, so rows
    written in bulk carry it too."""
    return models.CharField(
        _("request id"),
        max_length=64,
        blank=True,
        default=current_request_id,
        help_text=_("The request or command that made the change (X-Request-ID, also in the logs)."),
    )


@functools.cache
def _labels(field):
    return dict(make_hashable(field.flatchoices))


class ChoiceLabels(models.Model):
    """`get_<field>_display()` as Django answers it, from a table of the field's labels made once per field.

    Django makes that table anew on every call, hashing each lazy label: about 90 µs, twice for every row of the
    initiatives page and of a journal (bench/RESULTS.md, "Gains"). The labels stay lazy, so each call still
    reads them in the active language.
    """

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        return force_str(_labels(field).get(make_hashable(value), value), strings_only=True)


class Tracked(ChoiceLabels):
    """Creation and update times plus a version number that every save increments.

    The version is what optimistic concurrency compares: an editor (admin form, API client, page) remembers
    the version it read and saves through `save_versioned`, which refuses if anyone saved in between.
    """

    created_at = models.DateTimeField(_("created"), auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        """Save, bump the version and record the event, all in one transaction (so the history row and
        the event exist if and only if the change commits)."""
        from tracker.domain import events

        adding = self._state.adding
        if not adding and not getattr(self, "_version_claimed", False):
            self.version += 1
        self._version_claimed = False
        action = getattr(self, "_event_action", None) or (events.Action.CREATED if adding else events.Action.UPDATED)
        data = getattr(self, "_event_data", None)
        self._event_action = self._event_data = None
        with transaction.atomic():
            super().save(*args, **kwargs)
            events.record(self, action, data)

    def clean(self):
        super().clean()
        languages.require_text(self)

    def event_key(self):
        """The stable key partners know this object by."""
        return str(getattr(self, "code", None) or self.pk)

    def event_scope(self):
        """(partner region id, visible to partner keys) of events about this object."""
        return None, True

    def save_versioned(self, expected_version, **kwargs):
        """Save only if the stored version is still `expected_version`; raise StaleVersion otherwise.

        The conditional UPDATE claims the next version and holds the row lock until the transaction ends,
        so of two writers that read the same version exactly one wins, on PostgreSQL as on SQLite.
        """
        with transaction.atomic():
            claimed = (
                type(self)
                ._default_manager.filter(pk=self.pk, version=expected_version)
                .update(version=F("version") + 1)
            )
            if not claimed:
                current = type(self)._default_manager.filter(pk=self.pk).values_list("version", flat=True).first()
                raise StaleVersion(self, expected_version, current)
            self.version = expected_version + 1
            self._version_claimed = True
            self.save(**kwargs)

    def save_expecting(self, expected_version):
        """Save a new record (`expected_version` None) or, with save_versioned, a changed one."""
        if expected_version is None:
            self.save()
        else:
            self.save_versioned(expected_version)

    def delete_versioned(self, expected_version):
        """Delete only if the stored version is still `expected_version`: raise StaleVersion if it changed, and
        DoesNotExist if it is gone.

        The row is locked before Django collects what the deletion cascades to, so of concurrent deleters
        exactly one deletes and records the deletion events (of the row and of every cascaded one); the others
        wait for it to commit and then find the row gone, having written nothing.
        """
        with transaction.atomic():
            manager = type(self)._default_manager
            current = manager.select_for_update().filter(pk=self.pk).values_list("version", flat=True).first()
            if current is None:
                raise self.DoesNotExist(f"{self._meta.object_name} {self.pk} was deleted meanwhile.")
            if current != expected_version:
                raise StaleVersion(self, expected_version, current)
            self.delete()


class Cited(models.Model):
    """Where a fact comes from: a source document and, optionally, where in it."""

    source = models.ForeignKey(
        "tracker.Source",
        verbose_name=_("source"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    source_detail = models.CharField(
        _("where in the source"), max_length=200, blank=True, help_text=_("For example a paragraph or a table.")
    )

    class Meta:
        abstract = True


class Bilingual(models.Model):
    """Something known by a name, kept in Russian and English (`name_ru`, `name_en`: tracker/translation.py).

    `name` reads the active language's name, or the other language's when it has none yet.
    """

    name = models.CharField(_("name"), max_length=200)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

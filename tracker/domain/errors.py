"""Errors the domain raises; every interface turns them into its own kind of refusal."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

__all__ = [
    "DomainError",
    "ExportTooLarge",
    "InvalidRows",
    "StaleVersion",
    "StatusChangeRefused",
    "TransitionNotAllowed",
    "UnfinishedWork",
    "WriteConflict",
]


class DomainError(Exception):
    """A request the domain refuses; the message says what to do instead."""


class TransitionNotAllowed(DomainError):
    def __init__(self, current, requested, allowed):
        self.current, self.requested, self.allowed = current, requested, list(allowed)
        allowed_text = ", ".join(self.allowed) or _("none")
        super().__init__(
            _("Cannot move from “%(current)s” to “%(requested)s”. Allowed from “%(current)s”: %(allowed)s.")
            % {"current": current, "requested": requested, "allowed": allowed_text}
        )


class UnfinishedWork(DomainError):
    """Completing or cancelling an initiative that still has open milestones or instructions, or is not on track,
    needs a note saying why: `open_items` lists what is open, `health` how it stands."""

    def __init__(self, initiative, requested, open_items):
        self.initiative, self.requested, self.open_items = initiative, requested, list(open_items)
        self.health = initiative.health
        still = []
        if self.open_items:
            count = len(self.open_items)
            still.append(
                ngettext(
                    "%(count)s milestone or instruction is still open",
                    "%(count)s milestones or instructions are still open",
                    count,
                )
                % {"count": count}
            )
        if initiative.health != "on_track":
            still.append(_("its health is “%(health)s”") % {"health": initiative.get_health_display()})
        super().__init__(
            _("“%(code)s” is not finished: %(still)s. To set it to “%(status)s” anyway, say why in the note.")
            % {"code": initiative.code, "still": "; ".join(still), "status": requested.label}
        )


class StaleVersion(DomainError):
    """Someone saved the record after this copy was read; saving it would overwrite their change."""

    def __init__(self, instance, expected, current):
        self.instance, self.expected, self.current = instance, expected, current
        if expected is None:  # the client named no version of this record (a weak or foreign entity tag)
            message = _(
                "The ETag you sent does not name the saved version (%(current)s) of this record. Reload it, then "
                "apply your change again."
            )
            super().__init__(message % {"current": current})
            return
        super().__init__(
            _(
                "This record was changed by someone else after you opened it (your copy is version %(expected)s, "
                "the saved one is version %(current)s). Reload it, then apply your change again."
            )
            % {"expected": expected, "current": current}
        )


class StatusChangeRefused(DomainError):
    """Raised when code tries to set an initiative's status without going through the workflow."""


class InvalidRows(DomainError):
    """A batch with bad rows, refused whole: `errors` maps each bad row's number to {field: message}."""

    def __init__(self, errors):
        self.errors = errors
        first = next(iter(errors.items()))
        field, message = next(iter(first[1].items()))
        super().__init__(
            _("%(count)s row(s) have errors; nothing was written. First: row %(row)s, %(field)s: %(message)s")
            % {"count": len(errors), "row": first[0], "field": field, "message": message}
        )


class ExportTooLarge(DomainError):
    """An export with more rows than the limit for its format (settings.EXPORT_MAX_ROWS, EXPORT_MAX_XLSX_ROWS)."""

    def __init__(self, count, limit, fmt):
        self.count, self.limit, self.format = count, limit, fmt
        super().__init__(
            _(
                "This export would have %(count)s rows; at most %(limit)s can be exported as %(format)s. "
                "Narrow the filters and export again."
            )
            % {"count": count, "limit": limit, "format": fmt.upper()}
        )


class WriteConflict(DomainError):
    """Concurrent writers kept colliding in the database (deadlocks, serialization failures) after every retry:
    nothing was written, and the same request sent again is expected to go through."""

    def __init__(self):
        super().__init__(
            _(
                "Other changes to the same records were being written at the same moment; nothing was "
                "written. Send the same request again."
            )
        )

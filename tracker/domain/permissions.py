"""Who may do what to which object. The admin, the API, the pages and the workflow all ask here.

Model permissions (from the groups in tracker.domain.roles) say what kind of object a user may change; the
object-level rules here add that a coordinator changes only the initiatives they own and what hangs off
them. API keys are partner principals: they see only what is shared with partners (and, if restricted, of
their region), and write only with write scope.
"""

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.domain.actors import is_api_key
from tracker.domain.choices import Visibility

__all__ = [
    "ANALYSTS",
    "COORDINATORS",
    "VIEWERS",
    "can_change_any_initiative",
    "can_change_initiative",
    "can_change_part",
    "can_plan_meetings",
    "can_reopen",
    "can_see",
    "can_see_initiative",
    "can_see_meeting_of",
    "can_write_observations",
    "can_write_reference",
    "name_shown_to",
    "person_for_partners",
    "restrict",
    "visible_events",
    "visible_indicators",
    "visible_initiatives",
]

COORDINATORS = "Coordinators"
ANALYSTS = "Analysts"
VIEWERS = "Viewers"
_PARTNER_VISIBLE = Visibility.seen_by_partners()


def _is_system(actor):
    return getattr(actor, "is_system", False)


def _is_active_user(actor):
    return getattr(actor, "is_authenticated", False) and getattr(actor, "is_active", False) and not is_api_key(actor)


def _key_may_write(actor):
    return is_api_key(actor) and actor.is_active and actor.can_write


# --- seeing -------------------------------------------------------------------------------------------


def visible_initiatives(actor, queryset):
    """Narrow an Initiative queryset to what `actor` may see (users see all; keys see shared ones)."""
    if not is_api_key(actor):
        return queryset
    queryset = queryset.filter(visibility__in=_PARTNER_VISIBLE)
    return queryset.filter(partner_region_id=actor.region_id) if actor.region_id else queryset


def restriction_of(actor):
    """What `restrict` and `visible_initiatives` narrow by for `actor`: two actors with the same restriction see the
    same rows (for SQL compiled once per restriction, tracker.api.fast.CompiledOnce)."""
    return ("key", actor.region_id) if is_api_key(actor) else ("person",)


def restrict(queryset, actor):
    """`queryset` narrowed to the rows `actor` may see: the one place where what partners see is applied to a
    list, by the API's base view (and asked by the admin and the pages, where people see every row).

    Initiatives and what hangs off them (parts, journal): those shared with partners, of the key's region if it
    has one. Trade series and their figures, and meetings: those of the key's region, if it has one. Events:
    visible_events.
    """
    from tracker.models import Event, Initiative, Meeting, Observation, TradeIndicator

    model = queryset.model
    if not is_api_key(actor):
        return queryset
    if model is Initiative:
        return visible_initiatives(actor, queryset)
    if model is TradeIndicator:
        return visible_indicators(actor, queryset)
    if model is Observation:
        return queryset.filter(indicator__in=visible_indicators(actor, TradeIndicator.objects.all()).values("pk"))
    if model is Event:
        return visible_events(actor, queryset)
    if model is Meeting:
        return queryset.filter(partner_region_id=actor.region_id) if actor.region_id else queryset
    if any(field.name == "initiative" and field.related_model is Initiative for field in model._meta.fields):
        return queryset.filter(initiative__in=visible_initiatives(actor, Initiative.objects.all()).values("pk"))
    return queryset


def visible_indicators(actor, queryset):
    if is_api_key(actor) and actor.region_id:
        return queryset.filter(Q(partner_id=actor.region_id) | Q(reporter_id=actor.region_id))
    return queryset


def can_see_trade_with(actor, partner):
    """A key bound to a region sees the trade of that region (or all of it if bound to the home side)."""
    if is_api_key(actor) and actor.region_id:
        return actor.region_id == partner.pk or actor.region.code == settings.HOME_REGION
    return True


def visible_events(actor, queryset):
    if not is_api_key(actor):
        return queryset
    queryset = queryset.filter(shared=True)
    if actor.region_id:
        queryset = queryset.filter(Q(partner_region_id=actor.region_id) | Q(partner_region__isnull=True))
    return queryset


def can_see(actor, obj):
    """Whether `actor` may see `obj`, one object in memory: the rule `restrict` applies to a list, for the objects
    a representation refers to (an initiative's origin meeting, a link's indicator)."""
    from tracker.models import Initiative, Meeting, TradeIndicator

    if not is_api_key(actor):
        return True
    if isinstance(obj, Initiative):
        return can_see_initiative(actor, obj)
    if isinstance(obj, Meeting):
        return can_see_meeting_of(actor, obj.partner_region_id)
    if isinstance(obj, TradeIndicator):
        return actor.region_id in (None, obj.partner_id, obj.reporter_id)
    return True


def can_see_meeting_of(actor, region_id):
    """A key bound to a region sees the meetings with that region (all of them if bound to none)."""
    return not is_api_key(actor) or actor.region_id in (None, region_id)


def person_for_partners(full_name):
    """A person as partners read them: the display name, never the username."""
    return full_name or _("a coordinator")


def name_shown_to(actor, *, recorded, user=None, api_key_id=None):
    """Who made a change, as `actor` may read it: people by their display name (never a username), another
    partner's key as "a partner system" (never its name); a key reads its own name, people read what was recorded."""
    if not is_api_key(actor):
        return recorded
    if api_key_id is not None:
        return recorded if api_key_id == actor.pk else _("a partner system")
    if user is not None:
        return person_for_partners(user.get_full_name())
    return recorded  # the system itself: a command's name


def can_see_initiative(actor, initiative):
    if not is_api_key(actor):
        return True
    return initiative.visibility in _PARTNER_VISIBLE and actor.region_id in (None, initiative.partner_region_id)


# --- changing -----------------------------------------------------------------------------------------


def can_change_any_initiative(actor):
    if _is_system(actor):
        return True
    return _is_active_user(actor) and (actor.is_superuser or actor.has_perm("tracker.change_any_initiative"))


def can_add_initiative(actor):
    """Users with the model permission (coordinators create their own), and the system; never a partner key."""
    if _is_system(actor):
        return True
    return _is_active_user(actor) and actor.has_perm("tracker.add_initiative")


def can_plan_meetings(actor):
    """Plan a coming meeting and its agenda (tracker.domain.meetings): coordinators and administrators."""
    return _is_system(actor) or (_is_active_user(actor) and actor.has_perm("tracker.plan_meeting"))


def can_change_initiative(actor, initiative):
    """The owner with change rights, someone allowed to change any initiative, or a write key it is shared with."""
    if is_api_key(actor):
        return _key_may_write(actor) and can_see_initiative(actor, initiative)
    if can_change_any_initiative(actor):
        return True
    return (
        _is_active_user(actor)
        and actor.has_perm("tracker.change_initiative")
        and initiative.owner_id is not None
        and initiative.owner_id == actor.pk
    )


def can_reopen(actor, initiative=None):
    """Completed and cancelled are final: an administrator may reopen one (with a reason), and so may its owner within
    REOPEN_GRACE_DAYS of ending it, to undo a completion made by mistake."""
    if _is_system(actor):
        return True
    if _is_active_user(actor) and (actor.is_superuser or actor.has_perm("tracker.reopen_initiative")):
        return True
    if initiative is None or is_api_key(actor) or not can_change_initiative(actor, initiative):
        return False
    ended = initiative.journal.filter(to_status=initiative.status).order_by("-created_at").first()
    grace = datetime.timedelta(days=settings.REOPEN_GRACE_DAYS)
    return ended is not None and timezone.now() - ended.created_at <= grace


def can_change_part(actor, part):
    """A milestone, participation or indicator link of an initiative: its model permission plus the
    initiative's ownership; analysts may link trade series to any initiative."""
    if _is_system(actor):
        return True
    if is_api_key(actor):
        return can_change_initiative(actor, part.initiative)
    if not _is_active_user(actor) or not actor.has_perm(f"tracker.change_{part._meta.model_name}"):
        return False
    if part._meta.model_name == "initiativeindicator" and actor.has_perm("tracker.change_tradeindicator"):
        return True
    return can_change_initiative(actor, part.initiative)


def can_write_reference(actor, action, model):
    """Reference data, meetings and trade series (tracker.domain.records): the system, or an active user with the
    model permission (`action` add, change or delete; from tracker.domain.roles); never a partner's key."""
    if _is_system(actor):
        return True
    opts = model._meta
    return _is_active_user(actor) and actor.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")


def can_write_observations(actor, indicator):
    if _is_system(actor):
        return True
    if is_api_key(actor):
        return _key_may_write(actor) and actor.region_id in (None, indicator.partner_id, indicator.reporter_id)
    return _is_active_user(actor) and actor.has_perm("tracker.change_observation")

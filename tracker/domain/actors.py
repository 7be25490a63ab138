"""Who performs a change: a user, or the system itself (a seed loader, a management command).

The workflow and the journal accept any actor; `name_of` gives the name the journal records.
"""

from dataclasses import dataclass

__all__ = ["SystemActor", "is_api_key", "key_of", "name_of", "user_of"]


@dataclass(frozen=True)
class SystemActor:
    """A command acting on its own authority, e.g. `load_seeds`."""

    name: str
    is_system = True


def name_of(actor):
    if getattr(actor, "is_system", False):
        return actor.name
    full_name = actor.get_full_name() if hasattr(actor, "get_full_name") else ""
    return full_name or actor.get_username()


def user_of(actor):
    """The user account behind an actor, or None for the system and API keys."""
    from django.contrib.auth.models import AbstractBaseUser

    return actor if isinstance(actor, AbstractBaseUser) else None


def is_api_key(actor):
    """Whether `actor` is a partner system's API key (tracker.models.ApiKey), not a person or the system."""
    return getattr(actor, "is_api_key", False)


def key_of(actor):
    """The API key behind an actor, or None."""
    return actor if is_api_key(actor) else None

"""What every change-log (history) row records beyond django-simple-history's own fields."""

from django.db import models
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history.signals import pre_create_historical_record

from tracker.models.base import request_id_field


class HistoryContext(models.Model):
    history_actor = models.CharField(
        _("acting as"), max_length=200, blank=True, help_text=_("The user, API key or command that made the change.")
    )
    # A default rather than the receiver below, so rows written in bulk (bulk_create_with_history) get it too.
    history_request_id = request_id_field()

    class Meta:
        abstract = True


@receiver(pre_create_historical_record)
def _record_actor(sender, history_instance, **kwargs):
    from tracker.domain.context import current_actor_name

    name = current_actor_name()
    if not name and history_instance.history_user is not None:
        name = history_instance.history_user.get_username()
    history_instance.history_actor = name


def history_user(request, **kwargs):
    """The user to credit in a history row; an API key is not a user, its name goes in `history_actor`."""
    from django.contrib.auth.models import AbstractBaseUser

    user = getattr(request, "user", None)
    return user if isinstance(user, AbstractBaseUser) and user.is_authenticated else None

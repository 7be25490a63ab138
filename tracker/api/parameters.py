"""Query parameters that carry numbers: one check and one message for every endpoint that reads them."""

from django.utils.translation import gettext as _
from rest_framework import exceptions

from tracker.domain.inputs import whole_number

__all__ = ["whole_number_parameter"]


def whole_number_parameter(request, name, default, low, high):
    """The query parameter `name` as an int from `low` to `high`, `default` when absent; a 400 naming it else."""
    raw = request.query_params.get(name)
    if raw is None:
        return default
    number = whole_number(raw, low, high)
    if number is None:
        message = _("Use a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}
        raise exceptions.ValidationError({name: [message]})
    return number

"""Template filters for the admin's own templates (templates/admin/)."""

from django import template

from tracker.admin.names import in_accusative

register = template.Library()


@register.filter
def accusative(text, opts):
    """A title built from a model's name, with the name in the case the sentence needs (tracker.admin.names)."""
    return in_accusative(text, opts)


@register.filter
def name_in_accusative(opts):
    """The model's name in the accusative, for "Add …"."""
    return in_accusative(opts.verbose_name, opts)

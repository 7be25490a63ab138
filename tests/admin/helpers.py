"""Reading admin pages the way a browser submits them."""

from django.contrib.messages import get_messages
from django.urls import reverse


def admin_url(model, view, *args):
    return reverse(f"admin:tracker_{model._meta.model_name}_{view}", args=args)


def form_data(response):
    """The POST data a browser sends for the change form in `response` when the user changes nothing."""
    data = {}
    _add_form(data, response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        _add_form(data, inline.formset.management_form)
        for form in inline.formset.forms:
            _add_form(data, form)
    data["_save"] = "Save"
    return data


def _add_form(data, form):
    for name, field in form.fields.items():
        bound = form[name]
        value = bound.value()
        if field.disabled or value is None or value is False:
            continue
        if value is True:
            data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(item) for item in value]
        else:
            data[bound.html_name] = str(value)


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]

"""templates/django/forms/widgets/ writes each option of a select, checkbox or radio list in place (FORM_RENDERER:
TemplatesSetting); the markup must stay exactly Django's own, which includes a template per option."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, TemplatesSetting

from tests import factories
from tracker.domain.search import InitiativeFilter
from tracker.web.forms import AnyYesNo, filters_for_people


class Everything(forms.Form):
    one = forms.ChoiceField(choices=[("a", "A & B"), ("b", "<B>")], initial="b")
    grouped = forms.ChoiceField(choices=[("Group", [("x", "X"), ("y", "Y")]), ("z", "Z")])
    many = forms.MultipleChoiceField(choices=[("1", "One"), ("2", "Two")], initial=["2"])
    ticks = forms.MultipleChoiceField(
        choices=[("1", "One"), ("2", "Two")], widget=forms.CheckboxSelectMultiple, initial=["1"]
    )
    radios = forms.ChoiceField(choices=[("", "Any"), ("true", "Yes")], widget=AnyYesNo)
    grouped_ticks = forms.MultipleChoiceField(
        choices=[("G", [("1", "One")]), ("2", "Two")], widget=forms.CheckboxSelectMultiple(attrs={"class": "c"})
    )
    plain = forms.ChoiceField(choices=[("1", "One")], widget=forms.Select(attrs={"disabled": True}))


def _rendered(form, renderer):
    form.renderer = renderer
    return {name: str(form[name]) for name in form.fields}


def test_every_kind_of_choice_widget_renders_as_django_renders_it():
    form = Everything()
    django_own, in_place = _rendered(form, DjangoTemplates()), _rendered(form, TemplatesSetting())
    assert in_place == django_own
    in_place = list(in_place.values())
    assert "selected>&lt;B&gt;</option>" in in_place[0]  # escaped, and selected as given


@pytest.mark.django_db
def test_the_initiative_filters_render_as_django_renders_them(partner_region):
    factories.AreaFactory(code="industry", name="Industry", name_ru="Промышленность")
    factories.OrganisationFactory(name="Ministry of Industry")
    form = filters_for_people(InitiativeFilter({"status": ["in_progress"], "overdue": "true"}).form)
    assert _rendered(form, TemplatesSetting()) == _rendered(form, DjangoTemplates())

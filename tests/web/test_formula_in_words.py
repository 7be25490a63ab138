"""A derived figure's formula in words (#18): "Balance = exports − imports", per language, instead of
`[by-ru-lip-exports-year@2021] - [by-ru-lip-imports-year@2021]`."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tracker.data.seeds import load_seeds
from tracker.domain import formulas
from tracker.domain.formulas import Reference

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "Balance = exports − imports"), ("ru", "Сальдо = экспорт − импорт")],
)
def test_the_indicator_page_gives_the_formula_in_words(client, viewer, language, words):
    load_seeds(Path(settings.BASE_DIR) / "seeds")
    client.force_login(viewer)

    page = client.get(reverse("indicator-detail", args=["by-ru-lip-balance-year"]), HTTP_ACCEPT_LANGUAGE=language)

    text = page.content.decode()
    assert words in text and "[by-ru-lip-exports-year@2021]" not in text


def test_in_words_names_each_reference_and_writes_the_operators_as_people_do():
    names = {"a": "turnover", "b": "exports"}

    words = formulas.in_words("([a@2021] - [b@2020]) * 2 / 3", lambda ref: f"{names[ref.indicator]}:{ref.period}")

    assert words == "(turnover:2021 − exports:2020) × 2 ÷ 3"
    assert formulas.references("[a@2021]") == [Reference("a", "2021")]

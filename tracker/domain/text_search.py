"""Finding initiatives by words, in Russian and English: the pages' and the API's `q` and the admin's search.

On PostgreSQL each word is looked up with morphology in both languages' texts (full-text search with the
`russian` and `english` configurations, so "трактор", "тракторный" and "tractors" all find "тракторном заводе" and
"tractor plant"), as a prefix (a half-typed word finds the whole), and by trigram similarity to the titles for
typos ("трактр"); the code is matched as typed ("lipetsk-vehicle"). Matches are ranked: `rank` orders them, best
first. GIN indexes cover the texts, the titles and the code (migration 0012), so a search reads the indexes rather
than every row.

On SQLite, the embedded default for a first run, a search is a case-insensitive substring match over the code and
both languages' texts, without morphology, typo tolerance or ranking (README, "Languages").
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import F, FloatField, Q, Value

from tracker.domain.languages import columns

__all__ = ["MAX_SEARCH_LENGTH", "document", "initiatives", "rank"]

MAX_SEARCH_LENGTH = 200
# The full-text configuration of each content language (PostgreSQL's names).
CONFIGURATIONS = {"ru": "russian", "en": "english"}
TEXTS = ("title", "summary")
_UNRANKED = Value(0.0, output_field=FloatField())  # matches without a full-text rank: SQLite, or codes alone


def document():
    """The searchable text of an initiative: what the GIN index `initiative_text_search` (migration 0012) holds.
    Change both together: the planner uses the index only for this very expression."""
    vectors = [
        SearchVector(*(f"{field}_{language}" for field in TEXTS), config=configuration)
        for language, configuration in CONFIGURATIONS.items()
    ]
    return vectors[0] + vectors[1]


def _query(value):
    """Every word as a prefix, all of them required, in either language: 'трактор:* & завод:*'."""
    words = re.findall(r"\w+", value)
    if not words:
        return None
    terms = " & ".join(f"{word}:*" for word in words)
    queries = [SearchQuery(terms, config=configuration, search_type="raw") for configuration in CONFIGURATIONS.values()]
    return queries[0] | queries[1]


def initiatives(queryset, value):
    """The initiatives of `queryset` that `value` finds, annotated with `rank` on PostgreSQL (0 elsewhere)."""
    value = value.strip()[:MAX_SEARCH_LENGTH]
    if not value:
        return queryset
    if connections[queryset.db].vendor != "postgresql":
        found = Q(code__icontains=value)
        for field in TEXTS:
            for column in columns(field):
                found |= Q(**{f"{column}__icontains": value})
        return queryset.filter(found).annotate(rank=_UNRANKED)
    # A code is matched as typed (codes are lower case): near codes differ by one character ("item-1", "item-2").
    found = Q(code__contains=value.lower())
    for column in columns("title"):
        found |= Q(**{f"{column}__trigram_word_similar": value})
    query = _query(value)
    if query is not None:
        queryset = queryset.alias(search_document=document())
        found |= Q(search_document=query)
        return queryset.filter(found).annotate(rank=SearchRank(F("search_document"), query))
    return queryset.filter(found).annotate(rank=_UNRANKED)


def rank():
    """The ordering of a search's results, best first."""
    return F("rank").desc(nulls_last=True)

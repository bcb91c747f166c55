"""Property tests: ingest cleaning and the temporal normaliser take any text a scraper can produce.

The strategies mix arbitrary Unicode (lone surrogates and control characters included) with the
pieces the code treats specially: line breaks, invisible characters, debris lines, French dates.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from evex.extract.timex import find_time_expressions, normalise
from evex.ingest import article_hash, drop_debris, drop_repeated_paragraphs, foreign_language, normalise_text

ANY_CHARACTER = st.characters(exclude_categories=())
# A JSON escape can carry a lone surrogate. `characters()` draws none unless asked for category Cs, in a
# `text` of its own: `exclude_categories=()` alone gave none in 300 examples.
LONE_SURROGATES = st.text(st.characters(categories=["Cs"]), min_size=1, max_size=2)
SPECIAL = st.sampled_from([
    "\r\n", "\r", "\n", "\n\n\n", " ", "\u00a0", "\u202f", "\u200b", "\u2060", "\ufeff", "e\u0301", "\u0301",
    "’", "'", "Lire la suite »", "Publié le", "Partager", "date 2023-12 ", "\t",
])
TEMPORAL = st.sampled_from([
    "le 4 décembre", "du 4 au 6 décembre 2023", "jeudi", "hier", "demain", "le 31 février", "le 29 février",
    "en mars", "en 2024", "l'année prochaine", "l'an dernier", "il y a 3 ans", "dans deux semaines",
    "le 7 mars dernier", "lundi prochain", "9999", "0001", "le 12/03/2024", "2023-12-07", "mi-janvier",
    "fin 2023", "début mars", "le 1er mai", "cette semaine", "ce mois-ci", "le 99 mars", "en l'an 10000",
])
SCRAPED_TEXT = st.lists(st.one_of(st.text(ANY_CHARACTER, max_size=20), LONE_SURROGATES, SPECIAL),
                        max_size=30).map("".join)
TEMPORAL_TEXT = st.lists(st.one_of(st.text(ANY_CHARACTER, max_size=8), LONE_SURROGATES, TEMPORAL, SPECIAL),
                         max_size=12).map(" ".join)
DOC_DATES = st.one_of(
    st.none(),
    st.dates().flatmap(lambda day: st.sampled_from([day.isoformat(), day.isoformat()[:7], day.isoformat()[:4]])),
)
TENSES = st.sampled_from([None, "past", "present", "future"])


def clean(text: str) -> str:
    """The cleaning `read_article` applies to any article text."""
    return drop_repeated_paragraphs(drop_debris(normalise_text(text)))[0]


@settings(max_examples=300, deadline=None)
@given(SCRAPED_TEXT)
def test_normalisation_never_raises_and_is_idempotent(text):
    once = normalise_text(text)
    assert normalise_text(once) == once
    article_hash(once)  # valid Unicode: UTF-8 can hold it, so can both databases
    assert clean(clean(text)) == clean(text)
    foreign_language(once)


@settings(max_examples=300, deadline=None)
@given(TEMPORAL_TEXT, DOC_DATES, TENSES)
def test_temporal_normaliser_never_raises(text, doc_date, tense):
    for expression in find_time_expressions(text, doc_date, tense):
        assert text[expression.start:expression.end] == expression.text
    normalise(text, doc_date, tense)

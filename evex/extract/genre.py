"""The article's genre, read off the words of the whole article (data/genres.yaml): the context in
which some trigger words have another sense (a sports report's `rencontre` is a match)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from evex.conllu import Word
from evex.extract.resources import LexiconError, fold, load


@dataclass(frozen=True)
class Genre:
    name: str
    words: frozenset[str] = frozenset()
    min_words: int = 0  # at least this many of the article's words are the genre's
    per_thousand: float = 0.0  # and they make at least this share of its words
    headline_tags: frozenset[str] = frozenset()  # or its headline carries one in brackets: `[analyse]`
    undated_events: bool = True  # false: an event it names without a date of its own is no report


GENRE_KEYS = {"words", "min_words", "per_thousand", "headline_tags", "undated_events"}


@cache
def genres() -> tuple[Genre, ...]:
    """The genres of data/genres.yaml, checked when loaded."""
    out = []
    for name, raw in load("genres").items():
        by_words = isinstance(raw, dict) and {"words", "min_words", "per_thousand"} <= set(raw)
        if not isinstance(raw, dict) or set(raw) - GENRE_KEYS or not (by_words or "headline_tags" in raw):
            raise LexiconError(f"genres.yaml: {name} needs words, min_words and per_thousand, or headline_tags, not {raw!r}")
        for key in ("words", "headline_tags"):
            if not isinstance(raw.get(key, []), list) or not all(isinstance(w, str) and w for w in raw.get(key, [])):
                raise LexiconError(f"genres.yaml: {name}: {key} must be a list of words")
        if not isinstance(raw.get("undated_events", True), bool):
            raise LexiconError(f"genres.yaml: {name}: undated_events must be true or false")
        out.append(Genre(name, frozenset(fold(w) for w in raw.get("words", [])), int(raw.get("min_words", 0)),
                         float(raw.get("per_thousand", 0)), frozenset(fold(t) for t in raw.get("headline_tags", [])),
                         raw.get("undated_events", True)))
    return tuple(out)


def genre_names() -> frozenset[str]:
    return frozenset(g.name for g in genres())


def article_genres(words: Iterable[Word], headline: str) -> frozenset[str]:
    """The genres whose words (nouns and adjectives) are frequent enough among the article's words,
    or whose tag the headline carries in brackets."""
    words = list(words)
    lemmas = [fold(w.lemma) for w in words if w.upos in ("NOUN", "PROPN", "ADJ")]
    tags = {fold(t) for t in re.findall(r"[\[(]([^\])]{1,30})[\])]", headline)}
    found = set()
    for genre in genres():
        hits = sum(1 for lemma in lemmas if lemma in genre.words)
        if genre.words and hits >= genre.min_words and 1000 * hits / max(len(words), 1) >= genre.per_thousand:
            found.add(genre.name)
        if tags & genre.headline_tags:
            found.add(genre.name)
    return frozenset(found)


def undated_events_reported(names: frozenset[str]) -> bool:
    """Whether an article of these genres reports the events it names without a date."""
    return all(g.undated_events for g in genres() if g.name in names)

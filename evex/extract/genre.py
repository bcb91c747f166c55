"""The article's genre, read off the words of the whole article (data/genres.yaml): the context in
which some trigger words have another sense (a sports report's `rencontre` is a match)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from evex.conllu import Word
from evex.extract.resources import LexiconError, fold, load


@dataclass(frozen=True)
class Genre:
    name: str
    words: frozenset[str]
    min_words: int  # at least this many of the article's words are the genre's
    per_thousand: float  # and they make at least this share of its words


@cache
def genres() -> tuple[Genre, ...]:
    """The genres of data/genres.yaml, checked when loaded."""
    out = []
    for name, raw in load("genres").items():
        if not isinstance(raw, dict) or set(raw) != {"words", "min_words", "per_thousand"}:
            raise LexiconError(f"genres.yaml: {name} needs words, min_words and per_thousand, not {raw!r}")
        if not isinstance(raw["words"], list) or not all(isinstance(w, str) and w for w in raw["words"]):
            raise LexiconError(f"genres.yaml: {name}: words must be a list of words")
        out.append(Genre(name, frozenset(fold(w) for w in raw["words"]), int(raw["min_words"]), float(raw["per_thousand"])))
    return tuple(out)


def genre_names() -> frozenset[str]:
    return frozenset(g.name for g in genres())


def article_genres(words: Iterable[Word]) -> frozenset[str]:
    """The genres whose words (nouns and adjectives) are frequent enough among the article's words."""
    words = list(words)
    lemmas = [fold(w.lemma) for w in words if w.upos in ("NOUN", "PROPN", "ADJ")]
    found = set()
    for genre in genres():
        hits = sum(1 for lemma in lemmas if lemma in genre.words)
        if hits >= genre.min_words and 1000 * hits / max(len(words), 1) >= genre.per_thousand:
            found.add(genre.name)
    return frozenset(found)

"""Rules kept as data (YAML next to this module), loaded once per process, and text folding."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).parent / "data"
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case, no accents, one apostrophe style, hyphens as spaces: the key for every lookup."""
    text = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES).replace("œ", "oe").replace("Œ", "Oe"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(text.replace("-", " ").split())


@lru_cache(maxsize=65536)
def fold_word(text: str) -> str:
    """A single word folded, with a plural -s/-x dropped, so lexicon entries stay in the singular."""
    key = fold(text)
    if len(key) > 3 and key[-1] in "sx" and not key.endswith(("ss", "is", "us")):
        return key[:-1]
    return key


@cache
def load(name: str) -> dict:
    with open(DATA_DIR / f"{name}.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@cache
def word_set(name: str, key: str) -> frozenset[str]:
    """A YAML list as folded singular keys, for membership tests on lemmas or forms."""
    return frozenset(fold_word(w) for w in load(name)[key])


@dataclass(frozen=True)
class TriggerEntry:
    words: tuple[str, ...]
    pos: str
    type: str
    anaphoric: bool = False
    needs: str | None = None
    arrival: bool = False
    open_trip: bool = False
    stay: bool = False
    exclude: frozenset[str] = frozenset()

    @property
    def key(self) -> str:
        return " ".join(self.words)


@cache
def trigger_entries() -> tuple[TriggerEntry, ...]:
    """Lexicon entries, longest first so multi-word triggers win over their parts."""
    entries = [
        TriggerEntry(
            words=tuple(fold_word(w) for w in raw["words"]),
            pos=raw["pos"],
            type=raw["type"],
            anaphoric=raw.get("anaphoric", False),
            needs=raw.get("needs"),
            arrival=raw.get("arrival", False),
            open_trip=raw.get("open_trip", False),
            stay=raw.get("stay", False),
            exclude=frozenset(fold_word(w) for w in raw.get("exclude", [])),
        )
        for raw in load("triggers")["triggers"]
    ]
    return tuple(sorted(entries, key=lambda e: -len(e.words)))


@cache
def entries_by_first_word() -> dict[str, tuple[TriggerEntry, ...]]:
    """Lexicon entries indexed by their first word, longest first."""
    index: dict[str, list[TriggerEntry]] = {}
    for entry in trigger_entries():
        index.setdefault(entry.words[0], []).append(entry)
    return {key: tuple(entries) for key, entries in index.items()}

"""The lexicon module: rules kept as data (YAML next to this module), loaded once per process and
checked when loaded, and the one place text is folded. Three folds, for three uses: `fold` and
`fold_word` make lookup keys; `fold_in_place` keeps one char per char so offsets stay aligned
(idioms in the text); `fold_with_offsets` maps each folded char back to the text (time expressions)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).parent / "data"
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})
_QUOTES = frozenset("’‘`ʼ´")  # apostrophes as typed, folded char by char
_DASHES = frozenset("‐‑‒–—")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case, no accents, one apostrophe style, hyphens as spaces: the key for every lookup."""
    text = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES).replace("œ", "oe").replace("Œ", "Oe"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(text.replace("-", " ").split())


def fold_in_place(text: str) -> str:
    """Fold case, accents and apostrophes character by character so offsets stay aligned."""
    return "".join(_fold_char_in_place(char) for char in text.replace("’", "'"))


@lru_cache(maxsize=4096)
def _fold_char_in_place(char: str) -> str:
    base = unicodedata.normalize("NFKD", char)
    stripped = "".join(c for c in base if not unicodedata.combining(c)) or char
    return stripped[0].lower()


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char in _QUOTES:
        return "'"
    if char in _DASHES:
        return "-"
    return "".join(c for c in unicodedata.normalize("NFKD", char.lower()) if not unicodedata.combining(c))


def fold_with_offsets(text: str) -> tuple[str, list[int], list[int]]:
    """Folded text plus, for each folded char, the start and end offset of the original char it comes from.

    A char that folds to nothing (a stray combining accent) widens the previous char's end, so a match
    ending there still covers it.
    """
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for index, char in enumerate(text):
        piece = _fold_char(char)
        if not piece and ends:
            ends[-1] = index + 1
        pieces.append(piece)
        starts.extend([index] * len(piece))
        ends.extend([index + 1] * len(piece))
    return "".join(pieces), starts, ends


@lru_cache(maxsize=65536)
def fold_word(text: str) -> str:
    """A single word folded, with a plural -s/-x dropped, so lexicon entries stay in the singular."""
    key = fold(text)
    if len(key) > 3 and key[-1] in "sx" and not key.endswith(("ss", "is", "us")):
        return key[:-1]
    return key


class LexiconError(ValueError):
    """A rules file of the wrong shape: the message names the file and the entry."""


@cache
def load(name: str) -> dict:
    return _read_yaml(DATA_DIR / f"{name}.yaml")


def word_list(name: str, key: str) -> list[str]:
    """A list of words of data/<name>.yaml, refused unless it is one."""
    words = load(name).get(key)
    if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
        raise LexiconError(f"{DATA_DIR / name}.yaml: {key} must be a list of words, not {words!r}")
    return words


@cache
def word_map(name: str, key: str) -> dict[str, str]:
    """A mapping of words to words of data/<name>.yaml, refused unless it is one."""
    mapping = load(name).get(key)
    if not isinstance(mapping, dict) or not all(
            isinstance(k, str) and k.strip() and isinstance(v, str) and v.strip() for k, v in mapping.items()):
        raise LexiconError(f"{DATA_DIR / name}.yaml: {key} must map words to words, not {mapping!r}")
    return mapping


@cache
def word_set(name: str, key: str) -> frozenset[str]:
    """A YAML list as folded singular keys, for membership tests on lemmas or forms."""
    return frozenset(fold_word(w) for w in word_list(name, key))


@cache
def grammar_words(key: str) -> frozenset[str]:
    """A list of data/grammar.yaml (function words by role), folded like lemmas and case markers."""
    return frozenset(fold(w) for w in word_list("grammar", key))


@dataclass(frozen=True)
class EventProfile:
    """How an event type behaves where types differ (data/type_*.yaml, one file a type)."""

    type: str
    refers_back_to: tuple[str, ...]  # types a definite anaphoric mention may name (its own among them)
    new_when_indefinite: bool  # an indefinite mention (`un accord`) starts a new event
    coordinated_apart: bool  # two coordinated nouns with their own determiners are two events
    has_destination: bool  # a trip: its place is where one goes, that country no party, a site tells trips apart
    hosts_meetings: bool  # events held during it share its place and dates, and give it theirs
    held_during_host: bool  # undated or unplaced, it takes the place and dates of the event hosting it
    visitors_meeting: bool  # naming nobody during a hosting event, it takes that event's participants
    attended: bool  # trigger-less attendance sentences join it
    pair_when_unnamed: bool  # naming nobody, the article's two countries are its parties
    dated_by_article: bool  # reported as done with no date of its own: the article's date
    signed: bool  # signing verbs (needs: no_agreement_noun) stand for a noun of this type
    placed_by_its_clause: bool  # with no place of its own, only a place of its clause (where it is done) is its
    named_exists: bool  # a mention naming it with a capital (la Convention de X) cites one that exists: it took place


PROFILE_KEYS = {name: kind for name, kind in EventProfile.__annotations__.items()}


def _load_profile(path: Path) -> EventProfile:
    raw = _read_yaml(path)
    if not isinstance(raw, dict):
        raise LexiconError(f"{path}: a profile is a mapping of {', '.join(PROFILE_KEYS)}")
    unknown = sorted(set(raw) - set(PROFILE_KEYS))
    missing = sorted(set(PROFILE_KEYS) - set(raw))
    if unknown or missing:
        raise LexiconError(f"{path}: unknown keys {unknown}, missing keys {missing}")
    for name, kind in PROFILE_KEYS.items():
        value = raw[name]
        if kind == "bool" and not isinstance(value, bool):
            raise LexiconError(f"{path}: {name} must be true or false, not {value!r}")
        if kind == "str" and not (isinstance(value, str) and value):
            raise LexiconError(f"{path}: {name} must be a name, not {value!r}")
        if name == "refers_back_to" and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise LexiconError(f"{path}: refers_back_to must be a list of type names, not {value!r}")
    return EventProfile(**{**raw, "refers_back_to": tuple(raw["refers_back_to"])})


def _read_yaml(path: Path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@dataclass(frozen=True)
class TriggerEntry:
    words: tuple[str, ...]
    pos: str
    type: str
    profile: EventProfile
    anaphoric: bool = False
    needs: str | None = None
    arrival: bool = False
    open_trip: bool = False
    stay: bool = False
    part: bool = False  # may name a part of a gathering of its type (a forum's round table), GUIDELINES 3.5
    announced: bool = False  # the word announces the event (être attendu à X): its tense is the future's
    exclude: frozenset[str] = frozenset()
    other_sense_in: frozenset[str] = frozenset()  # article genres in which the word names something else

    @property
    def key(self) -> str:
        return " ".join(self.words)


ENTRY_FLAGS = ("anaphoric", "arrival", "open_trip", "stay", "part", "announced")
ENTRY_KEYS = {"words", "pos", "type", "needs", "exclude", "other_sense_in", *ENTRY_FLAGS}


def _entry(path: Path, raw, profiles: dict[str, EventProfile]) -> TriggerEntry:
    where = f"{path}: trigger {raw.get('words') if isinstance(raw, dict) else raw!r}"
    if not isinstance(raw, dict) or not isinstance(raw.get("words"), list) or not raw["words"]:
        raise LexiconError(f"{where}: an entry is a mapping with a non-empty list of words")
    unknown = sorted(set(raw) - ENTRY_KEYS)
    if unknown:
        raise LexiconError(f"{where}: unknown keys {unknown} (known: {', '.join(sorted(ENTRY_KEYS))})")
    if raw.get("pos") not in ("NOUN", "VERB"):
        raise LexiconError(f"{where}: pos must be NOUN or VERB, not {raw.get('pos')!r}")
    if raw.get("type") not in profiles:
        raise LexiconError(f"{where}: type {raw.get('type')!r} has no profile (known: {', '.join(sorted(profiles))})")
    if any(not isinstance(raw.get(flag, False), bool) for flag in ENTRY_FLAGS):
        raise LexiconError(f"{where}: {', '.join(ENTRY_FLAGS)} must be true or false")
    if not isinstance(raw.get("needs", ""), str) or not isinstance(raw.get("exclude", []), list):
        raise LexiconError(f"{where}: needs is one condition's name, exclude a list of words")
    genres = raw.get("other_sense_in", [])
    known_genres = set(load("genres"))
    if not isinstance(genres, list) or not set(genres) <= known_genres:
        raise LexiconError(f"{where}: other_sense_in must list genres of genres.yaml ({', '.join(sorted(known_genres))})")
    return TriggerEntry(
        words=tuple(fold_word(w) for w in raw["words"]),
        pos=raw["pos"],
        type=raw["type"],
        profile=profiles[raw["type"]],
        needs=raw.get("needs"),
        exclude=frozenset(fold_word(w) for w in raw.get("exclude", [])),
        other_sense_in=frozenset(genres),
        **{flag: raw.get(flag, False) for flag in ENTRY_FLAGS},
    )


@dataclass(frozen=True)
class Lexicon:
    """Trigger entries (longest first, so that multi-word triggers win over their parts), indexed
    by their first word, and the profiles of the event types they name."""

    entries: tuple[TriggerEntry, ...]
    profiles: dict[str, EventProfile]

    @classmethod
    def load(cls, trigger_files: list[Path], profile_files: list[Path]) -> Lexicon:
        profiles = {}
        for path in profile_files:
            profile = _load_profile(path)
            profiles[profile.type] = profile
        for profile in profiles.values():
            unknown = [t for t in profile.refers_back_to if t not in profiles]
            if unknown:
                raise LexiconError(f"{profile.type} profile: refers_back_to names unknown types {unknown}")
        entries = []
        for path in trigger_files:
            raw = _read_yaml(path)
            if not isinstance(raw, dict) or not isinstance(raw.get("triggers"), list):
                raise LexiconError(f"{path}: expected a `triggers:` list")
            entries.extend(_entry(path, item, profiles) for item in raw["triggers"])
        return cls(tuple(sorted(entries, key=lambda e: -len(e.words))), profiles)

    @cached_property
    def by_first_word(self) -> dict[str, tuple[TriggerEntry, ...]]:
        index: dict[str, list[TriggerEntry]] = {}
        for entry in self.entries:
            index.setdefault(entry.words[0], []).append(entry)
        return {key: tuple(entries) for key, entries in index.items()}


@cache
def default_lexicon() -> Lexicon:
    """The shipped lexicon: data/triggers.yaml and one data/type_*.yaml profile per event type."""
    return Lexicon.load([DATA_DIR / "triggers.yaml"], sorted(DATA_DIR.glob("type_*.yaml")))

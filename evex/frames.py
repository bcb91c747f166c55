"""Event frames: what extraction produces and loading stores, independent of any database."""

from __future__ import annotations

from dataclasses import dataclass, field

EVENT_TYPES = ("MEETING", "VISIT", "AGREEMENT", "WORKSHOP")
STATUSES = ("occurred", "planned", "ongoing")
ENTITY_KINDS = ("PER", "ORG", "GPE", "LOC")


@dataclass
class Span:
    """Evidence for an extracted value: character offsets in the article text and its sentence."""

    start: int
    end: int
    sentence: str


@dataclass
class Mention:
    trigger: str  # as written in the article
    start: int
    end: int
    sentence: str  # the whole sentence as written
    sentence_index: int
    lemma: str = ""  # lexicon entry that matched


@dataclass
class Participant:
    name: str  # canonical name (full name of a person, French short name of a country)
    kind: str  # PER, ORG, GPE or LOC
    title: str | None = None  # e.g. "général-major", kept apart from the name
    role: str | None = None  # how it was found: nsubj, obj, avec, entre, appos, ner, ...
    evidence: Span | None = None


@dataclass
class EventFrame:
    """One event as reported by one article (its mentions grouped together)."""

    local_id: str  # e1, e2, ... in order of first mention
    type: str
    mentions: list[Mention] = field(default_factory=list)
    participants: list[Participant] = field(default_factory=list)
    location: str | None = None
    location_evidence: Span | None = None
    start: str | None = None  # ISO at the precision the text allows: YYYY, YYYY-MM or YYYY-MM-DD
    end: str | None = None
    time_evidence: Span | None = None
    status: str = "occurred"

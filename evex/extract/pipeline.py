"""Extraction as components run in a declared order over one `Doc`, as Stanza's processors are.

Each component names what it reads on the Doc (`needs`) and what it writes there (`provides`);
the order is checked once, when the extractor is built, so that a component placed before what
it reads is a clear error rather than a silent None. The Doc starts with what `build_doc` reads
from the parse, the text and the date (`BUILT`). A component also names the sentences it reads
dependencies in (`dependencies`, told from the parse before the dependency parser runs): the
parser runs on those alone (`Extractor.dependency_sentences`, `evex.parse`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import reduce

from evex.conllu import ParsedDoc
from evex.extract.arguments import describe
from evex.extract.cooccurrence import organisation_acronyms, other_mentions, sentence_participants
from evex.extract.dependencies import (
    acronym_sentences,
    attendance_sentences,
    pair_sentences,
    tour_sentences,
    trigger_sentences,
)
from evex.extract.doc import Doc, build_doc
from evex.extract.entities import find_persons, pair_side_ministers
from evex.extract.genre import undated_events_reported
from evex.extract.grouping import group_mentions, merge_headline_events
from evex.extract.resources import Lexicon, LexiconError, default_lexicon
from evex.extract.resolve import (
    attach_attendance,
    country_pair,
    date_trip_by_its_stop,
    background_trip_is_over,
    date_as_the_series_goes_on,
    date_from_host,
    date_undated_report,
    dateline_city_for_its_country,
    event_participants,
    event_status,
    join_visitors,
    place_from_dateline,
    place_from_host,
    set_place_and_time,
    without_destination,
)
from evex.extract.triggers import TriggerMatch, find_triggers, unknown_needs
from evex.frames import EventFrame
from evex.learn.events import EVENT_FILTER, real_events
from evex.learn.model import LinearDecision, shipped_decision
from evex.learn.participants import PARTICIPANT_CHOOSER, choose_participants
from evex.learn.places import PLACE_CHOOSER, choose_places

BUILT = ("sentences", "text", "date", "headline")


class ComponentOrderError(ValueError):
    """A component needs what no component before it provides."""


@dataclass(frozen=True)
class Component:
    name: str
    needs: tuple[str, ...]
    provides: tuple[str, ...]
    run: Callable[[Doc], None]
    # The sentences (by index) whose dependencies it reads; None: none beyond other components'.
    dependencies: Callable[[Doc], set[int]] | None = None


def _persons(doc: Doc) -> None:
    doc.persons = find_persons(doc)


def _acronyms(doc: Doc) -> None:
    doc.acronyms = organisation_acronyms(doc)


def _pair(doc: Doc) -> None:
    doc.pair = country_pair(doc)


def _ministers_sides(doc: Doc) -> None:
    """Writes into `doc.persons`: a minister with no country stated in an article on the pair is of its
    side no named person holds (`pair_side_ministers`), before any rule reads persons' countries."""
    pair_side_ministers(doc.persons, doc.pair)


def _triggers(doc: Doc) -> None:
    doc.triggers = find_triggers(doc)


def _mentions(doc: Doc) -> None:
    by_sentence: dict[int, list[TriggerMatch]] = {}
    for match in doc.triggers:
        by_sentence.setdefault(match.sentence.index, []).append(match)
    doc.mentions = [describe(doc, m, by_sentence[m.sentence.index]) for m in doc.triggers]


def _events(doc: Doc) -> None:
    doc.events = merge_headline_events(group_mentions(doc.mentions, doc.persons), doc.headline)


def _attendance(doc: Doc) -> None:
    attach_attendance(doc, doc.events)


def _cooccurrence(doc: Doc) -> None:
    for event in doc.events:
        for draft in event.drafts:
            others = other_mentions(doc.events, event, draft)
            found = sentence_participants(doc, draft.match.sentence, draft.match.head, event.profile, others)
            event.attendees.extend(found)


def _frames(doc: Doc) -> None:
    frames = []
    for number, event in enumerate(doc.events, start=1):
        frame = EventFrame(local_id=f"e{number}", type=event.type, mentions=[d.mention for d in event.drafts])
        set_place_and_time(frame, event, doc.events, doc)
        frame.participants = without_destination(
            frame, event, event_participants(event, doc.persons.countries, doc.pair, doc.acronyms)
        )
        frame.status = event_status(event, frame, doc.date)
        background_trip_is_over(frame, event, doc)
        date_undated_report(frame, event, doc)
        frames.append(frame)
    date_from_host(frames, doc.events)
    date_as_the_series_goes_on(frames, doc.events)
    join_visitors(frames, doc.events)
    date_trip_by_its_stop(frames, doc.events)
    place_from_host(frames, doc.events)
    place_from_dateline(frames, doc.events, doc)
    dateline_city_for_its_country(frames, doc.events, doc)
    if not undated_events_reported(doc.genres):  # an opinion's events without a date of their own are allusions
        frames = [replace(f, local_id=f"e{n}") for n, f in enumerate((f for f in frames if f.time_evidence), start=1)]
    doc.frames = frames


def _learned(model: str, decide: Callable[[Doc, LinearDecision], list[EventFrame]]) -> Callable[[Doc], None]:
    """A component that gives the frames to `model`'s decision where `python -m bench learn` shipped it
    (the event filter drops events, the choosers pick participants or a place); none shipped, the rules'
    frames stand."""

    def run(doc: Doc) -> None:
        decision = shipped_decision(model)
        if decision is not None:
            doc.frames = decide(doc, decision)

    return run


# The rules alone: what the learned decisions are trained on and scored against (bench/learn.py).
RULE_COMPONENTS = (
    Component("persons", ("sentences", "text"), ("persons",), _persons),
    Component("acronyms", ("sentences", "text"), ("acronyms",), _acronyms, acronym_sentences),
    Component("country pair", ("sentences",), ("pair",), _pair, pair_sentences),
    Component("ministers' sides", ("persons", "pair"), ("ministers' countries",), _ministers_sides),
    Component("triggers", ("sentences", "text"), ("triggers",), _triggers, trigger_sentences),
    Component("mentions", ("triggers", "persons", "ministers' countries", "date"), ("mentions",), _mentions),
    Component("events", ("mentions", "persons", "headline"), ("events",), _events),
    Component("attendance", ("events", "persons"), ("attendance",), _attendance, attendance_sentences),
    Component("sentence participants", ("events", "persons", "attendance"), ("cooccurrence",), _cooccurrence),
    Component(
        "frames",
        ("events", "attendance", "cooccurrence", "persons", "pair", "acronyms", "date"),
        ("frames",),
        _frames,
        tour_sentences,
    ),
)
COMPONENTS = (
    *RULE_COMPONENTS,
    Component("learned event filter", ("frames", "headline", "date"), ("filtered frames",),
              _learned(EVENT_FILTER, real_events)),
    Component("learned participant chooser", ("frames", "filtered frames", "persons", "pair"), ("chosen participants",),
              _learned(PARTICIPANT_CHOOSER, choose_participants)),
    Component("learned place chooser", ("frames", "filtered frames"), ("chosen places",),
              _learned(PLACE_CHOOSER, choose_places)),
)


class Extractor:
    """Components checked once for their order, then run on each article's Doc, with one lexicon
    (trigger entries and event-type profiles: a new event type is data, see docs/extraction.md)."""

    def __init__(self, components: Sequence[Component] = COMPONENTS, lexicon: Lexicon | None = None):
        check_order(components)
        self.components = tuple(components)
        self.lexicon = lexicon or default_lexicon()
        unknown = unknown_needs(self.lexicon)
        if unknown:
            raise LexiconError(f"trigger entries need conditions no predicate checks: {', '.join(unknown)}")

    def read(self, parsed: ParsedDoc, text: str, doc_date: str | None) -> Doc:
        """The article's Doc, filled by every component: its frames and what they came from."""
        doc = build_doc(parsed, text, doc_date, self.lexicon)
        for component in self.components:
            component.run(doc)
        return doc

    def extract(self, parsed: ParsedDoc, text: str, doc_date: str | None) -> list[EventFrame]:
        return self.read(parsed, text, doc_date).frames

    def dependency_sentences(self, parsed: ParsedDoc, text: str) -> set[int]:
        """The sentences (by index) whose dependencies some component reads, told from a parse
        without them: the dependency parser's work (`evex.parse.parse_texts`)."""
        doc = build_doc(parsed, text, None, self.lexicon)
        asked = [c.dependencies(doc) for c in self.components if c.dependencies is not None]
        return reduce(set.union, asked, set())


def check_order(components: Sequence[Component]) -> None:
    available = set(BUILT)
    for component in components:
        missing = [need for need in component.needs if need not in available]
        if missing:
            raise ComponentOrderError(
                f"component {component.name!r} needs {', '.join(missing)}, which no component before it provides"
                f" (order: {', '.join(c.name for c in components)})"
            )
        available.update(component.provides)
    if "frames" not in available:
        raise ComponentOrderError("no component provides frames, the extractor's output")

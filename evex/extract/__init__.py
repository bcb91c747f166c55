"""Event extraction from one parsed article: triggers -> mentions with arguments -> events.

The article is read once into a `Doc` (evex.extract.doc) that every rule asks; rules and word
lists live in `data/*.yaml`.
"""

from __future__ import annotations

from evex.conllu import ParsedDoc
from evex.extract.arguments import describe
from evex.extract.cooccurrence import organisation_acronyms, sentence_participants
from evex.extract.doc import build_doc
from evex.extract.entities import ArgumentContext, find_persons
from evex.extract.grouping import group_mentions, merge_headline_events
from evex.extract.resolve import (
    attach_attendance,
    country_pair,
    date_undated_report,
    event_participants,
    event_status,
    join_visitors,
    without_destination,
    set_place_and_time,
)
from evex.extract.triggers import TriggerMatch, find_triggers
from evex.frames import EventFrame

__all__ = ["extract_events"]


def extract_events(doc: ParsedDoc, text: str, doc_date: str | None) -> list[EventFrame]:
    """Events of one article; `text` is the article text the parse offsets refer to and
    `doc_date` its ISO date (YYYY, YYYY-MM or YYYY-MM-DD) or None."""
    article = build_doc(doc, text, doc_date)
    entities = find_persons(article)
    ctx = ArgumentContext(doc=article, entities=entities)
    matches = find_triggers(article)
    by_sentence: dict[int, list[TriggerMatch]] = {}
    for match in matches:
        by_sentence.setdefault(match.sentence.index, []).append(match)
    drafts = [describe(ctx, m, by_sentence[m.sentence.index], doc_date) for m in matches]
    events = merge_headline_events(group_mentions(drafts, entities), article.headline)
    attach_attendance(ctx, article, events)
    pair = country_pair(article)
    acronyms = organisation_acronyms(article)
    frames = []
    for number, event in enumerate(events, start=1):
        frame = EventFrame(local_id=f"e{number}", type=event.type, mentions=[d.mention for d in event.drafts])
        set_place_and_time(frame, event, events, text)
        for draft in event.drafts:
            event.attendees.extend(sentence_participants(ctx, draft.match.sentence, draft.match.head))
        frame.participants = without_destination(
            frame, event_participants(event, entities.countries, pair, acronyms)
        )
        frame.status = event_status(event, frame, doc_date)
        date_undated_report(frame, doc_date)
        frames.append(frame)
    join_visitors(frames, events)
    return frames

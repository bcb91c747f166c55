"""Which of the events the rules found are real: the learned event filter (`event_filter`)."""

from __future__ import annotations

from dataclasses import replace

from evex.conllu import Sentence
from evex.frames import EventFrame
from evex.learn.features import article_features, event_features
from evex.learn.model import LinearDecision

EVENT_FILTER = "event_filter"


def events_features(sentences: list[Sentence], doc_date: str | None, frames: list[EventFrame],
                    headline: frozenset[int]) -> list[dict[str, float]]:
    """Each event's features, the article's own included (what training and filtering both read)."""
    shared = article_features(sentences, doc_date)
    return [{**event_features(sentences, frame, doc_date, frames, headline), **shared} for frame in frames]


def real_events(sentences: list[Sentence], doc_date: str | None, frames: list[EventFrame], headline: frozenset[int],
                decision: LinearDecision) -> list[EventFrame]:
    """The events the decision accepts, numbered again in order (e1, e2, ...)."""
    kept = [frame for frame, features in zip(frames, events_features(sentences, doc_date, frames, headline),
                                             strict=True)
            if decision.accepts(frame.type, features)]
    return [replace(frame, local_id=f"e{number}") for number, frame in enumerate(kept, start=1)]

"""Which of the events the rules found are real: the learned event filter (`event_filter`)."""

from __future__ import annotations

from dataclasses import replace

from evex.extract.doc import Doc
from evex.frames import EventFrame
from evex.learn.features import article_features, event_features
from evex.learn.model import LinearDecision

EVENT_FILTER = "event_filter"


def events_features(doc: Doc) -> list[dict[str, float]]:
    """Each of the Doc's events' features, the article's own included (what training and filtering
    both read)."""
    shared = article_features(doc.sentences, doc.date)
    return [{**event_features(doc.sentences, frame, doc.date, doc.frames, doc.headline), **shared}
            for frame in doc.frames]


def real_events(doc: Doc, decision: LinearDecision) -> list[EventFrame]:
    """The Doc's events the decision accepts, numbered again in order (e1, e2, ...)."""
    kept = [frame for frame, features in zip(doc.frames, events_features(doc), strict=True)
            if decision.accepts(frame.type, features)]
    return [replace(frame, local_id=f"e{number}") for number, frame in enumerate(kept, start=1)]

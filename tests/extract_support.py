"""Helpers the extraction tests share: the hand-written fixture parses (tests/fixtures/extract)
read whole or one `# newdoc id` article at a time, and small views of the events extracted."""

from __future__ import annotations

from pathlib import Path

from evex.conllu import ParsedDoc, read_conllu
from evex.extract import extract_events

FIXTURES = Path(__file__).parent / "fixtures" / "extract"
DOC_DATE = "2024-03-05"


def read_fixture(name: str) -> tuple[ParsedDoc, str]:
    """A whole fixture file's parse and its text, one sentence a line."""
    doc = read_conllu((FIXTURES / name).read_text(encoding="utf-8"))
    return doc, "\n".join(s.text for s in doc.sentences)


def _blocks(name: str, doc_id: str) -> list[str]:
    """The sentence blocks of one `# newdoc id` article of a fixture file."""
    docs = (FIXTURES / name).read_text(encoding="utf-8").split("# newdoc id = ")[1:]
    body = next(d for d in docs if d.split("\n", 1)[0].strip() == doc_id).split("\n", 1)[1]
    return [b.strip() for b in body.split("\n\n") if b.strip()]


def article(name: str, doc_id: str, order: list[int] | None = None) -> tuple[ParsedDoc, str]:
    """The parse and text of one article (its sentences in `order`): one sentence a line, joined by
    one character as the reader's derived offsets assume."""
    blocks = _blocks(name, doc_id)
    if order is not None:
        blocks = [blocks[i] for i in order]
    doc = read_conllu("\n\n".join(blocks) + "\n")
    return doc, "\n".join(s.text for s in doc.sentences)


def events_of(name: str, doc_id: str, doc_date: str | None = DOC_DATE):
    doc, text = article(name, doc_id)
    return extract_events(doc, text, doc_date)


def of_type(events, event_type: str):
    return [e for e in events if e.type == event_type]


def only(events, event_type: str):
    found = of_type(events, event_type)
    assert len(found) == 1, [(e.type, [m.trigger for m in e.mentions]) for e in events]
    return found[0]


def names(event) -> dict[str, str]:
    return {p.name: p.kind for p in event.participants}

"""Event extraction from one parsed article: triggers -> mentions with arguments -> events.

The article is read once into a `Doc` (evex.extract.doc); components run in a checked order
fill it (evex.extract.pipeline); rules and word lists live in `data/*.yaml`.
"""

from __future__ import annotations

from functools import cache

from evex.conllu import ParsedDoc
from evex.extract.pipeline import Extractor
from evex.frames import EventFrame

__all__ = ["extract_events"]


@cache
def default_extractor() -> Extractor:
    return Extractor()


def extract_events(doc: ParsedDoc, text: str, doc_date: str | None) -> list[EventFrame]:
    """Events of one article; `text` is the article text the parse offsets refer to and
    `doc_date` its ISO date (YYYY, YYYY-MM or YYYY-MM-DD) or None."""
    return default_extractor().extract(doc, text, doc_date)

"""The article as the rules read it: its parse, text and date, the headline, the archive's date line,
and the body, so that rules ask questions (`is this the headline?`) instead of re-walking the text.

News archives export an article as headline / date line / blank line / body; parsing ends a
sentence at every line break, so the headline is a sentence of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from evex.conllu import ParsedDoc, Sentence
from evex.ingest import date_line

SENTENCE_END = (".", "!", "?", "…", "»", '"')
MAX_HEADLINE_WORDS = 40


@dataclass
class ArticleModel:
    doc: ParsedDoc
    text: str
    doc_date: str | None
    headline: int | None  # index of the headline sentence
    date_line: int | None  # index of the archive's date line

    @property
    def body(self) -> list[Sentence]:
        skipped = {self.headline, self.date_line}
        return [s for s in self.doc.sentences if s.index not in skipped]

    def is_headline(self, sentence_index: int) -> bool:
        return sentence_index == self.headline


def read_article(doc: ParsedDoc, text: str, doc_date: str | None) -> ArticleModel:
    sentences = doc.sentences
    headline = None
    if len(sentences) > 1 and _is_headline(text, sentences[0]):
        headline = 0
    dated = next((s.index for s in sentences[:3] if date_line(text[s.start_char : s.end_char])), None)
    return ArticleModel(doc, text, doc_date, headline, dated)


def _is_headline(text: str, sentence: Sentence) -> bool:
    """The first line alone, short, with no sentence punctuation at its end, and more text below."""
    line_end = text.find("\n")
    if line_end < 0 or text[sentence.end_char : line_end].strip() or not text[line_end:].strip():
        return False
    line = text[:line_end].strip()
    return bool(line) and not line.endswith(SENTENCE_END) and len(line.split()) <= MAX_HEADLINE_WORDS

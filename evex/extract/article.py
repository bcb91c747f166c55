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
# A news story says what happened in its first sentences (the lead); a short item is all lead. Deeper
# in a long article (a feature, an opinion, a portrait, a history) an undated event is usually one
# cited from the past, not the day's news (dev-feed: 13 of 16 such events right instead of 2).
LEAD_SENTENCES = 3
SHORT_ARTICLE_SENTENCES = 20


@dataclass
class ArticleModel:
    doc: ParsedDoc
    text: str
    doc_date: str | None
    headline: frozenset[int]  # indices of the headline's sentences (a colon may split it in two)
    date_line: int | None  # index of the archive's date line

    @property
    def body(self) -> list[Sentence]:
        return [s for s in self.doc.sentences if s.index not in self.headline and s.index != self.date_line]

    def is_headline(self, sentence_index: int) -> bool:
        return sentence_index in self.headline

    def is_news_of_the_day(self, sentence_index: int) -> bool:
        """Whether an undated event said there is the article's news: in the headline or the lead,
        or anywhere in a short article."""
        body = self.body
        if len(body) < SHORT_ARTICLE_SENTENCES or self.is_headline(sentence_index):
            return True
        return any(s.index == sentence_index for s in body[:LEAD_SENTENCES])


def read_article(doc: ParsedDoc, text: str, doc_date: str | None) -> ArticleModel:
    sentences = doc.sentences
    dated = next((s.index for s in sentences[:3] if date_line(text[s.start_char : s.end_char])), None)
    return ArticleModel(doc, text, doc_date, _headline(text, sentences), dated)


def _headline(text: str, sentences: list[Sentence]) -> frozenset[int]:
    """The sentences of the first line, when that line is short, has no sentence punctuation at its
    end and has more text below."""
    line_end = text.find("\n")
    line = text[:line_end].strip() if line_end >= 0 else ""
    if not line or not text[line_end:].strip() or line.endswith(SENTENCE_END) or len(line.split()) > MAX_HEADLINE_WORDS:
        return frozenset()
    return frozenset(s.index for s in sentences if s.end_char <= line_end)

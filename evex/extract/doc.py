"""The article as every rule reads it, built once: its sentences with the tree indexed, the one
reading of the NER tags, the headline, the archive's date line and the body.

Like spaCy's `Doc`, it is made once per article from the stored parse (`evex.conllu`), the text
and the date; rules ask it questions (`sentence.children(word)`, `sentence.case_of(word)`,
`sentence.entity_spans("ORG")`, `doc.is_headline(i)`) instead of re-walking the parse. What a
question costs to answer is paid once: children are indexed when the sentence is built, and the
computed attributes (case marker, determiner, governing verb, controlling verb, ancestors) are
remembered per word. The extraction components then fill the slots below `date_line`.

News archives export an article as headline / date line / blank line / body; parsing ends a
sentence at every line break, so the headline is a sentence of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from typing import TYPE_CHECKING, TypeVar

from evex import conllu
from evex.conllu import ParsedDoc, Word
from evex.extract.genre import article_genres
from evex.extract.resources import Lexicon, default_lexicon, fold, fold_word, grammar_words, word_map, word_set
from evex.frames import EventFrame, Span
from evex.ingest import date_line

if TYPE_CHECKING:
    from evex.extract.arguments import Draft
    from evex.extract.entities import DocEntities
    from evex.extract.grouping import EventDraft
    from evex.extract.triggers import TriggerMatch

T = TypeVar("T")
SENTENCE_END = (".", "!", "?", "…", "»", '"')
MAX_HEADLINE_WORDS = 40
MAX_LABEL_WORDS = 3  # a section label above a web page's title
# A news story says what happened in its first sentences (the lead); a short item is all lead. Deeper
# in a long article (a feature, an opinion, a portrait, a history) an undated event is usually one
# cited from the past, not the day's news (dev-feed: 13 of 16 such events right instead of 2).
LEAD_SENTENCES = 3
SHORT_ARTICLE_SENTENCES = 20


class Sentence(conllu.Sentence):
    """A parsed sentence whose tree and NER tags are read once. Words are those of the stored
    parse; a word's position in its entity (B, I, E, S) and the entity's kind come from its tag,
    which Stanza puts on the token, so the words of `au` (à le) share it. The children index is
    built on the first question about the tree, as many sentences never get one."""

    def __init__(self, parsed: conllu.Sentence):
        super().__init__(parsed.text, parsed.words, parsed.index)
        self._children: dict[int, list[Word]] | None = None
        self._spans: dict[str, list[list[Word]]] = {}
        self._cases: dict[int, str] = {}
        self._determiners: dict[int, Word | None] = {}
        self._controllers: dict[int, Word] = {}
        self._remembered: dict[tuple[str, int], object] = {}

    def children(self, word: Word) -> list[Word]:
        if self._children is None:
            self._children = {}
            for child in self.words:
                self._children.setdefault(child.head, []).append(child)
        return self._children.get(word.id, [])

    def remember(self, name: str, word: Word, compute: Callable[[], T]) -> T:
        """A word's attribute that a rules module computes (the place it names), computed once."""
        key = (name, word.id)
        if key not in self._remembered:
            self._remembered[key] = compute()
        return self._remembered[key]

    # The one reader of the NER tags.

    def entity_kind(self, word: Word) -> str | None:
        """PER, ORG, LOC or MISC for a word inside a named entity, else None."""
        return _read_tag(word.ner)[1]

    def continues_entity(self, word: Word, kind: str) -> bool:
        """Inside or ending an entity of this kind (`Yves` in `Jean-Yves Le Drian`)."""
        return _read_tag(word.ner) in (("I", kind), ("E", kind))

    def begins_entity(self, word: Word, kind: str) -> bool:
        return _read_tag(word.ner) in (("B", kind), ("S", kind))

    def entity_goes_on(self, left: Word, right: Word) -> bool:
        """`right` carries on an entity that `left` opens or continues."""
        return _read_tag(right.ner)[0] in ("I", "E") and _read_tag(left.ner)[0] in ("B", "I")

    def entity_spans(self, kind: str) -> list[list[Word]]:
        """Entities of one kind; a tag repeated on the words of one token opens one entity only."""
        if kind not in self._spans:
            spans: list[list[Word]] = []
            for word in self.words:
                part, own_kind = _read_tag(word.ner)
                if own_kind != kind:
                    continue
                if part in ("B", "S") and (not spans or spans[-1][-1].token_first != word.token_first):
                    spans.append([word])
                elif spans:
                    spans[-1].append(word)
            self._spans[kind] = spans
        return self._spans[kind]

    # The tree's computed attributes; the costlier ones are remembered per word.

    def ancestors(self, word: Word) -> Iterator[Word]:
        seen = {word.id}
        head = self.head_of(word)
        while head is not None and head.id not in seen:
            seen.add(head.id)
            yield head
            head = self.head_of(head)

    def subtree(self, word: Word, stop: set[int] | None = None) -> list[Word]:
        """The word and its descendants, not entering the words in `stop` (other events' phrases)."""
        stop = stop or set()
        out: list[Word] = []
        pending = [word]
        while pending:
            current = pending.pop()
            out.append(current)
            pending.extend(c for c in self.children(current) if c.id not in stop)
        return sorted(out, key=lambda w: w.id)

    def case_of(self, word: Word) -> str:
        """The preposition introducing a nominal, folded and joined (`en présence de`, `à`, `avec`).
        An adverb the parser hangs on the nominal as a case mark is no preposition: `de nouveau en
        France` is `en`."""
        if word.id not in self._cases:
            self._cases[word.id] = self._case_of(word)
        return self._cases[word.id]

    def _case_of(self, word: Word) -> str:
        marks = [c for c in self.children(word) if c.deprel in ("case", "fixed") or c.deprel.startswith("case")]
        adverbs = word_set("entities", "adverbs_parsed_as_case")
        marks = [m for m in marks if not self._fixed_words(m) & adverbs] or marks
        parts: list[str] = []
        for mark in marks:
            parts.append(fold(mark.lemma))
            parts.extend(fold(f.lemma) for f in self.children(mark) if f.deprel == "fixed")
        return " ".join(parts)

    def _fixed_words(self, mark: Word) -> set[str]:
        return {fold_word(f.lemma) for f in self.children(mark) if f.deprel == "fixed"}

    def determiner(self, word: Word) -> Word | None:
        if word.id not in self._determiners:
            self._determiners[word.id] = next(
                (c for c in self.children(word) if c.deprel in ("det", "nmod:poss")), None
            )
        return self._determiners[word.id]

    def has_reflexive(self, verb: Word) -> bool:
        return any(
            c.upos == "PRON" and (c.feat("Reflex") == "Yes" or fold(c.lemma) in grammar_words("reflexive_pronouns")) and c.id < verb.id
            for c in self.children(verb)
            if c.deprel.startswith(("expl", "obj", "iobj"))
        )

    def governing_verb(self, word: Word) -> Word | None:
        """The verb a noun is an argument of (the trigger itself for a verb)."""
        if word.upos in ("VERB", "AUX"):
            return word
        return next((head for head in self.ancestors(word) if head.upos in ("VERB", "AUX")), None)

    def controller(self, verb: Word) -> Word:
        """Climb infinitive complements to the verb whose subject they share (se préparent à lancer)."""
        if verb.id not in self._controllers:
            self._controllers[verb.id] = self._controller(verb)
        return self._controllers[verb.id]

    def _controller(self, verb: Word) -> Word:
        while verb.deprel in ("xcomp",) or (verb.feat("VerbForm") == "Inf" and verb.deprel in ("advcl", "ccomp")):
            head = self.head_of(verb)
            if head is None or head.upos not in ("VERB", "AUX", "ADJ"):
                break
            verb = head
        return verb

    def predicate_of(self, head: Word) -> Word | None:
        """The verb that carries the event's assertion: the trigger verb, or the verb a noun is an argument of."""
        if head.upos == "VERB":
            return self.controller(head)
        governor = self.head_of(head)
        if governor is not None and governor.upos == "VERB" and head.deprel.startswith(("nsubj", "obj", "obl:arg")):
            return self.controller(governor)
        return None


@cache
def _read_tag(tag: str) -> tuple[str | None, str | None]:
    """`B-PER` -> (B, PER); `O` -> (None, None)."""
    part, dash, kind = tag.partition("-")
    return (part, kind) if dash else (None, None)


@dataclass
class Doc:
    """One article: parse, text and date, its parts, and what the extraction components add."""

    text: str
    date: str | None  # ISO (YYYY, YYYY-MM or YYYY-MM-DD) or None
    sentences: list[Sentence]
    headline: frozenset[int]  # indices of the headline's sentences (a colon may split it in two)
    date_line: int | None  # index of the archive's date line
    lexicon: Lexicon  # trigger entries and event-type profiles the rules read
    # What the components (evex.extract.pipeline) provide, in the order they run.
    persons: DocEntities | None = None  # persons with their full names and countries
    acronyms: dict[str, str] | None = None  # an organisation's short name -> the name it stands for
    pair: list[str] | None = None  # the two countries `les deux pays` means
    triggers: list[TriggerMatch] | None = None
    mentions: list[Draft] | None = None  # each trigger with the arguments around it
    events: list[EventDraft] | None = None  # mentions grouped, with who attends
    frames: list[EventFrame] | None = None

    @cached_property
    def genres(self) -> frozenset[str]:
        """The article's genres (data/genres.yaml: `sport`, `opinion`), read off all its words and its headline."""
        headline = " ".join(s.text for s in self.sentences if s.index in self.headline)
        return article_genres((w for s in self.sentences for w in s.words), headline)

    @property
    def body(self) -> list[Sentence]:
        return [s for s in self.sentences if s.index not in self.headline and s.index != self.date_line]

    def is_headline(self, sentence_index: int) -> bool:
        return sentence_index in self.headline

    def is_news_of_the_day(self, sentence_index: int) -> bool:
        """Whether an undated event said there is the article's news: in the headline or the lead,
        or anywhere in a short article."""
        body = self.body
        if len(body) < SHORT_ARTICLE_SENTENCES or self.is_headline(sentence_index):
            return True
        return any(s.index == sentence_index for s in body[:LEAD_SENTENCES])

    def span(self, sentence: Sentence, words: list[Word]) -> Span:
        """Evidence: the words' offsets in the text, with their sentence as written."""
        start = min(w.start_char for w in words)
        end = max(w.end_char for w in words)
        return Span(start, end, self.text[sentence.start_char : sentence.end_char])


def build_doc(parsed: ParsedDoc, text: str, doc_date: str | None, lexicon: Lexicon | None = None) -> Doc:
    sentences = [Sentence(s) for s in parsed.sentences]
    for sentence in sentences:
        for word in sentence.words:
            if word.upos == "VERB":
                word.lemma = repaired_lemma(word.lemma)
    dated = next((s.index for s in sentences[:3] if date_line(text[s.start_char : s.end_char])), None)
    return Doc(text, doc_date, sentences, _headline(text, sentences), dated, lexicon or default_lexicon())


@lru_cache(maxsize=4096)
def repaired_lemma(lemma: str) -> str:
    """The verb's lemma with the lemmatiser's known slips undone (data/grammar.yaml `lemma_repairs`,
    `lemma_ending_repairs`): `s'entretiendra` is a form of entretenir, `vint` of venir."""
    whole = word_map("grammar", "lemma_repairs")
    if lemma in whole:
        return whole[lemma]
    for wrong, right in word_map("grammar", "lemma_ending_repairs").items():
        if lemma.endswith(wrong):
            return lemma[: -len(wrong)] + right
    return lemma


def _headline(text: str, sentences: list[Sentence]) -> frozenset[int]:
    """The sentences of the first line, when that line is short, has no sentence punctuation at its
    end and has more text below; a web page's section label above the title (`Diplomatie`, `Haïti`:
    a first line of a few words) brings the title's line in too."""
    line_end = _headline_end(text, 0)
    if line_end is None:
        return frozenset()
    if len(text[:line_end].split()) <= MAX_LABEL_WORDS:
        line_end = _headline_end(text, line_end) or line_end
    return frozenset(s.index for s in sentences if s.end_char <= line_end)


def _headline_end(text: str, start: int) -> int | None:
    """Where the line at `start` (after the blank lines below a first line) ends, when it reads as a headline."""
    while 0 < start < len(text) and text[start].isspace():
        start += 1
    line_end = text.find("\n", start)
    line = text[start:line_end].strip() if line_end >= 0 else ""
    if not line or not text[line_end:].strip() or line.endswith(SENTENCE_END) or len(line.split()) > MAX_HEADLINE_WORDS:
        return None
    return line_end


def keys(word: Word) -> frozenset[str]:
    """Folded lemma and form of a word, singular, for lexicon membership."""
    return _keys(word.lemma, word.text)


@lru_cache(maxsize=65536)
def _keys(lemma: str, text: str) -> frozenset[str]:
    return frozenset((fold_word(lemma), fold_word(text)))


def span_head(words: list[Word]) -> Word:
    """The word of a span the others hang on (its first word where the span has no tree)."""
    ids = {w.id for w in words}
    return next((w for w in words if w.head not in ids), words[0])


def surface(text: str, words: list[Word]) -> str:
    """Text of words as written, one space where words were dropped, contractions written once."""
    pieces: list[str] = []
    last_end = -1
    for word in sorted(words, key=lambda w: w.start_char):
        if word.start_char < last_end:
            continue
        if pieces and word.start_char != last_end:
            gap = text[last_end : word.start_char]
            pieces.append(gap if gap.strip() == "" and len(gap) <= 2 else " ")
        pieces.append(text[word.start_char : word.end_char])
        last_end = word.end_char
    return "".join(pieces).strip()

"""Small dependency-tree helpers over evex.conllu sentences."""

from __future__ import annotations

from collections.abc import Iterator

from evex.conllu import Sentence, Word
from evex.extract.resources import fold, fold_word, word_set

REFLEXIVE_LEMMAS = frozenset({"se", "soi", "me", "te", "nous", "vous"})


def keys(word: Word) -> set[str]:
    """Folded lemma and form of a word, singular, for lexicon membership."""
    return {fold_word(word.lemma), fold_word(word.text)}


def ancestors(sentence: Sentence, word: Word) -> Iterator[Word]:
    seen = {word.id}
    head = sentence.head_of(word)
    while head is not None and head.id not in seen:
        seen.add(head.id)
        yield head
        head = sentence.head_of(head)


def subtree(sentence: Sentence, word: Word, stop: set[int] | None = None) -> list[Word]:
    """The word and its descendants, not entering the words in `stop` (other events' phrases)."""
    stop = stop or set()
    out: list[Word] = []
    pending = [word]
    while pending:
        current = pending.pop()
        out.append(current)
        pending.extend(c for c in sentence.children(current) if c.id not in stop)
    return sorted(out, key=lambda w: w.id)


def case_of(sentence: Sentence, word: Word) -> str:
    """The preposition introducing a nominal, folded and joined (`en présence de`, `à`, `avec`).
    An adverb the parser hangs on the nominal as a case mark is no preposition: `de nouveau en
    France` is `en`."""
    marks = [c for c in sentence.children(word) if c.deprel in ("case", "fixed") or c.deprel.startswith("case")]
    adverbs = word_set("entities", "adverbs_parsed_as_case")
    marks = [m for m in marks if not _fixed_words(sentence, m) & adverbs] or marks
    parts: list[str] = []
    for mark in marks:
        parts.append(fold(mark.lemma))
        parts.extend(fold(f.lemma) for f in sentence.children(mark) if f.deprel == "fixed")
    return " ".join(parts)


def _fixed_words(sentence: Sentence, mark: Word) -> set[str]:
    return {fold_word(f.lemma) for f in sentence.children(mark) if f.deprel == "fixed"}


def determiner(sentence: Sentence, word: Word) -> Word | None:
    for child in sentence.children(word):
        if child.deprel == "det" or (child.deprel == "nmod:poss"):
            return child
    return None


def has_reflexive(sentence: Sentence, verb: Word) -> bool:
    return any(
        c.upos == "PRON" and (c.feat("Reflex") == "Yes" or fold(c.lemma) in REFLEXIVE_LEMMAS) and c.id < verb.id
        for c in sentence.children(verb)
        if c.deprel.startswith(("expl", "obj", "iobj"))
    )


def governing_verb(sentence: Sentence, word: Word) -> Word | None:
    """The verb a noun is an argument of (the trigger itself for a verb)."""
    if word.upos in ("VERB", "AUX"):
        return word
    for head in ancestors(sentence, word):
        if head.upos in ("VERB", "AUX"):
            return head
    return None


def controller(sentence: Sentence, verb: Word) -> Word:
    """Climb infinitive complements to the verb whose subject they share (se préparent à lancer)."""
    while verb.deprel in ("xcomp",) or (verb.feat("VerbForm") == "Inf" and verb.deprel in ("advcl", "ccomp")):
        head = sentence.head_of(verb)
        if head is None or head.upos not in ("VERB", "AUX", "ADJ"):
            break
        verb = head
    return verb


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

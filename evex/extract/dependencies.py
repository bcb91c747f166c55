"""Which sentences each component reads dependencies in, told from a parse that has none yet.

The dependency parser is two thirds of a parse; evex runs it only on the sentences the extractor's
components name here (`Extractor.dependency_sentences`), each judged from words, lemmas, tags and
entities alone. Elsewhere the rules still see every word, its lemma, tags and entity, with no head
(`head` None): the entity rules (persons, acronyms) read dependencies wherever they are, and fall
back to the tags where there are none.
"""

from __future__ import annotations

from evex.conllu import Word
from evex.extract.doc import Doc, Sentence, keys
from evex.extract.gazetteer import gazetteer
from evex.extract.cooccurrence import is_acronym
from evex.extract.resources import fold, fold_word, grammar_words, word_set
from evex.extract.triggers import lexicon_matches


def trigger_sentences(doc: Doc) -> set[int]:
    """The headline and every sentence with a word of the trigger lexicon: where mentions, their
    arguments, places, times and groupings are read."""
    return set(doc.headline) | _with_lexicon_words(doc)


def _with_lexicon_words(doc: Doc) -> set[int]:
    return {s.index for s in doc.sentences if lexicon_matches(s, doc.lexicon)}


def attendance_sentences(doc: Doc) -> set[int]:
    """Sentences after the first trigger that may say who took part (`X a pris part à l'évènement`)
    or list a delegation (`accompagné de`, `Côté tunisien, ...`): `evex.extract.attendance`."""
    first = min(_with_lexicon_words(doc), default=None)
    if first is None:
        return set()
    return {s.index for s in doc.sentences[first + 1:] if _may_report_attendance(s)}


def _may_report_attendance(sentence: Sentence) -> bool:
    anaphors, verbs = word_set("triggers", "neutral_anaphors"), word_set("entities", "delegation_verbs")
    return bool(
        any(w.upos == "NOUN" and keys(w) & anaphors for w in sentence.words)
        or any(w.upos == "VERB" and keys(w) & verbs for w in sentence.words)
        or keys(sentence.words[0]) & word_set("entities", "delegation_sides")
    )


def pair_sentences(doc: Doc) -> set[int]:
    """Sentences that may speak of `les deux pays`: a pair noun and a pair numeral."""
    nouns, numerals = word_set("grammar", "pair_nouns"), grammar_words("pair_numeral")
    return {
        s.index for s in doc.sentences
        if any(fold_word(w.lemma) in nouns for w in s.words) and any(fold(w.lemma) in numerals for w in s.words)
    }


def acronym_sentences(doc: Doc) -> set[int]:
    """Sentences with an acronym in parentheses (`l'Agence française de développement (AFD)`): the
    phrase before it is the acronym's expansion."""
    return {
        s.index for s in doc.sentences
        if any(a.text == "(" and c.text == ")" and is_acronym(b.text) for a, b, c in zip(s.words, s.words[1:], s.words[2:]))
    }


def tour_sentences(doc: Doc) -> set[int]:
    """Sentences from a trip's first trigger to its last that name a locality: where a tour's stops
    are read (a visit to several cities of one country gets the country: `evex.extract.resolve`)."""
    trips = sorted(
        s.index for s in doc.sentences
        if any(m.entry.profile.has_destination for m in lexicon_matches(s, doc.lexicon))
    )
    if not trips:
        return set()
    return {s.index for s in doc.sentences[trips[0]:trips[-1] + 1] if any(_may_name_locality(s, w) for w in s.words)}


def _may_name_locality(sentence: Sentence, word: Word) -> bool:
    """A proper noun the gazetteer knows as a city, or that the tagger marks a place it does not
    know as a country or region."""
    if word.upos != "PROPN":
        return False
    place = gazetteer().lookup(word.text)
    if place is not None:
        return not place.is_country and not place.region
    return sentence.entity_kind(word) == "LOC"

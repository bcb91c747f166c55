"""Participants reported outside any trigger's clause: `X a pris part à l'évènement`,
`dès l'ouverture des travaux, Y a souligné ...`. They join the event being reported."""

from __future__ import annotations

from evex.conllu import Word
from evex.extract.doc import Doc, Sentence, keys
from evex.extract.entities import PersonMention, is_title, participants_in, person_participant, presence_words
from evex.extract.gazetteer import gazetteer
from evex.extract.resources import fold, grammar_words, word_set
from evex.frames import Participant

ATTENDANCE_KINDS = ("PER", "ORG")


def attendance(doc: Doc, sentence: Sentence) -> list[Participant]:
    """Persons and organisations a trigger-less sentence says took part in the current event."""
    anaphors = [w for w in sentence.words if w.upos == "NOUN" and keys(w) & word_set("triggers", "neutral_anaphors")]
    found: list[Participant] = []
    for anaphor in anaphors:
        verb = next((a for a in sentence.ancestors(anaphor) if a.upos == "VERB"), None)
        if verb is None:
            continue
        if _is_participation(sentence, verb):
            found.extend(_everyone(doc, sentence, verb, anaphor))
        elif anaphor.deprel.startswith(("obl", "nmod")):
            found.extend(_subjects(doc, sentence, verb))
    return [p for p in found if p.kind in ATTENDANCE_KINDS]


def delegation(doc: Doc, sentence: Sentence) -> list[Participant]:
    """Persons of a trigger-less sentence that lists a delegation (`X était accompagné de A, B et C`,
    `Côté tunisien, on cite A, B`), but for those merely present."""
    if not _lists_delegation(sentence):
        return []
    return [person_participant(doc, sentence, person, "delegation") for person in _taking_part(doc, sentence)]


def _taking_part(doc: Doc, sentence: Sentence) -> list[PersonMention]:
    """The persons of the sentence but those merely present (`en présence de`)."""
    present = presence_words(sentence)
    return [
        person
        for person in doc.persons.in_sentence(sentence.index)
        if not any(a.id in present for a in sentence.ancestors(person.words[0]))
    ]


def _lists_delegation(sentence: Sentence) -> bool:
    verbs = word_set("entities", "delegation_verbs")
    if any(w.upos == "VERB" and keys(w) & verbs and _said_of_people(sentence, w) for w in sentence.words):
        return True
    first = sentence.words[0]
    return bool(keys(first) & word_set("entities", "delegation_sides")) and any(
        gazetteer().country_of_demonym(w.text, w.lemma) for w in sentence.children(first) if w.deprel == "amod"
    )


def _said_of_people(sentence: Sentence, verb: Word) -> bool:
    """`le ministre, accompagné de`, `une délégation composée de`: a participle qualifying a noun lists
    a delegation only when that noun is a person or a group of people, not `une élite composée de`."""
    head = sentence.head_of(verb)
    if not verb.deprel.startswith("acl") or head is None:
        return True
    people = word_set("entities", "group_nouns") | word_set("entities", "side_nouns")
    return head.upos == "PROPN" or is_title(head) or bool(keys(head) & people)


def _is_participation(sentence: Sentence, verb: Word) -> bool:
    lemma = fold(verb.lemma)
    if lemma in grammar_words("take_part_verb"):
        return any(fold(c.lemma) in grammar_words("take_part_object") for c in sentence.children(verb))
    return bool(keys(verb) & word_set("triggers", "participation_verbs"))


def _subjects(doc: Doc, sentence: Sentence, verb: Word) -> list[Participant]:
    return [
        p
        for child in sentence.children(verb)
        if child.deprel.startswith("nsubj")
        for p in participants_in(doc, sentence, child, "attendance", set())
    ]


def _everyone(doc: Doc, sentence: Sentence, verb: Word, anaphor: Word) -> list[Participant]:
    """All named in the clause: its arguments and every person of the sentence but the ones merely present."""
    found: list[Participant] = []
    for child in sentence.children(verb):
        if child.id != anaphor.id and child.deprel.startswith(("nsubj", "obj", "obl")):
            found.extend(participants_in(doc, sentence, child, "attendance", set()))
    for word in sentence.words:
        if keys(word) & word_set("entities", "group_nouns") and word.deprel.startswith(("nmod", "conj", "appos")):
            found.extend(participants_in(doc, sentence, word, "attendance", set()))
    for person in _taking_part(doc, sentence):
        found.extend(participants_in(doc, sentence, person.words[0], "attendance", set()))
    return found

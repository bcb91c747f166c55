"""Trigger detection on hand-written parses: spans, support verbs, other senses, negation, habits."""

import pytest

from evex.extract.doc import build_doc
from evex.extract.triggers import find_triggers
from tests.extract_support import read_fixture

def spans(name: str) -> list[tuple[int, str, str]]:
    doc, text = read_fixture(name)
    found = []
    for match in find_triggers(build_doc(doc, text, None)):
        start = min(w.start_char for w in match.words)
        end = max(w.end_char for w in match.words)
        found.append((match.sentence.index, match.type, text[start:end]))
    return found


def test_noun_span_keeps_its_adjective_and_verb_span_starts_at_the_reflexive():
    assert spans("visit_meeting.conllu") == [
        (0, "VISIT", "arrivé"),
        (0, "VISIT", "visite officielle"),
        (1, "MEETING", "s'est longuement entretenu"),
        (2, "MEETING", "rencontre"),
    ]


def test_multi_word_trigger_over_an_elided_preposition_and_signing_verb_is_no_second_mention():
    assert spans("agreement.conllu") == [(0, "AGREEMENT", "protocole d'accord"), (1, "AGREEMENT", "conventions")]


def test_signing_verb_stands_for_the_agreement_noun_of_its_sentence():
    doc, text = read_fixture("agreement.conllu")
    protocol = find_triggers(build_doc(doc, text, None))[0]
    assert [w.text for w in protocol.satellites] == ["signer"]


def test_bare_event_noun_under_a_trigger_verb_is_part_of_it():
    found = spans("participants.conllu")
    assert (2, "MEETING", "reçu en audience") in found
    assert not any(trigger == "audience" for _, _, trigger in found)


@pytest.mark.parametrize(
    ("index", "why"),
    [
        (0, "negated: n'a pas rencontré"),
        (1, "other sense: se rendre compte"),
        (2, "press event: conférence de presse"),
        (3, "habitual: se rendent souvent"),
        (4, "standing practice: dialogue continu"),
        (5, "idiom: tomber d'accord"),
        (6, "auxiliary motion verb: allons travailler"),
        (7, "ships, reciprocal: visites réciproques de navires"),
        (8, "unspecified set: plusieurs réunions, nobody named"),
        (9, "judged in general: ces visites et ces rencontres sont très importantes"),
        (11, "unspecified set: des échanges as the subject, nobody named"),
        (12, "unspecified set: il y a beaucoup de contrats"),
        (13, "unspecified set: Beaucoup de contrats nous condamnent, de as a case mark"),
        (14, "idiom: aller à la rencontre des agriculteurs"),
        (15, "idiom: aller de Charybde en Scylla"),
        (16, "unspecified set: diverses rencontres, nobody named"),
    ],
)
def test_sentences_without_an_event(index, why):
    assert not [s for s in spans("senses.conllu") if s[0] == index], why


def test_vague_plural_beside_an_awaited_trip():
    """`Signataire de plusieurs accords avec des pays européens, Macky Sall est attendu à Paris`: the
    accords are an unspecified set though a name is elsewhere in the sentence; `est attendu à Paris` is
    an announced trip (GUIDELINES 1, VISIT triggers)."""
    assert [s for s in spans("senses.conllu") if s[0] == 10] == [(10, "VISIT", "attendu")]


def test_vague_plural_naming_its_counterparts_is_an_event():
    """`plusieurs entretiens avec A et B` (GUIDELINES 3.6), `des échanges ont eu lieu ... avec le
    ministre Paul Diop`, `diverses rencontres avec ... la coopérative Sud Riz`: the names make the set
    specific."""
    assert spans("identified_set.conllu") == [
        (0, "MEETING", "entretiens"), (1, "MEETING", "échanges"), (2, "MEETING", "rencontres")]


def test_split_contraction_keeps_the_token_offsets():
    doc, text = read_fixture("status.conllu")
    visit = find_triggers(build_doc(doc, text, None))[0]
    assert text[visit.head.start_char : visit.head.end_char] == "visite"
    du = doc.sentences[0].words[2]
    assert (du.text, text[du.start_char : du.end_char]) == ("de", "du")

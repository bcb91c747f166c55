"""Places (à X, en X, au X, a visit's destination) and status (prévu, devrait, future, present)."""

import pytest

from evex.extract import extract_events
from evex.extract.arguments import tense_of
from evex.extract.doc import build_doc
from evex.extract.location import locative_places
from tests.extract_support import read_fixture

@pytest.mark.parametrize(
    ("trigger", "location", "status"),
    [
        ("visite", "Dakar", "planned"),  # est prévue
        ("sommet", "Genève", "ongoing"),  # se tient actuellement
        ("se rendra", "Lomé", "planned"),  # future tense
        ("négociations", "Égypte", "planned"),  # devraient reprendre en Égypte
    ],
)
def test_location_and_status(trigger, location, status):
    doc, text = read_fixture("status.conllu")
    events = extract_events(doc, text, "2024-05-02")
    event = next(e for e in events if any(m.trigger == trigger for m in e.mentions))
    assert (event.location, event.status) == (location, status)


def test_contracted_au_introduces_a_country_and_a_ville_a_city():
    doc, text = read_fixture("visit_meeting.conllu")
    sentence = build_doc(doc, text, None).sentences[0]
    visite = sentence.words[12]
    places = locative_places(sentence, visite, text, set())
    assert [(p.place.name, p.place.kind) for p in places] == [("Maroc", "GPE")]
    arrive = sentence.words[6]
    assert [p.place.name for p in locative_places(sentence, arrive, text, set())] == ["Rabat"]


@pytest.mark.parametrize(
    ("fixture", "sentence", "word", "tense"),
    [
        ("visit_meeting.conllu", 0, 7, "past"),  # est arrivé
        ("status.conllu", 2, 4, "future"),  # se rendra
        ("status.conllu", 1, 4, "present"),  # se tient
        ("agreement.conllu", 0, 7, "future"),  # devraient signer un protocole
        ("status.conllu", 3, 2, "future"),  # négociations ... devraient
    ],
)
def test_tense_of_the_verb_carrying_the_trigger(fixture, sentence, word, tense):
    doc, text = read_fixture(fixture)
    s = build_doc(doc, text, None).sentences[sentence]
    assert tense_of(s, s.word(word)) == tense


def test_depuis_gives_an_open_start_and_the_present_an_ongoing_event():
    doc, text = read_fixture("status.conllu")
    events = extract_events(doc, text, "2024-06-10")
    exercise = next(e for e in events if e.type == "WORKSHOP")
    assert [m.trigger for m in exercise.mentions] == ["exercice conjoint"]
    assert (exercise.start, exercise.end, exercise.status) == ("2024-06-03", None, "ongoing")
    assert [p.name for p in exercise.participants] == ["Madagascar"]

"""Participants from the tree: subjects, objects, avec/entre, coordination, appositions, titles,
demonyms, capitals standing for governments, organisations, pronouns and surnames."""

import pytest

from evex.conllu import read_conllu
from evex.extract import extract_events
from evex.extract.doc import build_doc
from evex.extract.entities import find_persons, participants_in
from evex.extract.resources import load as load_data
from tests.extract_support import read_fixture

def events_of(name: str, doc_date: str | None = "2024-05-02"):
    doc, text = read_fixture(name)
    return extract_events(doc, text, doc_date), text


def event_with(events, trigger: str):
    return next(e for e in events if any(m.trigger == trigger for m in e.mentions))


def names(event) -> dict[str, str]:
    return {p.name: p.kind for p in event.participants}


def test_subject_and_object_groups_give_countries_and_an_organisation_without_its_demonym():
    events, _ = events_of("participants.conllu")
    meeting = event_with(events, "rencontré")
    assert names(meeting) == {"Algérie": "GPE", "ministère de la Santé": "ORG", "Maroc": "GPE"}


def test_plural_organisation_noun_is_shared_by_its_coordinated_complements():
    events, _ = events_of("participants.conllu")
    meeting = event_with(events, "réunion")
    assert names(meeting) == {
        "États-Unis": "GPE",
        "département de la défense": "ORG",
        "département du commerce": "ORG",
    }


def test_title_is_split_from_the_name_and_apposition_names_the_object():
    events, _ = events_of("participants.conllu")
    audience = event_with(events, "reçu en audience")
    by_name = {p.name: p for p in audience.participants}
    assert by_name["Karim Dali"].kind == "PER" and by_name["Karim Dali"].title == "général-major"
    assert by_name["Claire Martin"].title == "ambassadrice"
    assert by_name["France"].kind == "GPE"


def test_pronoun_subject_is_the_last_person_subject_and_avec_gives_the_counterpart():
    events, _ = events_of("participants.conllu")
    audience = event_with(events, "reçu en audience")
    assert any(m.trigger == "discussions" for m in audience.mentions)
    assert "Tunisie" in names(audience)


def test_surname_after_an_honorific_resolves_to_the_full_name():
    doc, text = read_fixture("visit_meeting.conllu")
    persons = find_persons(build_doc(doc, text, None))
    assert persons.full_name("Smith") == "John Smith"
    assert persons.countries["John Smith"] == "États-Unis"
    events, _ = events_of("visit_meeting.conllu")
    meeting = event_with(events, "s'est longuement entretenu")
    assert names(meeting) == {"John Smith": "PER", "États-Unis": "GPE", "Ali Benali": "PER"}


def test_entre_x_et_y_and_capitals_standing_for_governments():
    events, _ = events_of("agreement.conllu")
    protocol = event_with(events, "protocole d'accord")
    conventions = event_with(events, "conventions")
    assert names(protocol) == {"Sénégal": "GPE", "Gambie": "GPE"}
    assert names(conventions) == {"États-Unis": "GPE", "Algérie": "GPE"}


def test_participants_carry_their_evidence():
    events, text = events_of("participants.conllu")
    for event in events:
        for participant in event.participants:
            assert participant.evidence is not None
            assert participant.evidence.sentence in text
            assert 0 <= participant.evidence.start < participant.evidence.end <= len(text)


def one_sentence(rows: list[tuple[str, str, str, int, str, str]]):
    """Rows of (form, lemma, upos, head, deprel, ner) -> (sentence, text)."""
    text = " ".join(r[0] for r in rows)
    lines = [f"# text = {text}"] + [
        "\t".join([str(i), form, lemma, upos, "_", "_", str(head), deprel, "_", f"ner={ner}"])
        for i, (form, lemma, upos, head, deprel, ner) in enumerate(rows, start=1)
    ]
    doc = read_conllu("\n".join(lines) + "\n")
    return doc, text


def subject_participants(rows: list[tuple[str, str, str, int, str, str]], subject: int) -> list:
    """The participants that `participants_in` finds for the `nsubj` word at index `subject` of `rows`."""
    doc, text = one_sentence(rows)
    article = build_doc(doc, text, None)
    article.persons = find_persons(article)
    sentence = article.sentences[0]
    return participants_in(article, sentence, sentence.words[subject], "nsubj", set())


def entity_tags(size: int, label: str) -> list[str]:
    if size == 1:
        return [f"S-{label}"]
    return [f"B-{label}", *[f"I-{label}"] * (size - 2), f"E-{label}"]


ORGANISATIONS = load_data("entities")["organisations"]
TITLES = [t for t in load_data("entities")["titles"] if " " not in t]
ORG_NOUNS = load_data("entities")["org_nouns"]


@pytest.mark.parametrize("name", ORGANISATIONS)
def test_each_known_organisation_is_an_org_participant_as_written(name):
    parts = name.split()
    tags = entity_tags(len(parts), "ORG")
    verb = len(parts) + 1
    rows = [
        (p, p, "PROPN", verb if i == 0 else 1, "nsubj" if i == 0 else "flat:name", tags[i]) for i, p in enumerate(parts)
    ]
    rows += [("participe", "participer", "VERB", 0, "root", "O"), (".", ".", "PUNCT", verb, "punct", "O")]
    assert [(p.name, p.kind) for p in subject_participants(rows, 0)] == [(name, "ORG")]


@pytest.mark.parametrize("title", TITLES)
def test_each_title_introduces_a_person_and_stays_apart_from_the_name(title):
    rows = [
        ("le", "le", "DET", 2, "det", "O"),
        (title, title, "NOUN", 5, "nsubj", "O"),
        ("Karim", "Karim", "PROPN", 2, "appos", "B-PER"),
        ("Dali", "Dali", "PROPN", 3, "flat:name", "E-PER"),
        ("parle", "parler", "VERB", 0, "root", "O"),
    ]
    assert [(p.name, p.kind, p.title) for p in subject_participants(rows, 1)] == [("Karim Dali", "PER", title)]


@pytest.mark.parametrize("noun", ORG_NOUNS)
def test_each_organisation_noun_heads_an_org_name(noun):
    rows = [
        ("le", "le", "DET", 2, "det", "O"),
        (noun, noun, "NOUN", 6, "nsubj", "O"),
        ("de", "de", "ADP", 5, "case", "O"),
        ("la", "le", "DET", 5, "det", "O"),
        ("Culture", "culture", "NOUN", 2, "nmod", "O"),
        ("participe", "participer", "VERB", 0, "root", "O"),
    ]
    assert [(p.name, p.kind) for p in subject_participants(rows, 1)] == [(f"{noun} de la Culture", "ORG")]


def test_organiser_after_a_l_initiative_de_is_a_participant():
    rows = [
        ("un", "un", "DET", 2, "det", "O"),
        ("séminaire", "séminaire", "NOUN", 4, "nsubj", "O"),
        ("s'", "soi", "PRON", 4, "expl:pv", "O"),
        ("ouvre", "ouvrir", "VERB", 0, "root", "O"),
        ("à", "à", "ADP", 7, "case", "O"),
        ("l'", "le", "DET", 7, "det", "O"),
        ("initiative", "initiative", "NOUN", 4, "obl:mod", "O"),
        ("de", "de", "ADP", 10, "case", "O"),
        ("l'", "le", "DET", 10, "det", "O"),
        ("UNESCO", "UNESCO", "PROPN", 7, "nmod", "S-ORG"),
    ]
    doc, text = one_sentence(rows)
    events = extract_events(doc, text, None)
    assert [(p.name, p.kind, p.role) for p in events[0].participants] == [("UNESCO", "ORG", "organiser")]


def test_word_lists_do_not_overlap():
    from evex.extract.resources import word_set

    titles, groups, orgs = (word_set("entities", k) for k in ("titles", "group_nouns", "org_nouns"))
    assert not titles & groups and not titles & orgs and not groups & orgs

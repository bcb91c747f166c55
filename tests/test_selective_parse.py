"""The dependency parser runs only on the sentences extraction reads dependencies in (issue 28), with
the real Stanza models: each component's choice of sentences, the stored parse, and `evex reextract`
giving a sentence its dependencies when the rules come to read them."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

import models
from evex.conllu import read_conllu
from evex.db import get_engine
from evex.extract import default_extractor, extract_events
from evex.extract import dependencies
from evex.extract.doc import build_doc
from evex.export import frame_record
from evex.ingest import Article
from evex.load import ProcessedArticle, load_batch
from evex.parse import keep_dependencies, parse_texts
from evex.pipeline import reextract_stored
from evex.settings import Settings

HEADLINE, TRIGGER, PLAIN, ATTENDANCE, PAIR, ACRONYM, TRIP, STOP, TRIP_END = range(9)
TEXT = (
    "Une semaine chargée pour la diplomatie\n"
    "Le ministre tunisien a rencontré son homologue algérien mardi à Tunis. "
    "Le temps était doux sur la côte. "
    "Des représentants de haut niveau ont pris part à l'évènement. "
    "Les deux pays veulent faire davantage. "
    "L'Agence française de développement (AFD) finance le projet. "
    "Le président est arrivé hier en visite au Maroc. "
    "Le cortège a traversé Marrakech dans la soirée. "
    "Sa visite s'achèvera jeudi à Rabat.\n"
)


@pytest.fixture(scope="module")
def full(stanza_dir) -> str:
    """The article parsed with dependencies in every sentence, as bare Stanza does."""
    return parse_texts([TEXT], stanza_dir, False, 20000)[0].conllu


@pytest.fixture(scope="module")
def selective(stanza_dir) -> str:
    """The article as evex parses it."""
    return parse_texts([TEXT], stanza_dir, False, 20000, dependencies_for=default_extractor().dependency_sentences)[0].conllu


def tagged_doc(conllu: str):
    return build_doc(read_conllu(keep_dependencies(conllu, set())), TEXT, None)


def test_the_sentences_are_those_the_test_names(full):
    assert [s.text[:12] for s in read_conllu(full).sentences] == [
        "Une semaine ", "Le ministre ", "Le temps éta", "Des représen", "Les deux pay", "L'Agence fra",
        "Le président", "Le cortège a", "Sa visite s'"]


@pytest.mark.parametrize("choose, expected", [
    (dependencies.trigger_sentences, {HEADLINE, TRIGGER, TRIP, TRIP_END}),
    (dependencies.attendance_sentences, {ATTENDANCE}),
    (dependencies.pair_sentences, {PAIR}),
    (dependencies.acronym_sentences, {ACRONYM}),
    (dependencies.tour_sentences, {STOP, TRIP_END}),  # the trip's first sentence names a country
])
def test_each_component_names_the_sentences_it_reads_dependencies_in(full, choose, expected):
    assert choose(tagged_doc(full)) == expected


def test_attendance_is_read_only_after_a_trigger(full):
    doc = tagged_doc(full)
    doc.sentences = [s for s in doc.sentences if s.index in (HEADLINE, PLAIN, ATTENDANCE)]
    assert dependencies.attendance_sentences(doc) == set()


def test_the_parser_runs_on_the_sentences_the_extractor_names_alone(full, selective):
    needed = default_extractor().dependency_sentences(read_conllu(full), TEXT)
    assert needed == set(range(9)) - {PLAIN}
    stored = read_conllu(selective)
    assert {s.index for s in stored.sentences if s.has_dependencies} == needed
    plain = [line for line in selective.split("\n\n")[PLAIN].splitlines() if not line.startswith("#")]
    assert all(line.split("\t")[6:8] == ["_", "_"] for line in plain)
    assert all(w.head is None and w.deprel == "" for w in stored.sentences[PLAIN].words)


def test_a_sentence_gets_the_dependencies_a_full_parse_gives_it(full, selective):
    """The parser reads one sentence at a time: parsing some sentences changes none of them."""
    assert selective == keep_dependencies(full, default_extractor().dependency_sentences(read_conllu(full), TEXT))


def test_extraction_reads_the_same_events_from_either_parse(full, selective):
    events = [frame_record(f) for f in extract_events(read_conllu(full), TEXT, "2024-03-05")]
    assert events and events == [frame_record(f) for f in extract_events(read_conllu(selective), TEXT, "2024-03-05")]


def test_reextract_parses_the_sentences_the_rules_now_read_and_nothing_else(migrated_url, stanza_dir, full, selective):
    """A parse stored before the lexicon knew `rencontrer` has no dependencies in that sentence:
    reextracting gives it the full parse's, keeps the others as stored, and finds the meeting."""
    older = keep_dependencies(selective, {s.index for s in read_conllu(selective).sentences
                                         if s.has_dependencies and s.index != TRIGGER})
    article = Article("sel", "sel.txt", "0" * 64, TEXT, "2024-03-05")
    engine = get_engine(migrated_url)
    load_batch(engine, None, [ProcessedArticle(article, older, {}, frames=[])])
    assert reextract_stored(engine, Settings(stanza_resources_dir=stanza_dir)) == (1, len(extract_events(
        read_conllu(full), TEXT, "2024-03-05")))
    with Session(engine) as session:
        stored = session.scalars(select(models.Parse.content)).one()
        triggers = session.scalars(select(models.EventMention.trigger)).all()
    assert stored == selective
    assert "rencontré" in triggers

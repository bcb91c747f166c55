"""The learned decisions: a model file read and checked, events it rejects dropped by the extractor,
types it never saw left to the rules, and cross-validation folds that keep each article whole; the
participant and place choosers' candidates and features, their fit on a small example, and the
shipped models loading."""

import pytest

from bench.learn import Choice, Example, fit_chooser, fit_places, folds
from evex.extract import extract_events
from evex.extract.pipeline import RULE_COMPONENTS, Extractor
from evex.frames import EventFrame, Participant
from evex.learn import model
from evex.learn.events import EVENT_FILTER
from evex.learn.model import MODELS_DIR, LinearDecision, ModelFileError
from evex.learn.participants import PARTICIPANT_CHOOSER, Candidate, chosen_participants, events_candidates
from evex.learn.places import PLACE_CHOOSER, chosen_place, events_places
from tests.extract_support import article


def talk_in_person():
    return article("phone_calls.conllu", "talk_in_person")


@pytest.fixture
def shipped(tmp_path, monkeypatch):
    """Ship a model into a models folder of the test's own, as `python -m bench learn` would."""
    monkeypatch.setattr(model, "MODELS_DIR", tmp_path)
    model.shipped_decision.cache_clear()

    def ship(decision: LinearDecision) -> None:
        decision.to_file(tmp_path / f"{decision.name}.json")
        model.shipped_decision.cache_clear()

    yield ship
    model.shipped_decision.cache_clear()


def test_a_model_file_reads_back_as_written(tmp_path):
    decision = LinearDecision(EVENT_FILTER, frozenset({"MEETING"}), -0.5, {"type=MEETING": 1.25}, 0.3, {"events": 3})
    decision.to_file(tmp_path / "m.json")
    assert LinearDecision.from_file(tmp_path / "m.json") == decision
    assert decision.probability({"type=MEETING": 1.0}) == pytest.approx(1 / (1 + 2.718281828 ** -0.75))


@pytest.mark.parametrize("content, reason", [
    ("{", "not a model file"),
    ('{"name": "x", "types": [], "intercept": 0, "weights": {}, "threshold": "high"}', "`threshold`"),
    ('{"name": "x", "types": [], "intercept": 0, "weights": {"a": "b"}, "threshold": 0.5}', "every weight"),
])
def test_a_broken_model_file_is_a_clear_error_naming_it(tmp_path, content, reason):
    path = tmp_path / "broken.json"
    path.write_text(content)
    with pytest.raises(ModelFileError, match=reason) as error:
        LinearDecision.from_file(path)
    assert str(path) in str(error.value)


def test_the_extractor_drops_the_events_a_shipped_filter_rejects(shipped):
    doc, text = talk_in_person()
    assert [e.type for e in extract_events(doc, text, "2024-03-05")] == ["MEETING"]
    shipped(LinearDecision(EVENT_FILTER, frozenset({"MEETING"}), -10.0, {}, 0.5))
    assert extract_events(doc, text, "2024-03-05") == []


def test_a_type_the_filter_never_saw_is_left_to_the_rules(shipped):
    doc, text = talk_in_person()
    shipped(LinearDecision(EVENT_FILTER, frozenset({"VISIT"}), -10.0, {}, 0.5))
    assert [e.type for e in extract_events(doc, text, "2024-03-05")] == ["MEETING"]


def test_cross_validation_keeps_each_article_in_one_fold():
    examples = [Example(set_name, f"a{article}", index, {"x": 1.0}, index % 2 == 0)
                for set_name in ("dev", "dev-web") for article in range(7) for index in range(3)]
    seen_in_test = []
    for train, test in folds(examples):
        train_articles = {(examples[i].set_name, examples[i].doc_id) for i in train}
        test_articles = {(examples[i].set_name, examples[i].doc_id) for i in test}
        assert not train_articles & test_articles
        seen_in_test += test
    assert sorted(seen_in_test) == list(range(len(examples)))


def test_the_chooser_weighs_every_entity_of_the_article_with_what_the_rules_made_of_it():
    parsed, text = talk_in_person()
    doc = Extractor(RULE_COMPONENTS).read(parsed, text, "2024-03-05")
    [scored] = events_candidates(doc)
    features = {candidate.participant.name: f for candidate, f in scored}
    assert {"Amadou Diallo", "Adama Barrow", "Gambie", "Sénégal"} <= set(features)
    barrow = features["Adama Barrow"]
    assert barrow["chosen"] == 1.0 and barrow["role=obl:mod"] == 1.0 and barrow["sentence_distance=0"] == 1.0
    assert barrow["name:governor=homologue"] == 1.0 and barrow["title=homologue"] == 1.0
    assert features["Gambie"]["country_of_chosen"] == 1.0  # `son homologue gambien`
    senegal = features["Sénégal"]  # the capital where they talk stands for it; the rules leave it out
    assert senegal["chosen"] == 0.0 and senegal["name:case=a"] == 1.0 and senegal["name:governor=entretenir"] == 1.0


def _choices(features: dict[str, float], real: bool, copies: int) -> list[Choice]:
    return [Choice("dev", f"a{n}", 0, Candidate(Participant("X", "PER")), features, real) for n in range(copies)]


def test_a_chooser_fitted_on_a_small_example_adds_and_drops_as_it_learned():
    choices = (_choices({"type=MEETING": 1.0, "chosen": 1.0, "kind=PER": 1.0}, True, 30)
               + _choices({"type=MEETING": 1.0, "chosen": 1.0, "kind=ORG": 1.0}, False, 30)
               + _choices({"type=MEETING": 1.0, "kind=GPE": 1.0, "near": 1.0}, True, 30)
               + _choices({"type=MEETING": 1.0, "kind=GPE": 1.0}, False, 30)
               + _choices({"type=MEETING": 1.0, "kind=GPE": 1.0}, None, 30))  # an event the gold lacks: unlearned
    decision = fit_chooser(choices)
    assert decision.name == PARTICIPANT_CHOOSER and decision.types == {"MEETING"}
    person, body = Participant("Amadou Diallo", "PER", role="nsubj"), Participant("Club", "ORG", role="sentence")
    country, other = Participant("Gambie", "GPE"), Participant("Mali", "GPE")
    frame = EventFrame("e1", "MEETING", participants=[person, body])
    scored = [(Candidate(person), {"type=MEETING": 1.0, "chosen": 1.0, "kind=PER": 1.0}),
              (Candidate(body), {"type=MEETING": 1.0, "chosen": 1.0, "kind=ORG": 1.0}),
              (Candidate(country), {"type=MEETING": 1.0, "kind=GPE": 1.0, "near": 1.0}),
              (Candidate(other), {"type=MEETING": 1.0, "kind=GPE": 1.0})]
    chosen = chosen_participants(frame, scored, decision)
    assert [(p.name, p.role) for p in chosen] == [("Amadou Diallo", "nsubj"), ("Gambie", "learned")]
    visit = EventFrame("e2", "VISIT", participants=[body])
    assert chosen_participants(visit, scored, decision) == [body]  # a type it never saw: the rules' choice


def test_the_extractor_takes_the_participants_a_shipped_chooser_picks(shipped):
    doc, text = talk_in_person()
    [meeting] = extract_events(doc, text, "2024-03-05")
    assert "Adama Barrow" in {p.name for p in meeting.participants}
    shipped(LinearDecision(PARTICIPANT_CHOOSER, frozenset({"MEETING"}), -10.0, {"kind=PER": 20.0}, 0.5))
    [meeting] = extract_events(doc, text, "2024-03-05")
    assert {p.name for p in meeting.participants} == {"Amadou Diallo", "Adama Barrow"}


def test_the_place_chooser_weighs_every_place_of_the_article_and_each_city_s_country():
    parsed, text = talk_in_person()
    doc = Extractor(RULE_COMPONENTS).read(parsed, text, "2024-03-05")
    [scored] = events_places(doc)
    features = dict(scored)
    assert set(features) == {"Dakar", "Sénégal"}
    dakar, senegal = features["Dakar"], features["Sénégal"]
    assert dakar["chosen"] == 1.0 and dakar["place_kind=city"] == 1.0 and dakar["name:case=a"] == 1.0
    assert senegal.get("chosen", 0.0) == 0.0 and senegal["country_of_rules_city"] == 1.0
    assert senegal["only_as_country_of"] == 1.0 and senegal["of:governor=entretenir"] == 1.0


def test_a_place_chooser_fitted_on_a_small_example_takes_the_likeliest_place_when_sure():
    city, country = {"type=VISIT": 1.0, "place_kind=city": 1.0}, {"type=VISIT": 1.0, "place_kind=country": 1.0}
    choices = [Choice("dev", f"a{n}", 0, name, features, real) for n in range(30)
               for name, features, real in (("Dakar", city, True), ("Sénégal", country, False))]
    decision = fit_places(choices)
    assert decision.name == PLACE_CHOOSER and decision.types == {"VISIT"}
    frame = EventFrame("e1", "VISIT", location="Sénégal")
    assert chosen_place(frame, [("Sénégal", country), ("Dakar", city)], decision) == "Dakar"
    assert chosen_place(frame, [("Sénégal", country)], decision) == "Sénégal"  # none likely enough: the rules'
    assert chosen_place(EventFrame("e2", "MEETING", location="Lomé"), [("Dakar", city)], decision) == "Lomé"


def test_the_extractor_takes_the_place_a_shipped_chooser_picks(shipped):
    doc, text = talk_in_person()
    assert [e.location for e in extract_events(doc, text, "2024-03-05")] == ["Dakar"]
    shipped(LinearDecision(PLACE_CHOOSER, frozenset({"MEETING"}), -10.0, {"place_kind=country": 20.0}, 0.5))
    assert [e.location for e in extract_events(doc, text, "2024-03-05")] == ["Sénégal"]


@pytest.mark.parametrize("name", [EVENT_FILTER, PARTICIPANT_CHOOSER, PLACE_CHOOSER])
def test_a_shipped_model_loads(name):
    """What `python -m bench learn` ships must load: a broken file would stop every extraction."""
    model.shipped_decision.cache_clear()
    path = MODELS_DIR / f"{name}.json"
    decision = model.shipped_decision(name)
    assert (decision is not None) == path.is_file()
    if decision is not None:
        assert decision.name == name and decision.types and decision.weights

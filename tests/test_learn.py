"""The learned decisions: a model file read and checked, events it rejects dropped by the extractor,
types it never saw left to the rules, and cross-validation folds that keep each article whole."""

import pytest

from bench.learn import Example, folds
from evex.extract import extract_events
from evex.learn import model
from evex.learn.events import EVENT_FILTER
from evex.learn.model import LinearDecision, ModelFileError
from tests.extract_support import article


def talk_in_person():
    return article("phone_calls.conllu", "talk_in_person")


@pytest.fixture
def shipped(tmp_path, monkeypatch):
    """Ship a model into a models folder of the test's own, as `python -m bench learn` would."""
    monkeypatch.setattr(model, "MODELS_DIR", tmp_path)
    model.shipped_decision.cache_clear()

    def ship(decision: LinearDecision) -> None:
        decision.to_file(tmp_path / f"{EVENT_FILTER}.json")
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

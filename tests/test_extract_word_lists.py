"""Every word list the rules read is a list of words, and a list of another shape is refused
with the file and the key named; the grammar words keep their roles apart."""

import pytest

from evex.extract import resources
from evex.extract.resources import LexiconError, fold, grammar_words, load, word_list

LISTS = [(name, key) for name in ("entities", "triggers", "grammar") for key, value in load(name).items()
         if isinstance(value, list) and key != "triggers"]


@pytest.mark.parametrize(("name", "key"), LISTS, ids=[f"{n}:{k}" for n, k in LISTS])
def test_word_list_is_a_list_of_distinct_words(name, key):
    words = word_list(name, key)
    folded = [fold(w) for w in words]
    assert len(folded) == len(set(folded)), f"{name}.yaml: {key} repeats a word"


def test_a_word_list_of_another_shape_is_refused_naming_file_and_key(monkeypatch):
    monkeypatch.setattr(resources, "load", lambda name: {"modal_verbs": "devoir, aller"})
    with pytest.raises(LexiconError, match=r"grammar\.yaml: modal_verbs must be a list of words"):
        word_list("grammar", "modal_verbs")


def test_case_markers_are_folded_as_case_of_joins_them():
    assert {"a", "a destination de", "au sein de"} <= grammar_words("locative_cases")
    assert grammar_words("genitive_case") == {"de"}

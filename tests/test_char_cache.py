"""The character cache: the same parse as Stanza's own character models, with each word's
characters read by the LSTM once while it is remembered."""

from __future__ import annotations

import pytest

from evex.char_cache import CharacterCache, character_models
from evex.parse import load_pipeline, parse_texts

pytestmark = pytest.mark.stanza

# Hand-written; words repeat within and across sentences, and a small cache forgets some of them.
TEXTS = [
    "Le ministre des Affaires étrangères a reçu mardi le ministre de la Défense à Alger.",
    "Le président et le ministre ont signé un accord de coopération à Paris.",
    "Les deux ministres se sont rencontrés à Paris, puis à Alger, en présence du président.",
]


@pytest.fixture
def pipeline(stanza_dir):
    """The process's pipeline, its character models given back their caches afterwards."""
    nlp = load_pipeline(stanza_dir, False)
    caches = {id(model): model.__dict__.get("forward") for model in character_models(nlp)}
    yield nlp
    for model in character_models(nlp):
        model.forward = caches[id(model)]


def _set_caches(nlp, capacity: int | None) -> list[CharacterCache]:
    """A fresh cache of `capacity` words per character model, or Stanza's forward where None."""
    caches = []
    for model in character_models(nlp):
        if "forward" in model.__dict__:
            del model.forward
        if capacity is not None:
            caches.append(CharacterCache(model, capacity))
            model.forward = caches[-1].forward
    return caches


def test_the_tagger_parser_and_ner_each_have_a_cached_character_model(pipeline):
    models = character_models(pipeline)
    assert len(models) == 3
    assert all(isinstance(model.forward.__self__, CharacterCache) for model in models)


@pytest.mark.parametrize("capacity", [4, 10_000])
def test_the_parse_is_byte_for_byte_stanzas(pipeline, stanza_dir, capacity):
    _set_caches(pipeline, None)
    expected = [r.conllu for r in parse_texts(TEXTS, stanza_dir, False, 20000)]
    _set_caches(pipeline, capacity)
    assert [r.conllu for r in parse_texts(TEXTS, stanza_dir, False, 20000)] == expected
    assert [r.conllu for r in parse_texts(TEXTS, stanza_dir, False, 20000)] == expected  # remembered words


def test_a_remembered_word_is_not_read_again(pipeline, stanza_dir):
    caches = _set_caches(pipeline, 10_000)
    read: list[int] = []
    for cache in caches:
        compute = cache.compute
        cache.compute = lambda chars, *rest, compute=compute: (read.append(chars.size(0)), compute(chars, *rest))[1]
    parse_texts(TEXTS, stanza_dir, False, 20000)
    first = sum(read)
    words = sum(len(sentence.split()) for sentence in TEXTS)
    assert 0 < first < 3 * words  # three models, repeated words read once each
    read.clear()
    parse_texts(TEXTS, stanza_dir, False, 20000)
    assert sum(read) == 0


def test_the_least_recently_used_word_is_forgotten_first(pipeline, stanza_dir):
    caches = _set_caches(pipeline, 4)
    parse_texts(TEXTS[:1], stanza_dir, False, 20000)
    assert all(len(cache.slots) == 4 for cache in caches)
    assert all(sorted(cache.slots.values()) == [0, 1, 2, 3] for cache in caches)

"""Parse with the real Stanza French models: words, offsets into the original text, batching, versions."""

from __future__ import annotations

import os
import platform
import subprocess
import sys

import pytest
import stanza

from evex.conllu import read_conllu
from evex.parse import (
    ONEDNN_CACHE_VARIABLES,
    batches_by_words,
    bound_heap_growth,
    count_tokens,
    TOKENIZING,
    for_models,
    join_split_word_ends,
    load_pipeline,
    model_versions,
    parse_texts,
    release_free_memory,
    restore_offsets,
    with_line_breaks_as_boundaries,
)

TEXTS = [
    "Le ministre s’est rendu au siège du ministère à Alger.",
    "Jeudi, M. Kerry et Ramtane Lamamra ont discuté à Alger.",
    "Un protocole d’accord sera signé l’année prochaine.",
    "Visite du ministre à Alger\nMardi 5 mars 2024\n\nLe ministre est arrivé hier à Alger.\nIl repart demain.",
]


@pytest.fixture(scope="module")
def parsed(stanza_dir):
    return parse_texts(TEXTS, stanza_dir, use_gpu=False, max_words=15)


def test_every_text_is_parsed_into_words_with_lemmas_and_heads(parsed):
    assert all(result.error is None for result in parsed)
    sentence = read_conllu(parsed[0].conllu).sentences[0]
    forms = [w.text for w in sentence.words]
    assert forms[forms.index("à")+1] == "le" and "de" in forms  # au → à le, du → de le
    assert sum(1 for w in sentence.words if w.head == 0) == 1
    assert any(w.lemma == "rendre" for w in sentence.words)


def test_offsets_point_into_the_original_text_with_curly_apostrophes(parsed):
    for text, result in zip(TEXTS, parsed, strict=True):
        for word in (w for s in read_conllu(result.conllu).sentences for w in s.words):
            assert text[word.start_char : word.end_char] == word.token_text.replace("'", "’") or (
                text[word.start_char : word.end_char] == word.token_text
            )


def test_every_line_is_a_sentence_of_its_own(parsed):
    """A headline and a date line without final punctuation are not glued to the first sentence."""
    sentences = read_conllu(parsed[3].conllu).sentences
    text = TEXTS[3]
    assert [text[s.start_char : s.end_char] for s in sentences] == [
        "Visite du ministre à Alger",
        "Mardi 5 mars 2024",
        "Le ministre est arrivé hier à Alger.",
        "Il repart demain.",
    ]


def test_named_entities_are_kept(parsed):
    words = read_conllu(parsed[1].conllu).sentences[0].words
    assert any(w.ner.endswith("PER") for w in words if w.text in ("Kerry", "Lamamra"))


def test_batches_are_sized_by_words():
    assert list(batches_by_words(["a b c", "d e", "f g h i", "j"], max_words=5)) == [[0, 1], [2, 3]]


def test_text_without_spaces_counts_by_its_tokens():
    """A CSV row is one `str.split` word but a dozen of Stanza's; 2 MB of one letter is not one word."""
    assert count_tokens("1,Alger,2023-12-01") == 9 and count_tokens("a" * 300) == 10
    assert list(batches_by_words(["1,2,3,4,5,6,7,8,9,10", "a b"], max_words=5)) == [[0], [1]]


# 47 words, no full stop: a comma after 13 words, a colon after 21, a comma after 33.
LONG_SENTENCE = (
    "Les ministres des deux pays ont parlé de la coopération régionale, de la santé et des échanges : ils ont "
    "signé un accord sur la formation des jeunes, et un autre sur les routes entre les deux capitales du Maghreb"
)


def sentence_spans(text: str, max_sentence_words: int, stanza_dir) -> list[tuple[int, str]]:
    """(words, text) of each sentence of `text` parsed with that limit; every word's offsets checked."""
    (result,) = parse_texts([text], stanza_dir, False, 20000, max_sentence_words)
    spans = []
    for sentence in read_conllu(result.conllu).sentences:
        for word in sentence.words:
            assert text[word.start_char : word.end_char] == word.token_text
        spans.append((len(sentence.words), text[sentence.start_char : sentence.end_char]))
    return spans


def test_a_long_sentence_is_cut_after_the_best_boundary_that_fits(stanza_dir):
    """Within 30 words the colon wins over the earlier comma; within 20 only that comma fits."""
    assert sentence_spans(LONG_SENTENCE, 30, stanza_dir) == [
        (21, "Les ministres des deux pays ont parlé de la coopération régionale, de la santé et des échanges :"),
        (25, "ils ont signé un accord sur la formation des jeunes, et un autre sur les routes entre les deux "
             "capitales du Maghreb"),
    ]
    assert [words for words, _ in sentence_spans(LONG_SENTENCE, 20, stanza_dir)] == [13, 8, 12, 13]


def test_a_sentence_without_any_boundary_is_cut_every_n_words(stanza_dir):
    text = " ".join(["le ministre parle"] * 15)  # 45 words
    spans = sentence_spans(text, 20, stanza_dir)
    assert [words for words, _ in spans] == [20, 20, 5]
    assert " ".join(span for _, span in spans) == text


def test_text_without_a_long_sentence_is_parsed_as_by_one_plain_stanza_call(stanza_dir):
    """Byte for byte: the extraction benchmark's figures rest on today's parses. The one difference:
    the last letter the models cut off a word ending a line is given back (`Maghre` `b`)."""
    plain_texts = [with_line_breaks_as_boundaries(for_models(text)) for text in TEXTS + [LONG_SENTENCE]]
    nlp = load_pipeline(stanza_dir, False)
    tokenized = nlp.bulk_process([stanza.Document([], text=t) for t, _ in plain_texts], processors=TOKENIZING)
    plain = nlp.bulk_process([join_split_word_ends(doc) for doc in tokenized],
                             processors=[name for name in nlp.processors if name not in TOKENIZING])
    expected = [restore_offsets("{:C}".format(doc), inserted) + "\n" for doc, (_, inserted) in zip(plain, plain_texts)]
    assert [r.conllu for r in parse_texts(TEXTS + [LONG_SENTENCE], stanza_dir, False, 20000, 250)] == expected


def test_model_versions_name_each_processor(stanza_dir):
    versions = model_versions(stanza_dir)
    assert versions["stanza"] == "1.15.0"
    assert {"tokenize", "mwt", "pos", "lemma", "depparse", "pretrain"} <= set(versions)


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="the allocator is tuned on glibc only")
def test_glibc_accepts_the_heap_settings_of_a_long_parse():
    assert bound_heap_growth() is True
    release_free_memory()  # malloc_trim: must be callable between Stanza calls


LSTM_OVER_MANY_SHAPES = """
import re
from pathlib import Path
import evex.parse
import torch

def rss_mib():
    return int(re.search(r"VmRSS:\\s+(\\d+)", Path("/proc/self/status").read_text()).group(1)) / 1024

torch.set_num_threads(1)
lstm = torch.nn.LSTM(256, 256, num_layers=2, bidirectional=True, batch_first=True)
with torch.no_grad():
    lstm(torch.randn(4, 10, 256))
    before = rss_mib()
    for length in range(11, 111):  # a new input shape each time, as Stanza's batches come
        lstm(torch.randn(4, length, 256))
print(rss_mib() - before)
"""


@pytest.mark.skipif(platform.system() != "Linux", reason="reads the resident set from /proc")
def test_importing_evex_parse_stops_torch_keeping_a_kernel_per_input_shape():
    """evex turns oneDNN's kernel cache off (each shape's kernel kept its memory); a user's own
    capacity still wins."""

    def growth_mib(**cache_setting: str) -> float:
        env = {k: v for k, v in os.environ.items() if k not in ONEDNN_CACHE_VARIABLES} | cache_setting
        done = subprocess.run([sys.executable, "-c", LSTM_OVER_MANY_SHAPES], env=env, capture_output=True,
                              text=True, check=True, timeout=300)
        return float(done.stdout.split()[-1])

    evex_default = growth_mib()
    users_cache = growth_mib(ONEDNN_PRIMITIVE_CACHE_CAPACITY="1024")
    assert users_cache > 50, users_cache  # the cache the setting prevents is real on this build
    assert evex_default < users_cache / 4, (evex_default, users_cache)


def test_a_word_ending_a_line_keeps_its_last_letter(stanza_dir):
    """The models cut the last letter off some words that end a line (`Djibout` + a sentence `i`,
    `mard` `i`); evex gives it back, with offsets that still point at the word."""
    text = "Le ministre est en visite à Djibouti\nIl a rencontré le président mardi\nIl a souri"
    (result,) = parse_texts([text], stanza_dir, False, 20000)
    doc = read_conllu(result.conllu)
    words = [w for s in doc.sentences for w in s.words]
    assert {"Djibouti", "mardi", "souri"} <= {w.text for w in words}
    assert len(doc.sentences) == 3
    assert all(text[w.start_char:w.end_char] == w.text for w in words if w.start_char is not None)


def test_a_lemma_the_model_made_is_looked_up_the_next_time_and_is_the_same(stanza_dir):
    """The lemmatizer's seq2seq model runs on the words its dictionary lacks; its answer depends on the
    word and its tag alone, so the pipeline stores it and the next parse looks it up."""
    text = "Les délégués zorbanistes fraxinisaient les glombures du traité."  # invented words
    lemmatizer = load_pipeline(stanza_dir, False).processors["lemma"].trainer
    first = parse_texts([text], stanza_dir, False, 20000)[0].conllu
    words = [line.split("\t") for line in first.splitlines() if line and not line.startswith("#")]
    invented = [(form, upos, lemma) for _, form, lemma, upos, *_ in words if form in ("zorbanistes", "fraxinisaient")]
    assert len(invented) == 2
    assert [lemmatizer._lookup(form, upos) for form, upos, _ in invented] == [lemma for *_, lemma in invented]
    assert parse_texts([text], stanza_dir, False, 20000)[0].conllu == first

"""The silver labels `python -m bench ner` trains evex's NER model on: spaCy's spans moved onto Stanza's
tokens, then corrected by evex's own lists (hand-written sentences; spaCy itself is not needed here)."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from bench.ner import Corrections, Span, bioes, entity_set, prune_delta, token_spans


@dataclass
class Ent:
    start_char: int
    end_char: int
    label_: str


def test_a_span_cut_inside_a_token_drops_the_sentence_but_an_elision_does_not():
    tokens = [(0, 2), (3, 11)]  # `le Mali-Niger`: one token
    assert token_spans([Ent(3, 7, "LOC")], tokens) is None
    elided = [(0, 9)]  # `l'Algérie` kept whole
    assert token_spans([Ent(2, 9, "LOC")], elided) == [Span(0, 1, "LOC")]


def test_corrections_keep_titles_and_articles_out_of_names_and_fix_places():
    corrections = Corrections.load()
    words = "Le Général-Major Mounir Zahi a reçu la France et les Algériens à Djibouti".split()
    spans = [Span(1, 4, "ORG"), Span(6, 8, "LOC"), Span(9, 11, "PER"), Span(12, 13, "PER")]
    assert corrections.apply(words, spans) == [Span(2, 4, "PER"), Span(7, 8, "LOC"), Span(12, 13, "LOC")]


def test_a_title_alone_is_no_name():
    words = "Le Président a reçu le Premier ministre".split()
    assert Corrections.load().apply(words, [Span(1, 2, "PER"), Span(5, 7, "PER")]) == []


def test_bioes_round_trips_through_entity_set():
    spans = [Span(0, 1, "PER"), Span(2, 5, "ORG")]
    tags = bioes(6, spans)
    assert tags == ["S-PER", "O", "B-ORG", "I-ORG", "E-ORG", "O"]
    assert entity_set(tags) == {(0, 1, "PER"), (2, 5, "ORG")}


def test_pruning_keeps_the_word_vectors_that_moved_most():
    units = ["<PAD>", "<UNK>", "<EMPTY>", "<ROOT>", "de", "paris", "la"]
    weights = torch.zeros(len(units), 2)
    weights[5] = torch.tensor([3.0, 4.0])
    weights[6] = torch.tensor([1.0, 0.0])
    checkpoint = {"model": {"delta_emb.weight": weights},
                  "vocab": {"delta": {"_id2unit": units, "_unit2id": {u: k for k, u in enumerate(units)},
                                      "ignore": ["x"]}}}
    prune_delta(checkpoint, 6)
    vocab = checkpoint["vocab"]["delta"]
    assert vocab["_id2unit"] == ["<PAD>", "<UNK>", "<EMPTY>", "<ROOT>", "paris", "la"]
    assert vocab["_unit2id"]["paris"] == 4 and vocab["ignore"] == []
    assert checkpoint["model"]["delta_emb.weight"][4].tolist() == [3.0, 4.0]

"""Multi-word tokens the dictionary knows skip the seq2seq model: the same expansions as Stanza's
own MWT processor, the model run on the other tokens only."""

from __future__ import annotations

import pytest
import stanza

from evex.mwt_dictionary import expand_with_dictionary_first
from evex.parse import TOKENIZING, load_pipeline

pytestmark = pytest.mark.stanza

# Hand-written: contractions the dictionary knows (du, des, au, aux) and typos it does not (aus, dus),
# which the tokenizer still takes for contractions.
TEXTS = [
    "Le ministre du Commerce est arrivé au siège des Nations unies et aux bureaux du président.",
    "Les accords auxquels le gouvernement tient datent du mois dernier; ils vont aus marché, dus marché.",
    "Ils ont parlé du projet, des accords et du budget auquel le ministre tient.",
    "Rien à signaler ce matin.",
]


@pytest.fixture
def nlp(stanza_dir):
    return load_pipeline(stanza_dir, False)


def _tokenized(nlp) -> list[str]:
    documents = nlp.bulk_process([stanza.Document([], text=text) for text in TEXTS], processors=TOKENIZING)
    return ["{:C}".format(document) for document in documents]


def test_the_pipeline_expands_known_tokens_by_dictionary(nlp):
    assert nlp.processors["mwt"].process.__name__ == "<lambda>"
    assert nlp.processors["mwt"].config.get("ensemble_dict")


def test_the_expansions_are_stanzas(nlp):
    processor = nlp.processors["mwt"]
    ours = _tokenized(nlp)
    processor.process = type(processor).process.__get__(processor)
    try:
        assert _tokenized(nlp) == ours
    finally:
        processor.process = lambda document: expand_with_dictionary_first(processor, document)
    rows = [line.split("\t")[1] for line in ours[0].splitlines() if not line.startswith("#")]
    assert rows[2:5] == ["du", "de", "le"]  # from the dictionary


def test_the_model_reads_only_tokens_the_dictionary_does_not_know(nlp):
    trainer = nlp.processors["mwt"].trainer
    read: list[str] = []
    predict = trainer.predict

    def counting(batch, *args, **kwargs):
        predictions = predict(batch, *args, **kwargs)
        read.extend(predictions)
        return predictions

    trainer.predict = counting
    try:
        documents = _tokenized(nlp)
    finally:
        del trainer.predict
    tokens = [line.split("\t")[1] for document in documents for line in document.splitlines()
              if "-" in line.split("\t")[0]]
    known = [token for token in tokens if trainer.dict_expansion(token) is not None]
    assert known and len(known) < len(tokens) and len(read) == len(tokens) - len(known)

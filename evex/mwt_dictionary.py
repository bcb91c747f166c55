"""Multi-word tokens the expander's dictionary knows skip its seq2seq model.

Stanza's MWT processor runs its seq2seq model on every multi-word token (`du`, `des`, `au`, `aux`:
French says them in almost every sentence), then lets the dictionary of the model's training data
override the model wherever it knows the token. The model's answer for a token the dictionary knows
is thrown away: evex runs the model on the other tokens only, with the same expansions.
"""

from __future__ import annotations


def expand_known_tokens_by_dictionary(nlp) -> bool:
    """The pipeline's MWT processor with `expand_with_dictionary_first` as its `process`, where it
    ensembles the dictionary with the model (as evex's and Stanza's French models do)."""
    processor = nlp.processors.get("mwt")
    config = processor.config if processor is not None else {}
    if processor is None or config.get("dict_only") or not config.get("ensemble_dict"):
        return False
    processor.process = lambda document: expand_with_dictionary_first(processor, document)
    return True


def expand_with_dictionary_first(processor, document):
    """Stanza's `MWTProcessor.process` for an ensemble of dictionary and model, the model run on the
    tokens the dictionary does not know."""
    import torch

    batch = processor.build_batch(document)
    trainer = processor.trainer
    known = [trainer.dict_expansion(token) for token in batch.doc.get_mwt_expansions(evaluation=True)]
    batch.data = [datum for datum, expansion in zip(batch.data, known, strict=True) if expansion is None]
    batch.num_examples = len(batch.data)
    predicted = []
    if batch.data:
        with torch.no_grad():
            for part in batch.to_loader():
                predicted += trainer.predict(part, never_decode_unk=True, vocab=batch.vocab)
    from_model = iter(predicted)
    expansions = [expansion if expansion is not None else next(from_model) for expansion in known]
    batch.doc.set_mwt_expansions(expansions, process_manual_expanded=False)
    return batch.doc

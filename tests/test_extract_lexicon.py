"""The trigger lexicon entry by entry: each entry is well formed, unique, and matches a tiny
generated sentence that satisfies its conditions; each excluded context removes it."""

import pytest

from evex.conllu import read_conllu
from evex.extract.doc import build_doc
from evex.extract.resources import TriggerEntry, default_lexicon, fold_word, load
from evex.extract import triggers
from evex.extract.triggers import find_triggers
from evex.frames import EVENT_TYPES

RAW_ENTRIES = load("triggers")["triggers"]
NEEDS = set(triggers.NEEDS) | triggers.SENTENCE_NEEDS


def entry_for(raw: dict) -> TriggerEntry:
    key = " ".join(fold_word(w) for w in raw["words"])
    return next(e for e in default_lexicon().entries if e.key == key and e.pos == raw["pos"])


def conllu(rows: list[tuple]) -> str:
    """Rows of (form, lemma, upos, feats, head, deprel, misc) -> one CoNLL-U sentence."""
    text = " ".join(r[0] for r in rows)
    lines = [f"# text = {text}"]
    for i, (form, lemma, upos, feats, head, deprel, misc) in enumerate(rows, start=1):
        lines.append("\t".join([str(i), form, lemma, upos, "_", feats, str(head), deprel, "_", misc]))
    return "\n".join(lines) + "\n"


def noun_sentence(raw: dict, extra: str | None = None) -> str:
    """`Une <trigger> [conjoint] a eu lieu à Paris [de <extra>] .` with the trigger as subject."""
    words = raw["words"]
    plural = raw.get("needs") == "plural"
    rows = [("Une", "un", "DET", "_", 2, "det", "_")]
    for k, word in enumerate(words):
        if k == 0:
            form = word + "s" if plural else word
            rows.append((form, word, "NOUN", "Number=Plur" if plural else "Number=Sing", 0, "nsubj", "_"))
        else:
            rows.append((word, word, "ADP" if word in ("de", "à") else "ADJ", "_", 2, "fixed", "_"))
    if raw.get("needs") == "joint":
        rows.append(("conjoint", "conjoint", "ADJ", "_", 2, "amod", "_"))
    verb = len(rows) + 2
    rows += [
        ("a", "avoir", "AUX", "Mood=Ind|Tense=Pres|VerbForm=Fin", verb, "aux:tense", "_"),
        ("eu", "avoir", "VERB", "Tense=Past|VerbForm=Part", 0, "root", "_"),
        ("lieu", "lieu", "NOUN", "_", verb, "obj", "_"),
        ("à", "à", "ADP", "_", len(rows) + 5, "case", "_"),
        ("Paris", "Paris", "PROPN", "_", 2, "nmod", "ner=S-LOC"),
    ]
    if extra:
        rows += [("de", "de", "ADP", "_", len(rows) + 2, "case", "_"), (extra, extra, "NOUN", "_", 2, "nmod", "_")]
    rows.append((".", ".", "PUNCT", "_", verb, "punct", "_"))
    rows[1] = rows[1][:4] + (verb,) + rows[1][5:]
    return conllu(rows)


def verb_sentence(raw: dict, extra: str | None = None) -> str:
    """`Le ministre [se] <trigger> la délégation avec homologue à Paris [<extra>] .`"""
    reflexive = raw.get("needs") == "reflexive"
    verb = 4 if reflexive else 3
    rows = [("Le", "le", "DET", "_", 2, "det", "_"), ("ministre", "ministre", "NOUN", "_", verb, "nsubj", "_")]
    if reflexive:
        rows.append(("se", "soi", "PRON", "Reflex=Yes", verb, "expl:pv", "_"))
    word, *rest = raw["words"]
    rows.append((word, word, "VERB", "Mood=Ind|Tense=Pres|VerbForm=Fin", 0, "root", "_"))
    rows += [(w, w, "NOUN", "_", verb, "obj", "_") for w in rest]  # `foule le sol`: the rest as its object
    at = verb + len(rest)
    rows += [
        ("la", "le", "DET", "_", at + 2, "det", "_"),
        ("délégation", "délégation", "NOUN", "_", verb, "obj", "_"),
        ("avec", "avec", "ADP", "_", at + 4, "case", "_"),
        ("homologue", "homologue", "NOUN", "_", verb, "obl:arg", "_"),
        ("à", "à", "ADP", "_", at + 6, "case", "_"),
        ("Paris", "Paris", "PROPN", "_", verb, "obl:mod", "ner=S-LOC"),
    ]
    if extra:
        rows.append((extra, extra, "NOUN", "_", verb, "obj", "_"))
    rows.append((".", ".", "PUNCT", "_", verb, "punct", "_"))
    return conllu(rows)


def passive_sentence(raw: dict) -> str:
    """`20 officiers ont été <trigger> à Paris .`: a counted group as the passive's subject."""
    rows = [
        ("20", "20", "NUM", "NumType=Card", 2, "nummod", "_"),
        ("officiers", "officier", "NOUN", "Number=Plur", 5, "nsubj:pass", "_"),
        ("ont", "avoir", "AUX", "Mood=Ind|Tense=Pres|VerbForm=Fin", 5, "aux:tense", "_"),
        ("été", "être", "AUX", "Tense=Past|VerbForm=Part", 5, "aux:pass", "_"),
        (raw["words"][0], raw["words"][0], "VERB", "Tense=Past|VerbForm=Part|Voice=Pass", 0, "root", "_"),
        ("à", "à", "ADP", "_", 7, "case", "_"),
        ("Paris", "Paris", "PROPN", "_", 5, "obl:mod", "ner=S-LOC"),
        (".", ".", "PUNCT", "_", 5, "punct", "_"),
    ]
    return conllu(rows)


def sentence_for(raw: dict) -> str:
    if raw["pos"] == "NOUN":
        return noun_sentence(raw)
    return passive_sentence(raw) if raw.get("needs") == "trained_group" else verb_sentence(raw)


def triggers_of(conllu_text: str):
    doc = read_conllu(conllu_text)
    return find_triggers(build_doc(doc, "\n".join(s.text for s in doc.sentences), None))


def entry_id(raw: dict) -> str:
    return f"{raw['pos']}:{' '.join(raw['words'])}"


@pytest.mark.parametrize("raw", RAW_ENTRIES, ids=entry_id)
def test_entry_is_well_formed(raw):
    assert raw["pos"] in ("NOUN", "VERB")
    assert raw["type"] in EVENT_TYPES
    assert raw.get("needs") in NEEDS | {None}
    assert raw["words"] and all(isinstance(w, str) and w.strip() for w in raw["words"])
    assert set(raw) <= {"words", "pos", "type", "anaphoric", "needs", "arrival", "open_trip", "stay", "part", "announced", "exclude", "other_sense_in"}


def test_entries_are_unique():
    keys = [(e.key, e.pos) for e in default_lexicon().entries]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("raw", RAW_ENTRIES, ids=entry_id)
def test_entry_matches_a_sentence_meeting_its_conditions(raw):
    sentence = sentence_for(raw)
    found = triggers_of(sentence)
    assert len(found) == 1, sentence
    assert found[0].entry == entry_for(raw)
    assert found[0].type == raw["type"]


EXCLUSIONS = [(raw, word) for raw in RAW_ENTRIES for word in raw.get("exclude", [])]


@pytest.mark.parametrize(("raw", "word"), EXCLUSIONS, ids=[f"{entry_id(r)}-{w}" for r, w in EXCLUSIONS])
def test_each_excluded_context_removes_the_entry(raw, word):
    sentence = noun_sentence(raw, extra=word) if raw["pos"] == "NOUN" else verb_sentence(raw, extra=word)
    assert all(m.entry != entry_for(raw) for m in triggers_of(sentence)), sentence


CONDITIONAL = [raw for raw in RAW_ENTRIES if raw.get("needs") in ("reflexive", "destination", "plural", "joint")]


@pytest.mark.parametrize("raw", CONDITIONAL, ids=entry_id)
def test_entry_is_not_matched_when_its_condition_fails(raw):
    bare = dict(raw, needs=None)
    if raw["pos"] == "NOUN":
        sentence = noun_sentence(bare).replace("\tnmod\t_\tner=S-LOC", "\tnmod\t_\t_").replace("à Paris", "de Paris")
        sentence = sentence.replace("\tà\tà\tADP", "\tde\tde\tADP")
    else:
        sentence = verb_sentence(bare).replace("\tà\tà\tADP", "\tde\tde\tADP").replace(" à Paris", " de Paris")
    assert all(m.entry != entry_for(raw) for m in triggers_of(sentence)), sentence


@pytest.mark.parametrize("idiom", load("triggers")["idioms"])
def test_each_idiom_contains_a_trigger_word(idiom):
    first_words = {e.words[0] for e in default_lexicon().entries}
    words = {fold_word(w) for w in idiom.replace("'", "' ").split()}
    assert words & first_words


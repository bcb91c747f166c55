"""`python -m bench ner --workdir W`: train a French NER model (W/ner_fr.pt) with Stanza's own trainer on
silver labels: spaCy `fr_core_news_md`'s entities on the unlabelled news archive (../shared/data/news-fr),
moved onto Stanza's own tokens (the NER model reads tokens), corrected by evex's gazetteer and title lists.

The archive's text stays in the workdir (it must never enter the repository); the model is stored in fp16
as the shared models are. It is not shipped: it lost to the models folder's NER model on `bench quality`
(docs/quality.md); shipping one means passing `ner_model_path` in `evex.parse.load_pipeline` and hashing
that file in `model_versions`. Needs the `train` extra (spaCy and its French model). `--agreement MODEL`
only scores a model's entities against spaCy's on held-out text.
"""

from __future__ import annotations

import json
import logging
import os
import random
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from evex.extract.resources import fold, load
from evex.parse import LANG, for_models, with_line_breaks_as_boundaries

log = logging.getLogger(__name__)

SPACY_MODEL = "fr_core_news_md"
LABELS = {"PER", "LOC", "ORG", "MISC"}
MIN_TOKENS, MAX_TOKENS = 4, 80  # headlines and fragments below, lists and run-on cuts above
DEV_SENTENCES = 600  # from articles kept apart; scored every eval interval, so small
DETERMINERS = {"le", "la", "les", "l'"}
MAX_DELTA_WORDS = 16_000  # fine-tuned word vectors kept (largest changes first): the model stays under 10 MB
UD_HELD_OUT = "UD_French-GSD/fr_gsd-ud-test.conllu"


@dataclass
class Span:
    start: int  # first token
    end: int  # past the last token
    label: str


def tokenizer(stanza_dir: Path):
    """Stanza's tokenizer alone, as evex runs it (the NER model reads Stanza's tokens, not words)."""
    import stanza

    return stanza.Pipeline(LANG, dir=str(stanza_dir), processors="tokenize", download_method=None, use_gpu=False,
                           logging_level="WARN")


def token_spans(ents, tokens: list[tuple[int, int]]) -> list[Span] | None:
    """spaCy's entities (character spans) as token spans of one sentence; None when an entity boundary
    falls inside a token other than at an elision (`l'Algérie` kept whole), so the sentence is dropped."""
    spans = []
    for ent in ents:
        inside = [k for k, (start, end) in enumerate(tokens) if start < ent.end_char and end > ent.start_char]
        if not inside:
            continue
        first, last = inside[0], inside[-1]
        if tokens[last][1] > ent.end_char or ent.start_char - tokens[first][0] > 2:
            return None
        spans.append(Span(first, last + 1, ent.label_))
    return spans


@dataclass(frozen=True)
class Corrections:
    """evex's own lists, which fix what the silver tagger is known to get wrong."""
    places: frozenset[str]  # folded country, city and region names: LOC
    demonyms: frozenset[str]  # folded demonym forms: no entity
    organisations: frozenset[str]  # folded organisation names: ORG
    titles: frozenset[str]  # folded honorifics and one-word titles: kept out of a name

    @classmethod
    def load(cls) -> Corrections:
        from evex.extract.gazetteer import gazetteer

        places = gazetteer()
        entities = load("entities")
        titles = {fold(t) for t in entities["honorifics"] + entities["titles"]}
        parts = {part for title in titles for part in title.split() if part not in {"de", "d'", "la", "l'", "du"}}
        return cls(frozenset(places.places), frozenset(places.demonyms),
                   frozenset(fold(o) for o in entities["organisations"]), frozenset(titles | parts))

    def apply(self, words: list[str], spans: list[Span]) -> list[Span]:
        fixed = []
        for span in spans:
            start = span.start
            while start < span.end - 1 and words[start].lower() in DETERMINERS:
                start += 1  # `la France`: the name alone, as Stanza's training data and evex's rules have it
            span = Span(start, span.end, span.label)
            if all(fold(word) in self.titles for word in words[start:span.end]):
                continue  # `Président`, `Monsieur` alone: spaCy's most frequent one-word PER, no name
            while start < span.end - 1 and fold(words[start]) in self.titles:
                start += 1  # `Général-Major Mounir Zahi`, `Président Tebboune`: the name alone
            if start > span.start:
                if not words[start][:1].isupper():
                    continue
                label = "PER" if span.label in ("ORG", "MISC") and span.end - start <= 3 else span.label
                span = Span(start, span.end, label)
            key = fold(" ".join(words[span.start:span.end]))
            if key in self.demonyms:
                continue
            if key in self.places:
                span = Span(span.start, span.end, "LOC")
            elif key in self.organisations:
                span = Span(span.start, span.end, "ORG")
            fixed.append(span)
        return fixed


def bioes(length: int, spans: list[Span]) -> list[str]:
    tags = ["O"] * length
    for span in spans:
        if span.end - span.start == 1:
            tags[span.start] = f"S-{span.label}"
            continue
        tags[span.start] = f"B-{span.label}"
        for k in range(span.start + 1, span.end - 1):
            tags[k] = f"I-{span.label}"
        tags[span.end - 1] = f"E-{span.label}"
    return tags


def silver_sentences(texts: list[str], nlp_tokenize, nlp_spacy, corrections: Corrections | None,
                     seen: set[str]) -> list[list[dict]]:
    """Stanza-tokenized sentences of `texts`, each token with its BIOES tag from spaCy (and corrections)."""
    prepared = [with_line_breaks_as_boundaries(for_models(text))[0] for text in texts]
    import stanza

    documents = nlp_tokenize.bulk_process([stanza.Document([], text=text) for text in prepared])
    out = []
    for text, document, labelled in zip(prepared, documents, nlp_spacy.pipe(prepared, batch_size=16), strict=True):
        ents = sorted((e for e in labelled.ents if e.label_ in LABELS), key=lambda e: e.start_char)
        for sentence in document.sentences:
            tokens = [(t.start_char, t.end_char) for t in sentence.tokens]
            words = [t.text for t in sentence.tokens]
            if not MIN_TOKENS <= len(words) <= MAX_TOKENS:
                continue
            key = " ".join(words)
            if key in seen:
                continue
            seen.add(key)
            lo, hi = tokens[0][0], tokens[-1][1]
            spans = token_spans([e for e in ents if e.start_char < hi and e.end_char > lo], tokens)
            if spans is None:
                continue
            if corrections is not None:
                spans = corrections.apply(words, spans)
            out.append([{"text": w, "ner": tag} for w, tag in zip(words, bioes(len(words), spans), strict=True)])
    return out


def archive_texts(archive: Path) -> list[str]:
    texts = []
    with archive.open(encoding="utf-8") as lines:
        for line in lines:
            article = json.loads(line)
            texts.append(f"{article.get('title', '').strip()}\n{article['text']}".strip())
    return texts


def build_data(workdir: Path, archive: Path, stanza_dir: Path, sentences: int, seed: int) -> tuple[Path, Path]:
    """train.json and dev.json in `workdir` (dev from articles apart from train's)."""
    import spacy

    train_file, dev_file = workdir / "train.json", workdir / "dev.json"
    if train_file.exists() and dev_file.exists():
        log.info("silver data already in %s", workdir)
        return train_file, dev_file
    texts = archive_texts(archive)
    random.Random(seed).shuffle(texts)
    nlp_tokenize = tokenizer(stanza_dir)
    nlp_spacy = spacy.load(SPACY_MODEL, disable=["parser", "lemmatizer", "morphologizer", "attribute_ruler"])
    nlp_spacy.max_length = 2_000_000
    corrections = Corrections.load()
    seen: set[str] = set()
    dev, train = [], []
    start, k, step = time.time(), 0, 20
    while k < len(texts) and len(train) < sentences:
        batch = silver_sentences(texts[k:k + step], nlp_tokenize, nlp_spacy, corrections, seen)
        (dev if len(dev) < DEV_SENTENCES else train).extend(batch)
        k += step
        if k % 200 == 0:
            log.info("%d articles, %d train + %d dev sentences, %.0f s", k, len(train), len(dev), time.time() - start)
    train = train[:sentences]
    train_file.write_text(json.dumps(train, ensure_ascii=False), encoding="utf-8")
    dev_file.write_text(json.dumps(dev, ensure_ascii=False), encoding="utf-8")
    tags = Counter(tag[2:] for sentence in train for token in sentence if (tag := token["ner"])[:2] in ("B-", "S-"))
    log.info("silver data: %d train, %d dev sentences from %d articles (%.0f s); train entities %s",
             len(train), len(dev), k, time.time() - start, dict(tags))
    return train_file, dev_file


def train(workdir: Path, stanza_dir: Path, train_file: Path, dev_file: Path, max_steps: int,
          eval_interval: int) -> Path:
    """Stanza's NER trainer, on CPU with one thread (the machine is shared), no character LM."""
    save_dir = workdir / "model"
    command = [
        sys.executable, "-m", "stanza.models.ner_tagger", "--mode", "train", "--shorthand", "fr_evex",
        "--train_file", str(train_file), "--eval_file", str(dev_file),
        "--wordvec_pretrain_file", str(stanza_dir / LANG / "pretrain" / "evex.pt"),
        "--save_dir", str(save_dir), "--save_name", "fr_evex_nertagger.pt",
        "--max_steps", str(max_steps), "--eval_interval", str(eval_interval), "--log_step", "100",
        "--emb_finetune_known_only", "--cpu",
    ]
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    log.info("training: %s", " ".join(command))
    subprocess.run(["nice", "-n", "10", *command], check=True, env=env)
    return save_dir / "fr_evex_nertagger.pt"


def to_fp16(trained: Path, target: Path) -> None:
    """The weights in fp16, as the shared models are stored (Stanza loads them unchanged)."""
    import torch

    checkpoint = torch.load(trained, map_location="cpu", weights_only=False)
    prune_delta(checkpoint, MAX_DELTA_WORDS)
    checkpoint["model"] = {name: tensor.half() if tensor.is_floating_point() else tensor
                           for name, tensor in checkpoint["model"].items()}
    for key in ("train_file", "eval_file", "wordvec_pretrain_file", "save_dir"):
        checkpoint["config"][key] = Path(str(checkpoint["config"][key])).name
    checkpoint["config"]["device"] = "cpu"
    target.parent.mkdir(parents=True, exist_ok=True)
    torch.save(checkpoint, target)


def prune_delta(checkpoint: dict, keep: int) -> None:
    """Only the `keep` fine-tuned word vectors that moved most: a word without one reads its pretrained
    vector alone (Stanza gives a known word missing from the delta vocabulary a zero delta)."""
    import torch

    weights = checkpoint["model"]["delta_emb.weight"]
    vocab = checkpoint["vocab"]["delta"]
    vocab["ignore"] = []  # only read while building the vocabulary
    if len(weights) <= keep:
        return
    specials = 4  # <PAD> <UNK> <EMPTY> <ROOT>
    moved = weights[specials:].float().norm(dim=1).argsort(descending=True)[: keep - specials] + specials
    rows = torch.cat([torch.arange(specials), moved.sort().values])
    vocab["_id2unit"] = [vocab["_id2unit"][k] for k in rows.tolist()]
    vocab["_unit2id"] = {unit: k for k, unit in enumerate(vocab["_id2unit"])}
    checkpoint["model"]["delta_emb.weight"] = weights[rows].clone()


def spacy_sentences(stanza_dir: Path, texts: list[str], corrected: bool) -> list[list[dict]]:
    """`texts` on Stanza's tokens, tagged with spaCy's entities (as corrected for training if `corrected`)."""
    import spacy

    nlp_spacy = spacy.load(SPACY_MODEL, disable=["parser", "lemmatizer", "morphologizer", "attribute_ruler"])
    return silver_sentences(texts, tokenizer(stanza_dir), nlp_spacy, Corrections.load() if corrected else None, set())


def agreement(stanza_dir: Path, model: Path, gold: list[list[dict]]) -> dict[str, float]:
    """Entity F1 (per label and over all) of `model` against the tags of `gold` (sentences of tokens)."""
    import stanza

    ner = stanza.Pipeline(LANG, dir=str(stanza_dir), processors="tokenize,ner", ner_model_path=str(model),
                          tokenize_pretokenized=True, download_method=None, use_gpu=False, logging_level="WARN")
    predicted = ner.process([[token["text"] for token in sentence] for sentence in gold])
    counts: Counter = Counter()
    for sentence, parsed in zip(gold, predicted.sentences, strict=True):
        want = entity_set([token["ner"] for token in sentence])
        got = entity_set([token.ner for token in parsed.tokens])
        for label in LABELS | {"ALL"}:
            w = {e for e in want if label in ("ALL", e[2])}
            g = {e for e in got if label in ("ALL", e[2])}
            counts[label, "tp"] += len(w & g)
            counts[label, "want"] += len(w)
            counts[label, "got"] += len(g)
    scores = {}
    for label in sorted(LABELS | {"ALL"}):
        tp, want, got = counts[label, "tp"], counts[label, "want"], counts[label, "got"]
        scores[label] = round(200 * tp / (want + got), 1) if want + got else 0.0
    return scores


def entity_set(tags: list[str]) -> set[tuple[int, int, str]]:
    entities, start = set(), None
    for k, tag in enumerate(tags):
        prefix, label = tag[:1], tag[2:]
        if prefix == "S":
            entities.add((k, k + 1, label))
        elif prefix == "B":
            start = k
        elif prefix == "E" and start is not None:
            entities.add((start, k + 1, label))
            start = None
        elif prefix == "O":
            start = None
    return entities


def run_ner(workdir: Path, archive: Path, stanza_dir: Path, sentences: int, max_steps: int, eval_interval: int,
            seed: int = 0) -> None:
    import torch

    torch.set_num_threads(1)  # the machine is shared; training runs in its own process with OMP_NUM_THREADS=1
    workdir.mkdir(parents=True, exist_ok=True)
    start = time.time()
    train_file, dev_file = build_data(workdir, archive, stanza_dir, sentences, seed)
    built = time.time()
    trained = train(workdir, stanza_dir, train_file, dev_file, max_steps, eval_interval)
    model = workdir / "ner_fr.pt"
    to_fp16(trained, model)
    log.info("data %.0f s, training %.0f s; %s: %.1f MB", built - start, time.time() - built, model,
             model.stat().st_size / 1e6)

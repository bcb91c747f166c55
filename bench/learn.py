"""`python -m bench learn`: train the learned decisions on the three development sets and say, by
5-fold cross-validation grouped by article (no article scored by a model trained on it, fixed
seed), whether each beats the rules on every set; only then is its model written into the package.

The event filter: for each event the rules extract, is it one the gold has (same type, a shared
mention)? A logistic regression over the features of `evex.learn.features`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from bench.quality import DEV_SETS, ParseCache, gold_sets
from evex.conllu import read_conllu
from evex.evaluate import _align_event_indices, load_jsonl, score_docs
from evex.export import frame_record
from evex.extract.pipeline import RULE_COMPONENTS, Extractor
from evex.ingest import discover
from evex.ingest import read_article as read_article_file
from evex.learn.events import EVENT_FILTER, events_features
from evex.learn.model import MODELS_DIR, LinearDecision

FOLDS = 5
SEED = 0
C = 0.1  # strong regularisation: a few hundred events, thousands of sparse features
THRESHOLD = 0.3  # an event is dropped only when the model is fairly sure it is not real


@dataclass
class Example:
    set_name: str
    doc_id: str
    index: int  # the event's position in the article's frames
    features: dict[str, float]
    real: bool


def rules_output(shared: Path, cache: ParseCache) -> tuple[dict, dict, list[Example]]:
    """The rules' predictions per set and article (a shipped filter left out: it is what is being
    judged), the gold, and one example per predicted event."""
    rules = Extractor(RULE_COMPONENTS)
    predictions: dict[str, dict] = {}
    golds: dict[str, dict] = {}
    examples: list[Example] = []
    for gold_set in (s for s in gold_sets(shared) if s.name in DEV_SETS):
        gold = golds[gold_set.name] = load_jsonl(gold_set.gold)
        articles = [read_article_file(path) for path in discover([gold_set.docs])]
        predictions[gold_set.name] = {}
        for article, parsed in zip(articles, cache.parses(articles), strict=True):
            doc = rules.read(read_conllu(parsed["conllu"]), article.text, article.doc_date) if parsed else None
            record = {"doc_id": article.doc_id, "doc_date": article.doc_date,
                      "events": [frame_record(frame) for frame in doc.frames] if doc else []}
            predictions[gold_set.name][article.doc_id] = record
            real = {p for p, _ in _align_event_indices(record, gold.get(article.doc_id, {"events": []}))}
            for index, features in enumerate(events_features(doc) if doc else []):
                examples.append(Example(gold_set.name, article.doc_id, index, features, index in real))
    return predictions, golds, examples


def fit(examples: list[Example]) -> LinearDecision:
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform([e.features for e in examples])
    model = LogisticRegression(C=C, max_iter=5000).fit(matrix, [e.real for e in examples])
    weights = {name: float(w) for name, w in zip(vectorizer.feature_names_, model.coef_[0], strict=True) if w}
    types = {name.split("=", 1)[1] for e in examples for name in e.features if name.startswith("type=")}
    return LinearDecision(EVENT_FILTER, frozenset(types), float(model.intercept_[0]), weights, THRESHOLD)


def folds(examples: list[Example]) -> list[tuple[list[int], list[int]]]:
    """Train and test example indices, grouped by article: an article's events share one fold."""
    groups = [f"{e.set_name}/{e.doc_id}" for e in examples]
    splitter = GroupKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    return [(list(train), list(test)) for train, test in splitter.split(examples, groups=groups)]


def cross_validated(predictions: dict, golds: dict, examples: list[Example]) -> dict[str, dict]:
    """Each set scored with the events a model trained on the other folds keeps, beside the rules."""
    kept = np.ones(len(examples), dtype=bool)
    for train, test in folds(examples):
        decision = fit([examples[i] for i in train])
        for i in test:
            kept[i] = decision.accepts(predictions[examples[i].set_name][examples[i].doc_id]["events"]
                                       [examples[i].index]["type"], examples[i].features)
    where = {(e.set_name, e.doc_id, e.index): i for i, e in enumerate(examples)}
    scores = {}
    for set_name, docs in predictions.items():
        filtered = {doc_id: dict(doc, events=[event for index, event in enumerate(doc["events"])
                                              if kept[where[(set_name, doc_id, index)]]])
                    for doc_id, doc in docs.items()}
        scores[set_name] = {"rules": score_docs(golds[set_name], docs), "learned": score_docs(golds[set_name], filtered)}
    return scores


def beats_rules(scores: dict[str, dict]) -> bool:
    return all(s["learned"]["overall"] > s["rules"]["overall"] for s in scores.values())


def report(scores: dict[str, dict], shipped: bool, command: str) -> str:
    lines = ["# Learned decisions", "", f"Measured on {time.strftime('%Y-%m-%d')} with `{command}`: {FOLDS}-fold "
             f"cross-validation grouped by article over {', '.join(DEV_SETS)} pooled (seed {SEED}).", "",
             "## Event filter", "", f"Logistic regression (C = {C}), an event kept when p >= {THRESHOLD}. "
             f"{'Beats the rules on every set: shipped.' if shipped else 'Does not beat the rules on every set: not shipped.'}",
             "", "| set | rules overall | learned overall | rules event P / R | learned event P / R |", "|---|---|---|---|---|"]
    for set_name, s in scores.items():
        rules, learned = s["rules"], s["learned"]
        lines.append(f"| {set_name} | {rules['overall']:.3f} | {learned['overall']:.3f} "
                     f"| {rules['events']['precision']:.3f} / {rules['events']['recall']:.3f} "
                     f"| {learned['events']['precision']:.3f} / {learned['events']['recall']:.3f} |")
    return "\n".join(lines) + "\n"


def run_learning(workdir: Path, shared: Path, stanza_dir: Path, command: str, out: Path) -> bool:
    """Cross-validate, write the report, and ship the model trained on all three sets where it wins
    (an earlier model that no longer wins is removed: the rules decide again)."""
    workdir.mkdir(parents=True, exist_ok=True)
    cache = ParseCache(workdir / "parses.json", stanza_dir)
    predictions, golds, examples = rules_output(shared, cache)
    scores = cross_validated(predictions, golds, examples)
    shipped = beats_rules(scores)
    out.write_text(report(scores, shipped, command))
    model_path = MODELS_DIR / f"{EVENT_FILTER}.json"
    if shipped:
        MODELS_DIR.mkdir(exist_ok=True)
        decision = fit(examples)
        LinearDecision(decision.name, decision.types, decision.intercept, decision.weights, decision.threshold,
                       {"sets": list(DEV_SETS), "events": len(examples)}).to_file(model_path)
    else:
        model_path.unlink(missing_ok=True)
    print(out.read_text())
    return shipped

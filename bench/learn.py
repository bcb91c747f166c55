"""`python -m bench learn`: train the learned decisions on the three development sets and say, by
5-fold cross-validation grouped by article (no article scored by a model trained on it, fixed
seed), whether each beats the rules on every set; only then is its model written into the package.

The event filter: for each event the rules extract, is it one the gold has (same type, a shared
mention)? A logistic regression over the features of `evex.learn.features`.

The participant chooser: for each event the rules extract that the gold has, which of the article's
candidates (`evex.learn.participants`) are among its gold participants (matched as the scorer
matches names)? A logistic regression whose chosen candidates replace the rules' participants.

The place chooser: likewise over the article's places (`evex.learn.places`), is this the gold
event's location? The likeliest place replaces the rules' where the model is sure enough.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from bench.quality import DEV_SETS, ParseCache, gold_sets
from evex.conllu import read_conllu
from evex.evaluate import _align_event_indices, load_jsonl, location_matches, names_match, score_docs
from evex.export import frame_record
from evex.extract.pipeline import RULE_COMPONENTS, Extractor
from evex.frames import EventFrame
from evex.ingest import discover
from evex.ingest import read_article as read_article_file
from evex.learn.events import EVENT_FILTER, events_features
from evex.learn.model import MODELS_DIR, LinearDecision
from evex.learn.participants import CHOSEN, PARTICIPANT_CHOOSER, Candidate, chosen_participants, events_candidates
from evex.learn.places import PLACE_CHOOSER, chosen_place, events_places

FOLDS = 5
HELD_OUT = "seeds"  # the choosers trained on all three sets are scored on it too, for information
SEED = 0
C = 0.1  # strong regularisation: a few hundred events, thousands of sparse features
THRESHOLD = 0.3  # an event is dropped only when the model is fairly sure it is not real
CHOOSER_C = 0.3
CHOOSER_THRESHOLD = 0.5  # a candidate the rules did not choose is added when p >= this
CHOOSER_KEEP = 0.2  # one the rules chose is dropped only when p < this: the rules are right four times in five
PLACE_C = 0.3
PLACE_THRESHOLD = 0.4  # the likeliest place replaces the rules' when p >= this


@dataclass
class Example:
    set_name: str
    doc_id: str
    index: int  # the event's position in the article's frames
    features: dict[str, float]
    real: bool


@dataclass
class Choice:
    """One candidate for one event the rules extract: is it among the gold event's participants?
    None where the event is no gold event (its participants score nothing: not trained on)."""

    set_name: str
    doc_id: str
    index: int  # the event's position in the article's frames
    candidate: Candidate | str  # a participant, or a place by its name
    features: dict[str, float]
    real: bool | None


@dataclass
class RulesOutput:
    predictions: dict[str, dict]  # set -> doc_id -> the rules' record
    golds: dict[str, dict]
    examples: list[Example]  # one per predicted event
    choices: list[Choice]  # one per predicted event and candidate
    places: list[Choice]  # one per predicted event and candidate place (its name)
    frames: dict[tuple[str, str], list[EventFrame]]  # (set, doc_id) -> the rules' events


def rules_output(shared: Path, cache: ParseCache, sets: tuple[str, ...] = DEV_SETS) -> RulesOutput:
    """The rules' predictions per set and article (shipped decisions left out: they are what is being
    judged), the gold, one example per predicted event and one choice per event and candidate."""
    rules = Extractor(RULE_COMPONENTS)
    out = RulesOutput({}, {}, [], [], [], {})
    for gold_set in (s for s in gold_sets(shared) if s.name in sets):
        gold = out.golds[gold_set.name] = load_jsonl(gold_set.gold)
        articles = [read_article_file(path) for path in discover([gold_set.docs])]
        out.predictions[gold_set.name] = {}
        for article, parsed in zip(articles, cache.parses(articles), strict=True):
            doc = rules.read(read_conllu(parsed["conllu"]), article.text, article.doc_date) if parsed else None
            record = {"doc_id": article.doc_id, "doc_date": article.doc_date,
                      "events": [frame_record(frame) for frame in doc.frames] if doc else []}
            out.predictions[gold_set.name][article.doc_id] = record
            out.frames[(gold_set.name, article.doc_id)] = doc.frames if doc else []
            gold_doc = gold.get(article.doc_id, {"events": []})
            aligned = dict(_align_event_indices(record, gold_doc))
            for index, features in enumerate(events_features(doc) if doc else []):
                out.examples.append(Example(gold_set.name, article.doc_id, index, features, index in aligned))
            for index, scored in enumerate(events_candidates(doc) if doc else []):
                gold_names = ([p["name"] for p in gold_doc["events"][aligned[index]].get("participants", [])]
                              if index in aligned else None)
                for candidate, features in scored:
                    real = (None if gold_names is None
                            else any(names_match(candidate.participant.name, name) for name in gold_names))
                    out.choices.append(Choice(gold_set.name, article.doc_id, index, candidate, features, real))
            for index, scored in enumerate(events_places(doc) if doc else []):
                gold_place = gold_doc["events"][aligned[index]].get("location") if index in aligned else None
                for name, features in scored:
                    real = location_matches(name, gold_place) if index in aligned else None
                    out.places.append(Choice(gold_set.name, article.doc_id, index, name, features, real))
    return out


def _logistic(features: list[dict[str, float]], labels: list[bool], c: float) -> tuple[float, dict[str, float]]:
    """The intercept and the non-zero weights by feature name."""
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform(features)
    model = LogisticRegression(C=c, max_iter=5000).fit(matrix, labels)
    weights = {name: float(w) for name, w in zip(vectorizer.feature_names_, model.coef_[0], strict=True) if w}
    return float(model.intercept_[0]), weights


def _types(features: list[dict[str, float]]) -> frozenset[str]:
    return frozenset(name.split("=", 1)[1] for f in features for name in f if name.startswith("type="))


def _log_odds(p: float) -> float:
    return math.log(p / (1 - p))


def fit(examples: list[Example]) -> LinearDecision:
    features = [e.features for e in examples]
    intercept, weights = _logistic(features, [e.real for e in examples], C)
    return LinearDecision(EVENT_FILTER, _types(features), intercept, weights, THRESHOLD)


def _fit_candidates(choices: list[Choice], c: float) -> tuple[frozenset[str], float, dict[str, float]]:
    """A logistic regression over the candidates of the events the gold has: their types, the intercept
    and the weights."""
    labelled = [choice for choice in choices if choice.real is not None]
    features = [choice.features for choice in labelled]
    intercept, weights = _logistic(features, [bool(choice.real) for choice in labelled], c)
    return _types(features), intercept, weights


def _small(weights: dict[str, float]) -> dict[str, float]:
    """The weights that count, rounded: a small file to review."""
    return {name: round(w, 4) for name, w in weights.items() if abs(w) >= 1e-3}


def fit_chooser(choices: list[Choice]) -> LinearDecision:
    """The participant chooser, trained on the candidates of the events the gold has."""
    types, intercept, weights = _fit_candidates(choices, CHOOSER_C)
    # one threshold for both, the rules' choice moved by the difference of the two thresholds' log-odds
    weights[CHOSEN] = weights.get(CHOSEN, 0.0) + _log_odds(CHOOSER_THRESHOLD) - _log_odds(CHOOSER_KEEP)
    return LinearDecision(PARTICIPANT_CHOOSER, types, intercept, _small(weights), CHOOSER_THRESHOLD)


def fit_places(choices: list[Choice]) -> LinearDecision:
    """The place chooser, trained on the candidate places of the events the gold has."""
    types, intercept, weights = _fit_candidates(choices, PLACE_C)
    return LinearDecision(PLACE_CHOOSER, types, intercept, _small(weights), PLACE_THRESHOLD)


def folds(examples: list[Example] | list[Choice]) -> list[tuple[list[int], list[int]]]:
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


def _scores_with(rules: RulesOutput, choices: list[Choice], decision_of: Callable[[int], LinearDecision],
                 chosen: Callable[[EventFrame, list, LinearDecision], EventFrame]) -> dict[str, dict]:
    """Each set scored with its events as the decision of their choices (by index) makes them, beside the rules."""
    by_event: dict[tuple[str, str, int], list[int]] = {}
    for i, choice in enumerate(choices):
        by_event.setdefault((choice.set_name, choice.doc_id, choice.index), []).append(i)
    learned_frames = {key: chosen(rules.frames[key[:2]][key[2]], [(choices[i].candidate, choices[i].features)
                                                                   for i in indices], decision_of(indices[0]))
                      for key, indices in by_event.items()}
    scores = {}
    for set_name, docs in rules.predictions.items():
        learned = {doc_id: dict(doc, events=[frame_record(learned_frames.get((set_name, doc_id, index), frame))
                                             for index, frame in enumerate(rules.frames[(set_name, doc_id)])])
                   for doc_id, doc in docs.items()}
        scores[set_name] = {"rules": score_docs(rules.golds[set_name], docs),
                            "learned": score_docs(rules.golds[set_name], learned)}
    return scores


def _cross_validated_choices(rules: RulesOutput, choices: list[Choice],
                             fitted: Callable[[list[Choice]], LinearDecision],
                             chosen: Callable[[EventFrame, list, LinearDecision], EventFrame]) -> dict[str, dict]:
    """Each set scored with its events as a decision trained on the other folds makes them, beside the rules."""
    decision_of: dict[int, LinearDecision] = {}
    for train, test in folds(choices):
        decision_of.update(dict.fromkeys(test, fitted([choices[i] for i in train])))
    return _scores_with(rules, choices, decision_of.__getitem__, chosen)


def _with_participants(frame: EventFrame, scored: list, decision: LinearDecision) -> EventFrame:
    return replace(frame, participants=chosen_participants(frame, scored, decision))


def _with_place(frame: EventFrame, scored: list, decision: LinearDecision) -> EventFrame:
    return replace(frame, location=chosen_place(frame, scored, decision))


def cross_validated_chooser(rules: RulesOutput) -> dict[str, dict]:
    """Each set scored with the participants a chooser trained on the other folds picks, beside the rules."""
    return _cross_validated_choices(rules, rules.choices, fit_chooser, _with_participants)


def cross_validated_places(rules: RulesOutput) -> dict[str, dict]:
    """Each set scored with the places a chooser trained on the other folds picks, beside the rules."""
    return _cross_validated_choices(rules, rules.places, fit_places, _with_place)


def held_out(seeds: RulesOutput, chooser: LinearDecision, places: LinearDecision) -> tuple[dict, dict]:
    """The seeds (no development set) scored with the choosers trained on all three sets, beside the
    rules: what the cross-validation cannot show, articles of another kind than those trained on."""
    return (_scores_with(seeds, seeds.choices, lambda _: chooser, _with_participants),
            _scores_with(seeds, seeds.places, lambda _: places, _with_place))


def beats_rules(scores: dict[str, dict]) -> bool:
    return all(s["learned"]["overall"] > s["rules"]["overall"] for s in scores.values())


def _verdict(shipped: bool) -> str:
    return "Beats the rules on every set: shipped." if shipped else "Does not beat the rules on every set: not shipped."


def _prf(scores: dict) -> str:
    return f"{scores['precision']:.3f} / {scores['recall']:.3f} / {scores['f1']:.3f}"


def report(scores: dict[str, dict], shipped: bool, chooser_scores: dict[str, dict], chooser_shipped: bool,
           place_scores: dict[str, dict], place_shipped: bool, command: str) -> str:
    lines = ["# Learned decisions", "", f"Measured on {time.strftime('%Y-%m-%d')} with `{command}`: {FOLDS}-fold "
             f"cross-validation grouped by article over {', '.join(DEV_SETS)} pooled (seed {SEED}). "
             f"A chooser's `{HELD_OUT} (held out)` row is the model trained on all three sets scored on the "
             f"{HELD_OUT}, which no fold holds: for information, it does not decide the shipping.", "",
             "## Event filter", "", f"Logistic regression (C = {C}), an event kept when p >= {THRESHOLD}. "
             f"{_verdict(shipped)}",
             "", "| set | rules overall | learned overall | rules event P / R | learned event P / R |", "|---|---|---|---|---|"]
    for set_name, s in scores.items():
        rules, learned = s["rules"], s["learned"]
        lines.append(f"| {set_name} | {rules['overall']:.3f} | {learned['overall']:.3f} "
                     f"| {rules['events']['precision']:.3f} / {rules['events']['recall']:.3f} "
                     f"| {learned['events']['precision']:.3f} / {learned['events']['recall']:.3f} |")
    lines += ["", "## Participant chooser", "",
              f"Logistic regression (C = {CHOOSER_C}) over the article's candidates (`evex/learn/participants.py`), "
              f"a candidate the rules chose kept when p >= {CHOOSER_KEEP}, "
              f"another added when p >= {CHOOSER_THRESHOLD}. "
              f"{_verdict(chooser_shipped)} C and the two thresholds were picked on this same cross-validation "
              "(a grid of about twenty), and other fold seeds move each set's difference by up to 0.002: a "
              "margin that small is noise.",
              "",
              "| set | rules overall | learned overall | rules participants P / R / F1 "
              "| learned participants P / R / F1 |", "|---|---|---|---|---|"]
    for set_name, s in chooser_scores.items():
        rules, learned = s["rules"], s["learned"]
        lines.append(f"| {set_name} | {rules['overall']:.4f} | {learned['overall']:.4f} "
                     f"| {_prf(rules['participants'])} | {_prf(learned['participants'])} |")
    lines += ["", "## Place chooser", "",
              f"Logistic regression (C = {PLACE_C}) over the article's places (`evex/learn/places.py`), the likeliest "
              f"taken instead of the rules' place when p >= {PLACE_THRESHOLD} (C and the threshold picked on this "
              f"cross-validation; leaving the event without a place where none is likely enough, instead of the "
              f"rules' place, loses on dev). "
              f"{_verdict(place_shipped)}", "",
              "| set | rules overall | learned overall | rules location | learned location |", "|---|---|---|---|---|"]
    for set_name, s in place_scores.items():
        rules, learned = s["rules"], s["learned"]
        lines.append(f"| {set_name} | {rules['overall']:.4f} | {learned['overall']:.4f} "
                     f"| {rules['location']:.3f} | {learned['location']:.3f} |")
    return "\n".join(lines) + "\n"


def _ship(shipped: bool, decision: LinearDecision, trained_on: dict) -> None:
    """Write the decision trained on all three sets where it wins, else remove an earlier one (the
    rules decide again)."""
    path = MODELS_DIR / f"{decision.name}.json"
    if shipped:
        MODELS_DIR.mkdir(exist_ok=True)
        LinearDecision(decision.name, decision.types, decision.intercept, decision.weights, decision.threshold,
                       {"sets": list(DEV_SETS), **trained_on}).to_file(path)
    else:
        path.unlink(missing_ok=True)


def run_learning(workdir: Path, shared: Path, stanza_dir: Path, command: str, out: Path) -> bool:
    """Cross-validate each decision, write the report, and ship each model trained on all three sets
    where it wins. Says whether any was shipped."""
    workdir.mkdir(parents=True, exist_ok=True)
    cache = ParseCache(workdir / "parses.json", stanza_dir)
    rules = rules_output(shared, cache)
    scores = cross_validated(rules.predictions, rules.golds, rules.examples)
    shipped = beats_rules(scores)
    chooser_scores = cross_validated_chooser(rules)
    chooser_shipped = beats_rules(chooser_scores)
    place_scores = cross_validated_places(rules)
    place_shipped = beats_rules(place_scores)
    chooser, places = fit_chooser(rules.choices), fit_places(rules.places)
    chooser_seeds, place_seeds = held_out(rules_output(shared, cache, ("seeds",)), chooser, places)
    held = f"{HELD_OUT} (held out)"
    out.write_text(report(scores, shipped, {**chooser_scores, held: chooser_seeds[HELD_OUT]}, chooser_shipped,
                          {**place_scores, held: place_seeds[HELD_OUT]}, place_shipped, command))
    _ship(shipped, fit(rules.examples) if shipped else LinearDecision(EVENT_FILTER, frozenset(), 0.0, {}, THRESHOLD),
          {"events": len(rules.examples)})
    _ship(chooser_shipped, chooser, {"candidates": sum(c.real is not None for c in rules.choices)})
    _ship(place_shipped, places, {"candidates": sum(c.real is not None for c in rules.places)})
    print(out.read_text())
    return shipped or chooser_shipped or place_shipped

"""Score predicted event JSONL against gold JSONL, as specified in the gold FORMAT.md.

Mentions match on type + same sentence (after folding, or one containing the other) + a shared
content word in the triggers; events match through their mentions; arguments are compared over
matched events only. Everything is one-to-one and greedy, so scores are deterministic.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from evex.frames import ENTITY_KINDS, EVENT_TYPES

_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "«": " ", "»": " ", "“": " ", "”": " ", '"': " "})
_STOPWORDS = frozenset(
    """
    a au aux avec ce ces cet cette d de des du elle en est et il l la le les leur leurs lui n ne
    on ont ou par pas pour qu que qui s sa se ses son sont sur un une y à été être avoir avait
    étaient était sera seront serait dans entre vers chez""".split()
)
_STOPWORDS_FOLDED = frozenset(unicodedata.normalize("NFKD", w).encode("ascii", "ignore").decode() for w in _STOPWORDS)


def fold(text: str | None) -> str:
    """Case, accents, quote styles and white space do not count when comparing strings
    (double quotes and guillemets are dropped: `« X »` and `"X"` compare equal)."""
    if text is None:
        return ""
    text = unicodedata.normalize("NFKD", text.translate(_QUOTES))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.lower().split())


def content_words(trigger: str) -> set[str]:
    """Words of a trigger that carry meaning (articles, prepositions and auxiliaries dropped)."""
    return {w for w in re.split(r"[^0-9a-z]+", fold(trigger)) if w and w not in _STOPWORDS_FOLDED}


def same_sentence(a: str, b: str) -> bool:
    fa, fb = fold(a), fold(b)
    return bool(fa) and bool(fb) and (fa == fb or fa in fb or fb in fa)


def mentions_match(pred: dict, gold: dict) -> bool:
    return same_sentence(pred["sentence"], gold["sentence"]) and bool(
        content_words(pred["trigger"]) & content_words(gold["trigger"])
    )


@dataclass
class Counts:
    tp: int = 0
    n_pred: int = 0
    n_gold: int = 0

    def prf(self) -> dict[str, float]:
        p = self.tp / self.n_pred if self.n_pred else 0.0
        r = self.tp / self.n_gold if self.n_gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": p, "recall": r, "f1": f, "tp": self.tp, "pred": self.n_pred, "gold": self.n_gold}


@dataclass
class Accuracy:
    correct: int = 0
    total: int = 0

    def value(self) -> float:
        return self.correct / self.total if self.total else 0.0


def _typed_mentions(doc: dict) -> list[tuple[int, str, dict]]:
    return [(i, e["type"], m) for i, e in enumerate(doc.get("events", [])) for m in e.get("mentions", [])]


def _pair_mentions(
    preds: list[tuple[int, str, dict]], golds: list[tuple[int, str, dict]], same_type: bool = True
) -> list[tuple[int, int]]:
    """One-to-one greedy mention pairing; identical triggers are paired before partial ones.

    Returns (index in preds, index in golds). `same_type=False` ignores the type, which finds type
    confusions among the mentions the typed pairing left over.
    """
    used_pred: set[int] = set()
    used_gold: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for exact in (True, False):
        for pi, (_, ptype, pm) in enumerate(preds):
            if pi in used_pred:
                continue
            for gi, (_, gtype, gm) in enumerate(golds):
                if gi in used_gold or (same_type and ptype != gtype) or not mentions_match(pm, gm):
                    continue
                if exact and fold(pm["trigger"]) != fold(gm["trigger"]):
                    continue
                used_pred.add(pi)
                used_gold.add(gi)
                pairs.append((pi, gi))
                break
    return pairs


def _align_mentions(pred_doc: dict, gold_doc: dict) -> list[tuple[int, int]]:
    """Returns (pred event index, gold event index) for each aligned mention pair."""
    preds, golds = _typed_mentions(pred_doc), _typed_mentions(gold_doc)
    return [(preds[pi][0], golds[gi][0]) for pi, gi in _pair_mentions(preds, golds)]


def _event_links(pred_doc: dict, gold_doc: dict, same_type: bool = True) -> dict[tuple[int, int], int]:
    """(pred event index, gold event index) -> how many of their mentions match, for pairs sharing one."""
    links: dict[tuple[int, int], int] = {}
    for pi, pe in enumerate(pred_doc.get("events", [])):
        for gi, ge in enumerate(gold_doc.get("events", [])):
            if same_type and pe["type"] != ge["type"]:
                continue
            shared = sum(1 for pm in pe.get("mentions", []) for gm in ge.get("mentions", []) if mentions_match(pm, gm))
            if shared:
                links[(pi, gi)] = shared
    return links


def _align_event_indices(pred_doc: dict, gold_doc: dict) -> list[tuple[int, int]]:
    """Events of the same type sharing a matching mention; the pairs with most shared mentions first."""
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs = []
    for (pi, gi), _ in sorted(_event_links(pred_doc, gold_doc).items(), key=lambda kv: (-kv[1], kv[0])):
        if pi in used_p or gi in used_g:
            continue
        used_p.add(pi)
        used_g.add(gi)
        pairs.append((pi, gi))
    return pairs


def _align_events(pred_doc: dict, gold_doc: dict) -> list[tuple[dict, dict]]:
    pevents, gevents = pred_doc.get("events", []), gold_doc.get("events", [])
    return [(pevents[pi], gevents[gi]) for pi, gi in _align_event_indices(pred_doc, gold_doc)]


def _fold_name(name: str) -> str:
    return fold(name).replace("-", " ")


def names_match(pred: str, gold: str) -> bool:
    """Equal after folding, or one is a single word equal to the other's last word (a surname)."""
    fp, fg = _fold_name(pred), _fold_name(gold)
    if fp == fg:
        return True
    tp, tg = fp.split(), fg.split()
    return (len(tp) == 1 and tg and tp[0] == tg[-1]) or (len(tg) == 1 and tp and tg[0] == tp[-1])


def _distinct_names(participants: list[dict]) -> dict[str, dict]:
    """Folded name -> its first participant: a name listed twice counts once."""
    by_name: dict[str, dict] = {}
    for participant in participants:
        by_name.setdefault(_fold_name(participant["name"]), participant)
    return by_name


def _unmatched_participants(pred: list[dict], gold: list[dict]) -> tuple[list[dict], list[dict]]:
    """One-to-one greedy name alignment, exact names before surnames; returns the (pred, gold) participants left."""
    pending_pred, pending_gold = _distinct_names(pred), _distinct_names(gold)
    for exact in (True, False):
        for name in list(pending_pred):
            for gname in list(pending_gold):
                if (name == gname) if exact else names_match(name, gname):
                    del pending_pred[name], pending_gold[gname]
                    break
    return list(pending_pred.values()), list(pending_gold.values())


def _participant_counts(pred: list[dict], gold: list[dict]) -> Counts:
    n_gold = len(_distinct_names(gold))
    _, missed = _unmatched_participants(pred, gold)
    return Counts(tp=n_gold - len(missed), n_pred=len(_distinct_names(pred)), n_gold=n_gold)


def location_matches(pred: str | None, gold: str | None) -> bool:
    """Equal after folding: a city matches itself, not its country."""
    return fold(pred) == fold(gold)


def date_matches(pred: str | None, gold: str | None) -> bool:
    """Exact at the gold's granularity: a full date inside a gold month is right (month hedge)."""
    if gold is None:
        return pred is None
    return pred is not None and pred[: len(gold)] == gold


def load_jsonl(path: str | Path) -> dict[str, dict]:
    docs = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            doc = json.loads(line)
            docs[doc["doc_id"]] = doc
    return docs


def _documents(gold_docs: dict[str, dict], pred_docs: dict[str, dict]) -> Iterator[tuple[str, dict, dict]]:
    """(doc_id, gold, pred) for every document either side has; the side that lacks it has no events there."""
    for doc_id in sorted(set(gold_docs) | set(pred_docs)):
        yield doc_id, gold_docs.get(doc_id, {"events": []}), pred_docs.get(doc_id, {"events": []})


def score_docs(gold_docs: dict[str, dict], pred_docs: dict[str, dict]) -> dict:
    mentions, events, participants = Counts(), Counts(), Counts()
    location, start, end, status = Accuracy(), Accuracy(), Accuracy(), Accuracy()
    for _, gold, pred in _documents(gold_docs, pred_docs):
        mentions.tp += len(_align_mentions(pred, gold))
        mentions.n_pred += len(_typed_mentions(pred))
        mentions.n_gold += len(_typed_mentions(gold))
        pairs = _align_events(pred, gold)
        events.tp += len(pairs)
        events.n_pred += len(pred.get("events", []))
        events.n_gold += len(gold.get("events", []))
        for pe, ge in pairs:
            pc = _participant_counts(pe.get("participants", []), ge.get("participants", []))
            participants.tp += pc.tp
            participants.n_pred += pc.n_pred
            participants.n_gold += pc.n_gold
            location.total += 1
            location.correct += location_matches(pe.get("location"), ge.get("location"))
            for acc, key in ((start, "start"), (end, "end")):
                acc.total += 1
                acc.correct += date_matches(pe.get(key), ge.get(key))
            status.total += 1
            status.correct += pe.get("status") == ge.get("status")
    scores = {
        "mentions": mentions.prf(),
        "events": events.prf(),
        "participants": participants.prf(),
        "location": location.value(),
        "start": start.value(),
        "end": end.value(),
        "status": status.value(),
        "matched_events": events.tp,
    }
    scores["overall"] = (
        scores["mentions"]["f1"]
        + scores["events"]["f1"]
        + scores["participants"]["f1"]
        + scores["location"]
        + scores["start"]
        + scores["status"]
    ) / 6
    return scores


def score_files(gold_path: str | Path, pred_path: str | Path) -> dict:
    return score_docs(load_jsonl(gold_path), load_jsonl(pred_path))


def format_scores(scores: dict) -> str:
    lines = [f"{'':14}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'pred':>6}{'gold':>6}"]
    for key in ("mentions", "events", "participants"):
        s = scores[key]
        lines.append(
            f"{key:14}{s['precision']:7.3f}{s['recall']:7.3f}{s['f1']:7.3f}{s['tp']:6d}{s['pred']:6d}{s['gold']:6d}"
        )
    lines.append(f"accuracy over {scores['matched_events']} matched events:")
    for key in ("location", "start", "end", "status"):
        lines.append(f"  {key:12}{scores[key]:7.3f}")
    lines.append(f"{'overall':14}{scores['overall']:7.3f}")
    return "\n".join(lines)


def _of_type(docs: dict[str, dict], event_type: str) -> dict[str, dict]:
    return {
        doc_id: {**doc, "events": [e for e in doc.get("events", []) if e["type"] == event_type]}
        for doc_id, doc in docs.items()
    }


def score_by_type(gold_docs: dict[str, dict], pred_docs: dict[str, dict]) -> dict[str, dict]:
    """The score table of each event type alone, to see which types pull the overall score down."""
    return {t: score_docs(_of_type(gold_docs, t), _of_type(pred_docs, t)) for t in EVENT_TYPES}


_ARGUMENTS: tuple[tuple[str, Callable[[str | None, str | None], bool]], ...] = (
    ("location", location_matches),
    ("start", date_matches),
    ("end", date_matches),
)
_OUTCOMES = ("correct", "missing", "wrong", "spurious")


def _outcome(pred: str | None, gold: str | None, matches: Callable[[str | None, str | None], bool]) -> str:
    """What became of one argument: correct, missing (pred null), spurious (gold null) or wrong (both set)."""
    if matches(pred, gold):
        return "correct"
    if not pred:
        return "missing"
    return "spurious" if not gold else "wrong"


def _argument_outcomes(pred_event: dict, gold_event: dict) -> dict[str, str]:
    return {key: _outcome(pred_event.get(key), gold_event.get(key), matches) for key, matches in _ARGUMENTS}


def _why_unmatched(
    event: dict, linked: list[tuple[int, dict]], same_type_reason: str, unlinked_reason: str
) -> tuple[str, int | None]:
    """(reason, index of the other side's event it shares a mention with, or None).

    Greedy alignment leaves an event unmatched while it shares a mention with a same-type event only when
    that event went to another one: a split copy (pred side) or a merge (gold side).
    """
    same_type = [i for i, other in linked if other["type"] == event["type"]]
    if same_type:
        return same_type_reason, same_type[0]
    if linked:
        return "wrong_type", linked[0][0]
    return unlinked_reason, None


@dataclass
class _DocAlignment:
    """One document as the scoring aligns it, with the reasons for whatever stayed unmatched."""

    pred_events: list[dict]
    gold_events: list[dict]
    event_pairs: list[tuple[int, int]]  # (pred index, gold index)
    pred_unmatched: dict[int, tuple[str, int | None]]  # split | wrong_type | spurious, and the gold event linked
    gold_unmatched: dict[int, tuple[str, int | None]]  # merged | wrong_type | missed, and the pred event linked
    false_positive_mentions: int
    missed_mentions: list[tuple[int, dict]]  # (gold event index, mention)
    type_confusions: list[tuple[str, str]]  # (gold type, pred type) of mentions that match but for the type


def _align_doc(pred_doc: dict, gold_doc: dict) -> _DocAlignment:
    pevents, gevents = pred_doc.get("events", []), gold_doc.get("events", [])
    event_pairs = _align_event_indices(pred_doc, gold_doc)
    links = _event_links(pred_doc, gold_doc, same_type=False)
    matched_pred, matched_gold = {pi for pi, _ in event_pairs}, {gi for _, gi in event_pairs}
    preds, golds = _typed_mentions(pred_doc), _typed_mentions(gold_doc)
    mention_pairs = _pair_mentions(preds, golds)
    left_pred = [m for i, m in enumerate(preds) if i not in {pi for pi, _ in mention_pairs}]
    left_gold = [m for i, m in enumerate(golds) if i not in {gi for _, gi in mention_pairs}]
    return _DocAlignment(
        pred_events=pevents,
        gold_events=gevents,
        event_pairs=event_pairs,
        pred_unmatched={
            pi: _why_unmatched(pe, [(gi, gevents[gi]) for p, gi in links if p == pi], "split", "spurious")
            for pi, pe in enumerate(pevents)
            if pi not in matched_pred
        },
        gold_unmatched={
            gi: _why_unmatched(ge, [(pi, pevents[pi]) for pi, g in links if g == gi], "merged", "missed")
            for gi, ge in enumerate(gevents)
            if gi not in matched_gold
        },
        false_positive_mentions=len(left_pred),
        missed_mentions=[(gi, mention) for gi, _, mention in left_gold],
        type_confusions=[
            (left_gold[gi][1], left_pred[pi][1]) for pi, gi in _pair_mentions(left_pred, left_gold, same_type=False)
        ],
    )


def error_breakdown(gold_docs: dict[str, dict], pred_docs: dict[str, dict]) -> dict:
    """Counts that say which errors make the scores, over the scoring's own alignments.

    events: `missed` is every unmatched gold event, `merged` those of them sharing a mention with a predicted
    event matched to another gold event; each unmatched predicted event is a `split` copy of a matched gold
    event, `wrong_type` (its mentions match only gold mentions of another type) or `spurious`.
    mentions: each `type_confusion` (gold type -> pred type) is also one false positive and one missed.
    participants, location, start, end and status are over matched events; status is gold -> pred.
    """
    events = dict.fromkeys(("missed", "merged", "split", "wrong_type", "spurious"), 0)
    mentions: dict = {"false_positive": 0, "missed": 0, "type_confusion": {}}
    participants = {side: Counter(dict.fromkeys(ENTITY_KINDS, 0)) for side in ("missed", "spurious")}
    arguments = {key: dict.fromkeys(_OUTCOMES, 0) for key, _ in _ARGUMENTS}
    status: dict[str, Counter] = {}
    for _, gold, pred in _documents(gold_docs, pred_docs):
        doc = _align_doc(pred, gold)
        events["missed"] += len(doc.gold_unmatched)
        events["merged"] += sum(reason == "merged" for reason, _ in doc.gold_unmatched.values())
        for reason, _ in doc.pred_unmatched.values():
            events[reason] += 1
        mentions["false_positive"] += doc.false_positive_mentions
        mentions["missed"] += len(doc.missed_mentions)
        for gold_type, pred_type in doc.type_confusions:
            mentions["type_confusion"].setdefault(gold_type, Counter())[pred_type] += 1
        for pi, gi in doc.event_pairs:
            pe, ge = doc.pred_events[pi], doc.gold_events[gi]
            spurious, missed = _unmatched_participants(pe.get("participants", []), ge.get("participants", []))
            participants["missed"].update(p["kind"] for p in missed)
            participants["spurious"].update(p["kind"] for p in spurious)
            for key, outcome in _argument_outcomes(pe, ge).items():
                arguments[key][outcome] += 1
            status.setdefault(ge.get("status"), Counter())[pe.get("status")] += 1
    return {"events": events, "mentions": mentions, "participants": participants, **arguments, "status": status}


def _confusions_text(table: dict[str, Counter]) -> str:
    pairs = [f"{gold}->{pred} {n}" for gold, row in table.items() for pred, n in row.items() if gold != pred]
    return ", ".join(pairs) or "none"


def _counts_text(counts: dict[str, int]) -> str:
    return ", ".join(f"{key} {n}" for key, n in counts.items())


def format_breakdown(breakdown: dict) -> str:
    """The error counts in a few lines, to read under the score table."""
    mentions, participants = breakdown["mentions"], breakdown["participants"]
    lines = [
        "errors:",
        f"  events        {_counts_text(breakdown['events'])}",
        f"  mentions      false_positive {mentions['false_positive']}, missed {mentions['missed']}; "
        f"type (gold->pred) {_confusions_text(mentions['type_confusion'])}",
        f"  participants  missed {_counts_text(participants['missed'])}; "
        f"spurious {_counts_text(participants['spurious'])}",
    ]
    lines += [f"  {key:14}{_counts_text(breakdown[key])}" for key, _ in _ARGUMENTS]
    lines.append(f"  status        (gold->pred) {_confusions_text(breakdown['status'])}")
    return "\n".join(lines)


def _value_text(value: str | None) -> str:
    return "null" if value is None else f"'{value}'"


def _mention_text(mention: dict, width: int = 60) -> str:
    sentence = " ".join(mention["sentence"].split())
    return f"'{mention['trigger']}' | {sentence if len(sentence) <= width else sentence[: width - 1] + '…'}"


def _first_mention_text(event: dict) -> str:
    mentions = event.get("mentions", [])
    return f" {_mention_text(mentions[0])}" if mentions else ""


_GOLD_NOTES = {
    "merged": " (merged into pred {event_id})",
    "wrong_type": " (pred {event_id} has it as {type})",
    "missed": "",
}
_PRED_NOTES = {"split": " (copy of gold {event_id})", "wrong_type": " (gold {event_id} is {type})", "spurious": ""}


def _note(notes: dict[str, str], reason: str, others: list[dict], index: int | None) -> str:
    return notes[reason].format(**(others[index] if index is not None else {}))


def _differences(pred_event: dict, gold_event: dict) -> list[str]:
    """What a matched predicted event gets wrong, one line each."""
    spurious, missed = _unmatched_participants(pred_event.get("participants", []), gold_event.get("participants", []))
    lines = [
        f"{label} participants: " + ", ".join(f"{p['name']}/{p['kind']}" for p in found)
        for label, found in (("missing", missed), ("spurious", spurious))
        if found
    ]
    lines += [
        f"{key}: gold {_value_text(gold_event.get(key))} pred {_value_text(pred_event.get(key))}"
        for key, outcome in _argument_outcomes(pred_event, gold_event).items()
        if outcome != "correct"
    ]
    if pred_event.get("status") != gold_event.get("status"):
        lines.append(f"status: gold {gold_event.get('status')} pred {pred_event.get('status')}")
    return lines


def explain(gold_docs: dict[str, dict], pred_docs: dict[str, dict]) -> str:
    """Per gold event, whether it was found and what the match gets wrong; then the predicted events that
    matched nothing. What an analyst reads to see where the scores come from."""
    lines = []
    for doc_id, gold, pred in _documents(gold_docs, pred_docs):
        doc = _align_doc(pred, gold)
        pred_of = {gi: pi for pi, gi in doc.event_pairs}
        for gi, ge in enumerate(doc.gold_events):
            head = f"{doc_id} {ge['event_id']} {ge['type']}:"
            if gi not in pred_of:
                reason, pi = doc.gold_unmatched[gi]
                lines.append(f"{head} MISSED{_note(_GOLD_NOTES, reason, doc.pred_events, pi)}{_first_mention_text(ge)}")
                continue
            pe = doc.pred_events[pred_of[gi]]
            lines.append(f"{head} matched pred {pe['event_id']}")
            lines += [f"  {line}" for line in _differences(pe, ge)]
            lines += [f"  missed mention {_mention_text(m)}" for g, m in doc.missed_mentions if g == gi]
        for pi, (reason, gi) in doc.pred_unmatched.items():
            pe = doc.pred_events[pi]
            note = _note(_PRED_NOTES, reason, doc.gold_events, gi)
            lines.append(
                f"{doc_id} {reason.replace('_', '-')} pred {pe['event_id']} {pe['type']}{note}{_first_mention_text(pe)}"
            )
    return "\n".join(lines)

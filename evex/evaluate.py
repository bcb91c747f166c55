"""Score predicted event JSONL against gold JSONL, as specified in the gold FORMAT.md.

Mentions match on type + same sentence (after folding, or one containing the other) + a shared
content word in the triggers; events match through their mentions; arguments are compared over
matched events only. Everything is one-to-one and greedy, so scores are deterministic.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

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


def _align_mentions(pred_doc: dict, gold_doc: dict) -> list[tuple[int, int]]:
    """One-to-one greedy mention alignment; identical triggers are paired before partial ones.

    Returns (pred event index, gold event index) for each aligned mention pair.
    """
    preds, golds = _typed_mentions(pred_doc), _typed_mentions(gold_doc)
    used_pred: set[int] = set()
    used_gold: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for exact in (True, False):
        for pi, (pe, ptype, pm) in enumerate(preds):
            if pi in used_pred:
                continue
            for gi, (ge, gtype, gm) in enumerate(golds):
                if gi in used_gold or ptype != gtype or not mentions_match(pm, gm):
                    continue
                if exact and fold(pm["trigger"]) != fold(gm["trigger"]):
                    continue
                used_pred.add(pi)
                used_gold.add(gi)
                pairs.append((pe, ge))
                break
    return pairs


def _align_events(pred_doc: dict, gold_doc: dict) -> list[tuple[dict, dict]]:
    """Events of the same type sharing a matching mention; the pairs with most shared mentions first."""
    pevents, gevents = pred_doc.get("events", []), gold_doc.get("events", [])
    links: dict[tuple[int, int], int] = {}
    for pi, pe in enumerate(pevents):
        for gi, ge in enumerate(gevents):
            if pe["type"] != ge["type"]:
                continue
            shared = sum(1 for pm in pe.get("mentions", []) for gm in ge.get("mentions", []) if mentions_match(pm, gm))
            if shared:
                links[(pi, gi)] = shared
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs = []
    for (pi, gi), _ in sorted(links.items(), key=lambda kv: (-kv[1], kv[0])):
        if pi in used_p or gi in used_g:
            continue
        used_p.add(pi)
        used_g.add(gi)
        pairs.append((pevents[pi], gevents[gi]))
    return pairs


def _fold_name(name: str) -> str:
    return fold(name).replace("-", " ")


def names_match(pred: str, gold: str) -> bool:
    """Equal after folding, or one is a single word equal to the other's last word (a surname)."""
    fp, fg = _fold_name(pred), _fold_name(gold)
    if fp == fg:
        return True
    tp, tg = fp.split(), fg.split()
    return (len(tp) == 1 and tg and tp[0] == tg[-1]) or (len(tg) == 1 and tp and tg[0] == tp[-1])


def _participant_counts(pred: list[dict], gold: list[dict]) -> Counts:
    pnames = list(dict.fromkeys(_fold_name(p["name"]) for p in pred))
    gnames = list(dict.fromkeys(_fold_name(g["name"]) for g in gold))
    used: set[int] = set()
    tp = 0
    for exact in (True, False):
        for name in list(pnames):
            for gi, gname in enumerate(gnames):
                if gi in used:
                    continue
                if (name == gname) if exact else names_match(name, gname):
                    used.add(gi)
                    pnames.remove(name)
                    tp += 1
                    break
    return Counts(tp=tp, n_pred=len(dict.fromkeys(_fold_name(p["name"]) for p in pred)), n_gold=len(gnames))


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


def score_docs(gold_docs: dict[str, dict], pred_docs: dict[str, dict]) -> dict:
    mentions, events, participants = Counts(), Counts(), Counts()
    location, start, end, status = Accuracy(), Accuracy(), Accuracy(), Accuracy()
    for doc_id in sorted(set(gold_docs) | set(pred_docs)):
        gold = gold_docs.get(doc_id, {"events": []})
        pred = pred_docs.get(doc_id, {"events": []})
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
            location.correct += fold(pe.get("location")) == fold(ge.get("location"))
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

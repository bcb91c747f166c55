"""`python -m bench quality`: extraction quality on the seeds and the three development sets, in one run.

Each set is read from `../shared` (the development texts belong to their publishers and stay
there), ingested, parsed with the real Stanza models, extracted and scored against its gold file,
once with the scrapers' `.meta.json` sidecars and, where the set has any, once without them (dates
only from the text: a check, not a set of its own).
Parses are cached in the work folder, keyed by the text, the models and the parse code, so that
measuring a rule change costs seconds; extraction always runs afresh. A parse is evex's own, with
dependencies where the extractor reads them (`Extractor.dependency_sentences`); an entry whose
dependencies are no longer those the extractor asks for (a lexicon change) is parsed again.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from evex import char_cache, mwt_dictionary, parse
from evex.conllu import read_conllu
from evex.evaluate import error_breakdown, format_breakdown, load_jsonl, score_by_type, score_docs
from evex.export import frame_record
from evex.extract import default_extractor, extract_events
from evex.frames import EventFrame
from evex.ingest import Article, discover, read_article

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
QUALITY_MD = Path(__file__).with_name("QUALITY.md")
QUALITY_JSON = "quality.json"
DEV_SETS = ("dev", "dev-web", "dev-feed")


@dataclass(frozen=True)
class GoldSet:
    name: str
    docs: Path
    gold: Path


def gold_sets(shared: Path) -> list[GoldSet]:
    """The seeds as the project ships them (with their sidecars), and the three development sets:
    `dev` (archive articles the rules were tuned on), `dev-web` (news pages) and `dev-feed` (a random feed)."""
    dev_sets = [GoldSet(name, shared / "gold" / name / "docs", shared / "gold" / name / "gold.jsonl")
                for name in DEV_SETS]
    return [GoldSet("seeds", ROOT / "seeds", shared / "gold" / "seeds.gold.jsonl"), *dev_sets]


def without_sidecars(folder: Path, into: Path) -> Path:
    """A copy of the drop's article files alone, as a drop without scraper metadata would come."""
    into.mkdir(parents=True, exist_ok=True)
    for path in discover([folder]):
        shutil.copyfile(path, into / path.name)
    return into


class ParseCache:
    """CoNLL-U by (text, models, parse code: evex.parse, char_cache, mwt_dictionary): a rule change
    re-extracts without parsing again. Each entry keeps the seconds its parse took (its words' share of its Stanza call)."""

    def __init__(self, path: Path, stanza_dir: Path):
        self.path = path
        self.stanza_dir = stanza_dir
        self.entries: dict[str, dict] = json.loads(path.read_text()) if path.is_file() else {}
        code = b"".join(Path(module.__file__).read_bytes() for module in (parse, char_cache, mwt_dictionary))
        self.salt = json.dumps(parse.model_versions(stanza_dir), sort_keys=True).encode() + code

    def key(self, text: str) -> str:
        return hashlib.sha256(self.salt + text.encode()).hexdigest()

    def parses(self, articles: list[Article]) -> list[dict | None]:
        """Each article's parse (`conllu`, `parse_s`); None where Stanza failed."""
        missing = [a for a in articles if not self._current(a)]
        if missing:
            started = time.perf_counter()
            results = parse.parse_texts([a.text for a in missing], self.stanza_dir, False, 20000,
                                        dependencies_for=default_extractor().dependency_sentences)
            seconds_per_word = (time.perf_counter() - started) / max(sum(a.n_words for a in missing), 1)
            for article, result in zip(missing, results, strict=True):
                if result.conllu:
                    self.entries[self.key(article.text)] = {
                        "conllu": result.conllu, "parse_s": article.n_words * seconds_per_word}
            self.path.write_text(json.dumps(self.entries))
        return [self.entries.get(self.key(a.text)) for a in articles]

    def _current(self, article: Article) -> bool:
        """Whether the cached parse has dependencies in exactly the sentences the extractor reads them in."""
        entry = self.entries.get(self.key(article.text))
        if entry is None:
            return False
        parsed = read_conllu(entry["conllu"])
        needed = default_extractor().dependency_sentences(parsed, article.text)
        return needed == {s.index for s in parsed.sentences if s.has_dependencies}


def extracted(articles: list[Article], parses: list[dict | None]) -> Iterator[tuple[Article, list[EventFrame]]]:
    """Each article with the events extracted from its cached parse (none where Stanza failed)."""
    for article, parsed in zip(articles, parses, strict=True):
        yield article, extract_events(read_conllu(parsed["conllu"]), article.text, article.doc_date) if parsed else []


def measure_set(gold_set: GoldSet, folder: Path, cache: ParseCache) -> dict:
    """Scores of one drop against its gold, with the dates ingest found and the extraction time."""
    articles = [read_article(path) for path in discover([folder])]
    parses = cache.parses(articles)
    started = time.perf_counter()
    predicted = {}
    for article, frames in extracted(articles, parses):
        predicted[article.doc_id] = {
            "doc_id": article.doc_id,
            "doc_date": article.doc_date,
            "events": [frame_record(frame) for frame in frames],
        }
    extract_s = time.perf_counter() - started
    parse_s = sum(p["parse_s"] for p in parses if p)
    gold = load_jsonl(gold_set.gold)
    dated = sum(1 for doc_id, doc in predicted.items() if doc["doc_date"] and doc_id in gold
                and doc["doc_date"] == gold[doc_id].get("doc_date"))
    return {
        "articles": len(articles),
        "words": sum(a.n_words for a in articles),
        "doc_date_as_gold": dated,
        "scores": score_docs(gold, predicted),
        "by_type": score_by_type(gold, predicted),
        "breakdown": error_breakdown(gold, predicted),
        "extract_s": round(extract_s, 3),
        "parse_s": round(parse_s, 3),
        "extract_share": round(extract_s / (extract_s + parse_s), 4) if parse_s else None,
        "predictions": predicted,
    }


def run_quality(workdir: Path, shared: Path, stanza_dir: Path) -> dict:
    workdir.mkdir(parents=True, exist_ok=True)
    cache = ParseCache(workdir / "parses.json", stanza_dir)
    results: dict = {}
    for gold_set in gold_sets(shared):
        results[gold_set.name] = measure_set(gold_set, gold_set.docs, cache)
        if any(gold_set.docs.glob("*.meta.json")):
            bare = without_sidecars(gold_set.docs, workdir / f"{gold_set.name}-text-only")
            results[f"{gold_set.name} without sidecars"] = measure_set(gold_set, bare, cache)
    return results


def _score_rows(scores: dict) -> list[str]:
    rows = ["|  | P | R | F1 | matched | predicted | gold |", "|---|---|---|---|---|---|---|"]
    for key in ("mentions", "events", "participants"):
        s = scores[key]
        rows.append(f"| {key} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {s['tp']} | {s['pred']} "
                    f"| {s['gold']} |")
    return rows


def _accuracy_line(scores: dict) -> str:
    return (f"Over the {scores['matched_events']} matched events: location {scores['location']:.3f}, "
            f"start {scores['start']:.3f}, end {scores['end']:.3f}, status {scores['status']:.3f}; "
            f"**overall {scores['overall']:.3f}**.")


def render(results: dict, command: str, day: str) -> str:
    """QUALITY.md: each set's score table, its scores by type and where its errors are."""
    lines = ["# Extraction quality", "",
             f"Measured on {day} with `{command}` (the scoring of `../shared/gold/FORMAT.md`, as `evex evaluate`).",
             "`without sidecars`: the same articles without their `.meta.json`, so dates come from the text alone.",
             "", "| set | articles | dated as the gold | overall | extraction, share of parse + extraction |",
             "|---|---|---|---|---|"]
    for name, result in results.items():
        share = f"{result['extract_share'] * 100:.2f} %" if result["extract_share"] is not None else "n/a"
        lines.append(f"| {name} | {result['articles']} | {result['doc_date_as_gold']} "
                     f"| {result['scores']['overall']:.3f} | {share} ({result['extract_s']:.2f} s) |")
    for name, result in results.items():
        lines += ["", f"## {name}", "", *_score_rows(result["scores"]), "", _accuracy_line(result["scores"]), "",
                  "| type | mentions F1 | events F1 | participants F1 | location | start | status | overall |",
                  "|---|---|---|---|---|---|---|---|"]
        for event_type, s in result["by_type"].items():
            lines.append(f"| {event_type} | {s['mentions']['f1']:.3f} | {s['events']['f1']:.3f} "
                         f"| {s['participants']['f1']:.3f} | {s['location']:.3f} | {s['start']:.3f} "
                         f"| {s['status']:.3f} | {s['overall']:.3f} |")
        lines += ["", "Errors:", "", "```", format_breakdown(result["breakdown"]), "```"]
    return "\n".join(lines) + "\n"


def write_report(results: dict, out: Path, command: str) -> None:
    """QUALITY.md and quality.json beside it (the predictions stay out: they quote the articles)."""
    day = time.strftime("%Y-%m-%d")
    out.write_text(render(results, command, day))
    figures = {name: {k: v for k, v in result.items() if k != "predictions"} for name, result in results.items()}
    out.with_name(QUALITY_JSON).write_text(json.dumps({"date": day, "command": command, "sets": figures},
                                                      indent=2, ensure_ascii=False) + "\n")

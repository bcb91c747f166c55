"""`python -m bench geocode`: the share of predicted events with a location that the geocoder places.

Runs the development set's predictions as `python -m bench quality` does (parses cached in the
work folder) and resolves each event's location with the countries its article names, as the load
does; prints the share, the precisions and the locations left without coordinates.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from bench.quality import ParseCache, extracted, gold_sets
from evex.geocode import geocoder
from evex.ingest import discover, read_article

TARGET = 0.90


def geocode_share(workdir: Path, shared: Path, stanza_dir: Path, set_name: str = "dev") -> dict:
    workdir.mkdir(parents=True, exist_ok=True)
    gold_set = next(s for s in gold_sets(shared) if s.name == set_name)
    articles = [read_article(path) for path in discover([gold_set.docs])]
    coder = geocoder()
    precisions: Counter[str] = Counter()
    unplaced: Counter[str] = Counter()
    located = 0
    for article, frames in extracted(articles, ParseCache(workdir / "parses.json", stanza_dir).parses(articles)):
        countries = coder.article_countries(article.text)
        for frame in frames:
            if not frame.location:
                continue
            located += 1
            place = coder.resolve(frame.location, countries)
            if place and place.latitude is not None:
                precisions[place.precision] += 1
            else:
                unplaced[frame.location] += 1
    placed = sum(precisions.values())
    return {"set": set_name, "events_with_location": located, "geocoded": placed,
            "share": placed / located if located else None, "precisions": dict(precisions),
            "unplaced": dict(unplaced)}


def report(result: dict) -> str:
    share = result["share"]
    lines = [f"{result['set']}: {result['geocoded']} of {result['events_with_location']} events with a location "
             f"geocoded: {share:.1%} (target {TARGET:.0%}: {'met' if share >= TARGET else 'MISSED'})",
             "by precision: " + ", ".join(f"{k} {v}" for k, v in sorted(result["precisions"].items())),
             "left as text: " + (", ".join(f"{k} ×{v}" for k, v in sorted(result["unplaced"].items())) or "none")]
    return "\n".join(lines)

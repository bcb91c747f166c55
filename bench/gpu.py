"""The GPU part, run on the accelerator machine (`python -m bench gpu CORPUS OUT.json`).

That machine has no Prefect and the 64 MiB it carries cannot hold it beside the models, so
evex is measured there as its stages run back to back exactly as the flow calls them
(`evex.pipeline`: ingest → parse → extract → load into SQLite), without the orchestration.
Everything shares one process and one Stanza pipeline, warmed up once before any clock starts.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.child import corpus_texts, parse_in_groups, peak_rss_mib
from bench.machine import describe


def _throughput(seconds: float, articles: int, words: int, tokens: int | None = None) -> dict:
    out = {"seconds": round(seconds, 2), "articles_per_s": round(articles / seconds, 1),
           "words_per_s": round(words / seconds)}
    if tokens is not None:
        out["tokens_per_s"] = round(tokens / seconds)
    return out


def measure(corpus: Path) -> dict:
    """Bare Stanza at several call sizes, evex's parse stage, then evex's stages end to end."""
    import stanza
    import torch

    from evex import parse
    from evex.extract import default_extractor

    texts = corpus_texts(corpus)
    articles, words = len(texts), sum(len(t.split()) for t in texts)
    out: dict = {"machine": describe(), "articles": articles, "words": words}
    folder = parse.resources_dir(None)
    started = time.perf_counter()
    nlp = parse.load_pipeline(folder, True)
    out["model_load_s"] = round(time.perf_counter() - started, 2)
    nlp.bulk_process([stanza.Document([], text=t) for t in texts[:50]])  # CUDA kernels and caches warm up
    depparse = nlp.processors["depparse"]

    def bare(batch_words: int) -> dict:
        started = time.perf_counter()
        tokens = parse_in_groups(nlp, texts, batch_words)["tokens"]
        return {"batch_words": batch_words, "depparse_batch": depparse.config["batch_size"],
                **_throughput(time.perf_counter() - started, articles, words, tokens)}

    out["bare"] = [bare(20000), bare(100000)]
    default_batch = depparse.config["batch_size"]
    depparse.config["batch_size"] = parse.DEPPARSE_BATCH_WORDS[False]
    out["bare"].append(bare(20000))
    depparse.config["batch_size"] = default_batch

    out["evex_parse_stage"] = []
    for batch_articles in (128, 512):
        started = time.perf_counter()
        for i in range(0, articles, batch_articles):
            parse.parse_texts(texts[i : i + batch_articles], folder, True, 20000,
                              dependencies_for=default_extractor().dependency_sentences)
        out["evex_parse_stage"].append({"batch_articles": batch_articles, "parse_batch_words": 20000,
                                        **_throughput(time.perf_counter() - started, articles, words)})
    out["evex_stages"] = stages(corpus, articles, words)
    if torch.cuda.is_available():
        out["gpu_peak_memory_mib"] = round(torch.cuda.max_memory_allocated() / 2**20)
    out["peak_rss_mib"] = round(peak_rss_mib(), 1)
    return out


@contextmanager
def adding_to(timings: dict[str, float], key: str) -> Iterator[None]:
    """Adds the block's wall seconds to `timings[key]`."""
    started = time.perf_counter()
    try:
        yield
    finally:
        timings[key] += time.perf_counter() - started


def stages(corpus: Path, articles: int, words: int) -> dict:
    """evex's stages on the drop, as the flow runs them but without Prefect, into a fresh SQLite file."""
    from evex import pipeline
    from evex.db import get_engine, upgrade
    from evex.settings import Settings

    settings = Settings(database_url=f"sqlite:///{tempfile.mkdtemp()}/evex.db", stanza_use_gpu=True)
    upgrade(settings.database_url)
    engine = get_engine(settings.database_url)
    timings = dict.fromkeys(("ingest", "parse", "extract", "load"), 0.0)
    events = 0
    started = time.perf_counter()
    for files in pipeline.plan_batches([str(corpus)], settings.batch_articles):
        with adding_to(timings, "ingest"):
            ingested = pipeline.ingest_batch(files, engine, None, None)
        with adding_to(timings, "parse"):
            parsed = pipeline.parse_articles(ingested.new, settings)
        with adding_to(timings, "extract"):
            extracted = pipeline.extract_articles(parsed)
        with adding_to(timings, "load"):
            events += pipeline.load_articles(engine, None, extracted).n_events
    return {"batch_articles": settings.batch_articles, "parse_batch_words": settings.parse_batch_words,
            "events": events, "stage_s": {k: round(v, 2) for k, v in timings.items()},
            **_throughput(time.perf_counter() - started, articles, words)}

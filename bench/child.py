"""The measured work, each run in a fresh process so its peak RSS and model loading are its own.

`python -m bench.child bare CORPUS OUT.json` parses the corpus with Stanza alone (the yardstick);
`python -m bench.child flow CORPUS OUT.json` runs the evex flow on it (then, with `--rerun`, on
the same drop again; with `--workers N`, parsing on a local Dask cluster of N worker processes).
The parent passes the Prefect API, the database and the models through the environment.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


def peak_rss_mib() -> float:
    """This process's peak resident set (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@contextmanager
def clock(into: dict[str, float], key: str) -> Iterator[None]:
    """Wall and CPU seconds of a block, as `key` and `key_cpu`."""
    wall, cpu = time.perf_counter(), cpu_seconds()
    try:
        yield
    finally:
        into[key] = round(time.perf_counter() - wall, 3)
        into[key + "_cpu"] = round(cpu_seconds() - cpu, 3)


def corpus_texts(corpus: Path) -> list[str]:
    """The exact strings evex hands to Stanza: each article as ingested, apostrophes straightened."""
    from evex.ingest import discover, read_article
    from evex.parse import for_models, with_line_breaks_as_boundaries

    return [with_line_breaks_as_boundaries(for_models(read_article(path).text))[0] for path in discover([corpus])]


def bare(corpus: Path, use_gpu: bool, batch_words: int, part: int = 0, parts: int = 1) -> dict:
    """Stanza alone on the corpus (every `parts`-th article from `part`): `bulk_process` on groups of
    `batch_words` words."""
    from evex.parse import load_pipeline, resources_dir

    texts = corpus_texts(corpus)[part::parts]
    out: dict = {"articles": len(texts), "words": sum(len(t.split()) for t in texts), "batch_words": batch_words}
    with clock(out, "model_load_s"):
        nlp = load_pipeline(resources_dir(None), use_gpu)
    with clock(out, "parse_s"):
        out.update(parse_in_groups(nlp, texts, batch_words))
    out.update(processors=list(nlp.processors), peak_rss_mib=round(peak_rss_mib(), 1))
    return out


def parse_in_groups(nlp, texts: list[str], batch_words: int) -> dict[str, int]:
    """`bulk_process` on groups of `batch_words` words, nothing else: Stanza's own speed."""
    import stanza

    from evex.parse import batches_by_words

    tokens = sentences = calls = 0
    for group in batches_by_words(texts, batch_words):
        docs = nlp.bulk_process([stanza.Document([], text=texts[i]) for i in group])
        calls += 1
        tokens += sum(d.num_words for d in docs)
        sentences += sum(len(d.sentences) for d in docs)
    return {"tokens": tokens, "sentences": sentences, "stanza_calls": calls}


class Probe:
    """Counts parse calls and times each stage's own function, inside the flow, without changing them."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.seconds: Counter[str] = Counter()

    def install(self, stanza_calls: bool = True) -> None:
        from evex import pipeline

        for name in ("ingest_batch", "parse_articles", "extract_articles", "load_articles"):
            setattr(pipeline, name, self._timed(name, getattr(pipeline, name)))
        if stanza_calls:
            import stanza

            from evex import parse

            parse.parse_texts = self._timed("parse_texts", parse.parse_texts)
            stanza.Pipeline.bulk_process = self._timed("stanza_bulk_process", stanza.Pipeline.bulk_process)

    def _timed(self, name: str, function: Callable) -> Callable:
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.calls[name] += 1
                self.seconds[name] += time.perf_counter() - started

        return wrapper

    def snapshot(self) -> dict:
        return {"calls": dict(self.calls), "seconds": {k: round(v, 3) for k, v in self.seconds.items()}}

    def reset(self) -> None:
        self.calls.clear()
        self.seconds.clear()


def flow(corpus: Path, rerun: bool, workers: int = 0) -> dict:
    """The evex flow on a fresh database (EVEX_DATABASE_URL), then optionally on the same drop again;
    with `workers`, on a local cluster of that many one-thread worker processes (EVEX_DASK_WORKERS's)."""
    from evex.db import upgrade
    from evex.settings import get_settings

    settings = get_settings()
    out: dict = {"batch_articles": settings.batch_articles, "parse_batch_words": settings.parse_batch_words,
                 "workers": workers}
    with clock(out, "migrate_s"):
        upgrade(settings.database_url)
    if not workers:
        with clock(out, "model_load_s"):  # once per process, as in a long-lived worker; the yardstick skips it too
            load_models(settings)
        out.update(timed_runs(corpus, rerun))
        return out
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        os.environ["EVEX_DASK_ADDRESS"] = cluster.scheduler_address
        get_settings.cache_clear()
        with clock(out, "model_load_s"):  # each worker loads the models once, before the clock, as above
            client.run(load_models, settings)
        out.update(timed_runs(corpus, rerun, probe_stanza=False))
        out["worker_peak_rss_mib"] = sorted(round(peak, 1) for peak in client.run(peak_rss_mib).values())
    return out


def load_models(settings) -> None:
    from evex import parse

    use_gpu = parse.gpu_available() if settings.stanza_use_gpu is None else settings.stanza_use_gpu
    parse.load_pipeline(parse.resources_dir(settings.stanza_resources_dir), use_gpu)


def timed_runs(corpus: Path, rerun: bool, probe_stanza: bool = True) -> dict:
    """The first run on the drop and, with `rerun`, the second; peak RSS of this (the flow's) process.

    Without `probe_stanza` (parsing on workers) the probe leaves Stanza alone: importing it here
    would put torch in the flow's process, which a cluster run does not have."""
    from evex.db import get_engine
    from evex.load import count_rows
    from evex.settings import get_settings
    from flows.pipeline import configured_pipeline

    settings = get_settings()
    pipeline = configured_pipeline(settings)
    probe = Probe()
    probe.install(probe_stanza)
    first: dict = {}
    with clock(first, "wall_s"):
        summary = pipeline(paths=[str(corpus)])
    first.update(_summary(summary) | probe.snapshot(), peak_rss_mib=round(peak_rss_mib(), 1))
    first["rows"] = count_rows(get_engine(settings.database_url))
    out = {"first": first}
    if rerun:
        probe.reset()
        second: dict = {}
        with clock(second, "wall_s"):
            summary = pipeline(paths=[str(corpus)])
        second.update(_summary(summary) | probe.snapshot())
        second["rows_unchanged"] = count_rows(get_engine(settings.database_url)) == first["rows"]
        out["rerun"] = second
    out["peak_rss_mib"] = round(peak_rss_mib(), 1)
    return out


def _summary(summary) -> dict:
    return {"new": summary.new, "skipped": summary.skipped, "failed": summary.failed,
            "events": summary.n_events, "stage_timers": dict(summary.timings)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.child")
    parser.add_argument("mode", choices=("bare", "flow"))
    parser.add_argument("corpus", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--batch-words", type=int, default=3000)
    parser.add_argument("--gpu", action="store_true")
    parser.add_argument("--rerun", action="store_true")
    parser.add_argument("--workers", type=int, default=0, help="flow: parse on a local Dask cluster of N processes")
    parser.add_argument("--slice", default="0/1", help="bare: K/M parses every M-th article from the K-th")
    args = parser.parse_args(argv)
    part, parts = map(int, args.slice.split("/"))
    if args.mode == "bare":
        result = bare(args.corpus, args.gpu, args.batch_words, part, parts)
    else:
        result = flow(args.corpus, args.rerun, args.workers)
    result["pid"] = os.getpid()
    args.out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

"""CPU seconds of each Stanza processor in evex's own parse (dependencies only where the extractor reads
them), one process, torch on one thread as in evex's workers: where a parse's time goes, so that a
speed-up is sought where the time is.

    python -m bench processors --articles 30
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.corpus import build_news_drop
from evex import parse
from evex.extract import default_extractor
from evex.ingest import discover, read_article


@contextmanager
def timed_processors(nlp) -> Iterator[Counter]:
    """CPU seconds per processor of the pipeline `nlp` while the block runs (each processor's batch call
    wrapped, put back after)."""
    seconds: Counter = Counter()
    wrapped = []
    for name, processor in nlp.processors.items():
        method = "bulk_process" if hasattr(processor, "bulk_process") else "process"
        original = getattr(processor, method)
        wrapped.append((processor, method, vars(processor).get(method)))  # evex's own patch, if any

        def timed(documents, _original=original, _name=name):
            started = time.process_time()
            try:
                return _original(documents)
            finally:
                seconds[_name] += time.process_time() - started

        setattr(processor, method, timed)
    try:
        yield seconds
    finally:
        for processor, method, patched in wrapped:
            if patched is None:
                delattr(processor, method)  # the class's method shows again
            else:
                setattr(processor, method, patched)


def processor_seconds(texts: list[str], stanza_dir: Path) -> dict[str, float]:
    """CPU seconds per processor and in all (`total`) to parse `texts` as evex does, models loaded before."""
    import torch

    torch.set_num_threads(1)
    nlp = parse.load_pipeline(stanza_dir, False)
    started = time.process_time()
    with timed_processors(nlp) as seconds:
        parse.parse_texts(texts, stanza_dir, False, 20000, dependencies_for=default_extractor().dependency_sentences)
    return {**{name: round(value, 2) for name, value in seconds.most_common()},
            "total": round(time.process_time() - started, 2)}


def report(seconds: dict[str, float], words: int, command: str) -> str:
    total = seconds["total"]
    lines = [f"`{command}`: {words:,} words, {total:.1f} CPU s"]
    lines += [f"- {name}: {value:.1f} s ({value / total:.0%})" for name, value in seconds.items() if name != "total"]
    outside = total - sum(value for name, value in seconds.items() if name != "total")
    lines.append(f"- outside the processors (evex's preparation, CoNLL-U): {outside:.1f} s ({outside / total:.0%})")
    return "\n".join(lines)


def news_texts(articles: int, seed: int) -> list[str]:
    """The texts evex reads from the first `articles` of the benchmark's news drop."""
    with tempfile.TemporaryDirectory() as folder:
        drop = build_news_drop(Path(folder) / "drop", articles, seed).folder
        return [read_article(path).text for path in discover([drop])]

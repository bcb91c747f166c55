"""The yardstick's side of a pair, run in a fresh process so its model load and peak RSS are its own.

`python -m bench.child stanza CORPUS OUT.json` parses the drop with bare Stanza as a user of Stanza
would: `stanza.Pipeline('fr', download_method=None)` with Stanza's defaults (every processor, its batch
sizes and torch's threads), then one `bulk_process` over every text. The other side of the pair is
`evex run` itself (bench/run.py).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from collections.abc import Iterator
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


def bare_stanza(corpus: Path) -> dict:
    """Stanza with its defaults on the drop: model load, then one `bulk_process` over all texts."""
    import stanza
    import torch

    texts = corpus_texts(corpus)
    out: dict = {"articles": len(texts), "words": sum(len(t.split()) for t in texts),
                 "torch_threads": torch.get_num_threads()}
    with clock(out, "model_load_s"):
        nlp = stanza.Pipeline("fr", download_method=None, logging_level="WARN")
    with clock(out, "parse_s"):
        docs = nlp.bulk_process([stanza.Document([], text=text) for text in texts])
    out.update(tokens=sum(d.num_words for d in docs), sentences=sum(len(d.sentences) for d in docs),
               processors=list(nlp.processors), peak_rss_mib=round(peak_rss_mib(), 1))
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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.child")
    parser.add_argument("mode", choices=("stanza",))
    parser.add_argument("corpus", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    result = bare_stanza(args.corpus)
    result["pid"] = os.getpid()
    args.out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

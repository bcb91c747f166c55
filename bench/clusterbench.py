"""The Dask series and the writer's ceiling: the same drop parsed in one process, then on local clusters
of 1 and 2 worker processes, each run in a fresh process; then `load_batch` alone on both databases.

`python -m bench cluster --articles N` prints the figures as JSON (and writes them to `--out`).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.corpus import build_corpus

REPO = Path(__file__).resolve().parent.parent


def flow_run(corpus: Path, url: str, workers: int) -> dict:
    """One flow run on a fresh database; with `workers`, on a local cluster of that many processes."""
    from evex.db import get_engine, upgrade
    from evex.load import count_rows
    from evex.settings import get_settings
    from flows.pipeline import configured_pipeline

    os.environ["EVEX_DATABASE_URL"] = url
    get_settings.cache_clear()
    upgrade(url)
    out: dict = {"workers": workers}
    if not workers:
        started = time.perf_counter()
        summary = configured_pipeline(get_settings())(paths=[str(corpus)])
        out["seconds"] = round(time.perf_counter() - started, 3)
        out["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    else:
        from distributed import Client, LocalCluster

        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
                Client(cluster) as client:
            os.environ["EVEX_DASK_ADDRESS"] = cluster.scheduler_address
            get_settings.cache_clear()
            started = time.perf_counter()
            summary = configured_pipeline(get_settings())(paths=[str(corpus)])
            out["seconds"] = round(time.perf_counter() - started, 3)
            peaks = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
            out["worker_peak_rss_mib"] = sorted(round(v, 1) for v in peaks.values())
            out["flow_process_peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    out.update(new=summary.new, events=summary.n_events, timings=summary.timings,
               articles_per_s=round(summary.new / out["seconds"], 3), rows=count_rows(get_engine(url)))
    return out


def load_throughput(source_url: str, copies: int, postgres_url: str | None) -> dict:
    """`load_batch` alone into empty databases: the stored articles, `copies` times (distinct texts)."""
    from dataclasses import replace

    from bench.loadbench import fresh_postgres, measure, stored_batches
    from evex.ingest import article_hash

    items = [item for batch in stored_batches(source_url, 10**9) for item in batch]
    copied = []
    for copy in range(copies):
        for item in items:
            text = item.article.text if copy == 0 else f"{item.article.text}\n(copie {copy})"
            copied.append(replace(item, article=replace(item.article, text=text, sha256=article_hash(text),
                                                        doc_id=f"{item.article.doc_id}~{copy}")))
    batches = [copied[i : i + 128] for i in range(0, len(copied), 128)]
    out = {}
    with tempfile.TemporaryDirectory() as folder:
        from evex.db import upgrade

        url = f"sqlite:///{folder}/load.db"
        upgrade(url)
        out["sqlite"] = measure(url, batches)
    if postgres_url:
        with fresh_postgres(postgres_url) as url:
            out["postgres"] = measure(url, batches)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench cluster")
    parser.add_argument("--articles", type=int, default=60)
    parser.add_argument("--batch-articles", type=int, default=8)
    parser.add_argument("--workers", default="0,1,2", help="0: one process")
    parser.add_argument("--copies", type=int, default=0, help="load bench: the drop this many times (0: skip)")
    parser.add_argument("--postgres-url", default=os.environ.get("EVEX_BENCH_POSTGRES_URL",
                                                                 "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--child", nargs=3, metavar=("CORPUS", "URL", "WORKERS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(flow_run(Path(args.child[0]), args.child[1], int(args.child[2]))))
        return
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="evex-cluster-bench-"))
    corpus = build_corpus(workdir / "corpus", args.articles)
    results: dict = {"articles": corpus.articles, "words": corpus.words, "batch_articles": args.batch_articles, "runs": []}
    with prefect_test_harness(server_startup_timeout=120):
        env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(),
               "EVEX_BATCH_ARTICLES": str(args.batch_articles)}
        for workers in map(int, args.workers.split(",")):
            url = f"sqlite:///{workdir}/flow-{workers}.db"
            done = subprocess.run([sys.executable, "-m", "bench.clusterbench", "--child", str(corpus.folder), url,
                                   str(workers)], cwd=REPO, env=env, capture_output=True, text=True)
            if done.returncode:
                raise SystemExit(f"the run on {workers} workers failed:\n{done.stderr[-3000:]}")
            results["runs"].append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(json.dumps(results["runs"][-1]), flush=True)
    if args.copies:
        results["load"] = load_throughput(f"sqlite:///{workdir}/flow-0.db", args.copies, args.postgres_url)
    text = json.dumps(results, indent=2)
    if args.out:
        args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()

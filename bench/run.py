"""`python -m bench run`: evex as a user runs it against bare Stanza, alternately, in fresh processes.

A pair is one run of each on the same drop of real news (`bench.corpus.build_news_drop`): `evex run
DROP` (the CLI, a fresh SQLite file, the Prefect server started here given by PREFECT_API_URL;
migrations, worker start and model loads included) and bare Stanza (`bench.child stanza`: its
defaults, one `bulk_process`, model load included). The pairs alternate which side goes first (A B,
B A, ...), so a neighbour's load on this shared machine falls on both sides alike. Each process's wall
clock, CPU time (its own and its children's) and peak memory (the largest sum of RSS over its process
tree at one time, sampled every 0.1 s; the Prefect server is not in it) are taken from here. Then the
re-run of the unchanged drop, and `load_batch` alone (bench/loadbench.py).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psutil

from bench.corpus import REPO, build_news_drop
from bench.machine import describe

STANZA_DIR = REPO.parent / "shared" / "stanza_resources"
SAMPLE_EVERY_S = 0.1


@dataclass
class Options:
    articles: int
    workdir: Path
    seed: int
    postgres_url: str | None  # None: skip the Postgres load measurement
    stanza_dir: Path
    pairs: int = 3
    load_baseline: str | None = None  # a commit whose load_batch is measured too, on the same articles
    load_rounds: int = 3  # 0: no load measurement


@contextmanager
def prefect_server() -> Iterator[tuple[str, float]]:
    """One temporary Prefect API (SQLite-backed) for all children; yields its URL and start-up time."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")  # no telemetry from a closed network
    started = time.perf_counter()
    with prefect_test_harness(server_startup_timeout=120):
        yield PREFECT_API_URL.value(), round(time.perf_counter() - started, 1)


def timed_process(command: list[str], env: dict[str, str], options: Options, tag: str,
                  cwd: Path | None = None) -> dict:
    """Run `command` in a fresh process tree (its output to the work folder's TAG.log): wall seconds,
    CPU seconds of the tree (reaped children included) and the largest sum of its processes' RSS."""
    log = options.workdir / f"{tag}.log"
    environment = {**os.environ, "STANZA_RESOURCES_DIR": str(options.stanza_dir),
                   "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PYTHONUNBUFFERED": "1", **env}
    print(f"[bench] {tag}: {' '.join(command)}", flush=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with log.open("w") as stream:
        process = subprocess.Popen([sys.executable, *command], cwd=cwd or options.workdir, env=environment, stdout=stream,
                                   stderr=subprocess.STDOUT)
        peak, largest = 0, 0
        while process.poll() is None:
            total, count = tree_rss(process.pid)
            peak, largest = max(peak, total), max(largest, count)
            time.sleep(SAMPLE_EVERY_S)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode:
        tail = log.read_text(errors="replace").splitlines()[-30:]
        raise RuntimeError(f"{tag} failed (exit {process.returncode}); end of {log}:\n" + "\n".join(tail))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    result = {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "peak_rss_mib": round(peak / 2**20, 1),
              "processes": largest}
    print(f"[bench] {tag}: {result}", flush=True)
    return result


def tree_rss(pid: int) -> tuple[int, int]:
    """The RSS of a process and all its descendants now, in bytes, and how many they are."""
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0, 0
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.Error:
            continue
    return total, len(processes)


def sqlite_url(options: Options, tag: str) -> str:
    path = options.workdir / f"{tag}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return f"sqlite:///{path}"


def evex_run(options: Options, drop: Path, api_url: str, tag: str, fresh: bool = True) -> dict:
    """`evex run DROP` as a user types it; the figures, and the run's stage split from `pipeline_runs`."""
    url = sqlite_url(options, tag) if fresh else f"sqlite:///{options.workdir / f'{tag}.db'}"
    figures = timed_process(["-m", "evex.cli", "run", str(drop)],
                            {"PREFECT_API_URL": api_url, "EVEX_DATABASE_URL": url, "PYTHONPATH": str(REPO)},
                            options, tag + ("" if fresh else "-rerun"))
    figures.update(printed_counts(options.workdir / f"{tag}{'' if fresh else '-rerun'}.log"), **stored_run(url))
    return figures


def printed_counts(log: Path) -> dict:
    """The articles line of the summary `evex run` printed: new, skipped, failed."""
    line = next(line for line in log.read_text(errors="replace").splitlines() if line.startswith("articles: "))
    new, skipped, failed = (int(part.split()[0]) for part in line.removeprefix("articles: ").split(", "))
    return {"new": new, "skipped": skipped, "failed": failed}


def stored_run(url: str) -> dict:
    """The rows in the database, and the stage timers and event reports of the last run that stored
    anything (`pipeline_runs`: a run that changed nothing leaves no record)."""
    from evex.db import get_engine
    from evex.load import count_rows
    from evex.query import run_query

    rows = run_query(url, "SELECT n_events, timings FROM pipeline_runs ORDER BY id DESC LIMIT 1").rows
    out = {"rows": count_rows(get_engine(url)), "dependencies": dependency_share(url)}
    if rows:
        events, timings = rows[0]
        out.update(events=events, stages=json.loads(timings) if isinstance(timings, str) else timings)
    get_engine(url).dispose()
    return out


def dependency_share(url: str) -> dict:
    """How many of the stored parses' sentences and words the dependency parser ran on."""
    from evex.conllu import read_conllu
    from evex.query import run_query

    counts = dict.fromkeys(("sentences", "sentences_parsed", "words", "words_parsed"), 0)
    for (content,) in run_query(url, "SELECT content FROM parses", max_rows=10**9).rows:
        for sentence in read_conllu(content).sentences:
            counts["sentences"] += 1
            counts["words"] += len(sentence.words)
            if sentence.has_dependencies:
                counts["sentences_parsed"] += 1
                counts["words_parsed"] += len(sentence.words)
    return counts


def bare_run(options: Options, drop: Path, tag: str) -> dict:
    out = options.workdir / f"{tag}.json"
    figures = timed_process(["-m", "bench.child", "stanza", str(drop), str(out)], {"PYTHONPATH": str(REPO)},
                            options, tag)
    return figures | json.loads(out.read_text())


def run(options: Options, command: str) -> dict:
    """Every measurement of the issue, in one process tree; returns the figures (see report.py)."""
    options.workdir.mkdir(parents=True, exist_ok=True)
    results: dict = {"commands": [command], "started": dt.datetime.now().isoformat(timespec="seconds"),
                     "machine": describe(), "articles": options.articles}
    started = time.perf_counter()
    drop = build_news_drop(options.workdir / f"news-{options.articles}", options.articles, options.seed)
    results["corpus"] = {"articles": drop.articles, "words": drop.words, "seed": options.seed,
                         "build_s": round(time.perf_counter() - started, 2)}
    results["pairs"] = []
    with prefect_server() as (api_url, startup_s):
        results["prefect_server_startup_s"] = startup_s
        for number in range(1, options.pairs + 1):
            evex_first = number % 2 == 0  # B A on even pairs
            tag = f"{options.articles}-pair{number}"
            sides = {}
            for side in (("evex", "bare") if evex_first else ("bare", "evex")):
                sides[side] = (evex_run(options, drop.folder, api_url, f"evex-{tag}") if side == "evex"
                               else bare_run(options, drop.folder, f"bare-{tag}"))
            results["pairs"].append({"number": number, "first": "evex" if evex_first else "bare", **sides})
        last = f"evex-{options.articles}-pair{options.pairs}"
        results["rerun"] = evex_run(options, drop.folder, api_url, last, fresh=False)
    results["load_average_after_timed_runs"] = [round(x, 2) for x in os.getloadavg()]
    if options.load_rounds:
        results["load"] = load_throughput(options, f"sqlite:///{options.workdir / f'{last}.db'}")
    results["finished"] = dt.datetime.now().isoformat(timespec="seconds")
    results["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    return results


def load_throughput(options: Options, source: str) -> dict:
    """Articles per second that `load_batch` stores into empty SQLite and Postgres databases: this evex's
    and, with `load_baseline`, that commit's (`bench.loadbench`), each in a fresh process."""
    from bench.loadbench import baseline_tree
    from evex.settings import Settings

    arguments = ["--batch-articles", str(Settings().batch_articles), "--rounds", str(options.load_rounds)]
    if options.postgres_url:
        arguments += ["--postgres-url", options.postgres_url]
    versions = {"after": REPO}
    if options.load_baseline:
        versions = {"before": baseline_tree(REPO, options.load_baseline, options.workdir / "baseline"), **versions}
    out = {}
    for name, tree in versions.items():
        figures = options.workdir / f"load-{name}.json"
        timed_process(["-m", "bench.loadbench", source, str(figures), *arguments], {"PYTHONPATH": str(tree)},
                      options, f"load-{name}", cwd=tree)
        out[name] = json.loads(figures.read_text())
    if options.load_baseline:
        out["before"]["commit"] = options.load_baseline
    return out

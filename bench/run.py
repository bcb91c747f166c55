"""One benchmark run: corpus, bare Stanza, evex end to end, re-run, the Dask series, memory series,
load throughput (before and after a change).

Every timed piece runs in a fresh child process (`bench.child`) against one Prefect server
started here for the whole run, so the server's start-up is no stage's cost and each child's
peak RSS is its own.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.corpus import REPO, build_corpus
from bench.machine import describe

STANZA_DIR = REPO.parent / "shared" / "stanza_resources"


@dataclass
class Options:
    articles: int
    memory_sizes: list[int]
    workdir: Path
    seed: int
    bare_batch_words: int
    postgres_url: str | None  # None: skip the Postgres load measurement
    stanza_dir: Path
    resume: bool = False  # keep the steps already saved in the work folder's partial.json
    dask_workers: tuple[int, ...] = (1, 2)  # local clusters the flow also runs on, one after the other
    load_baseline: str | None = None  # a commit whose load_batch is measured too, on the same articles
    load_rounds: int = 3


@contextmanager
def prefect_server() -> Iterator[tuple[str, float]]:
    """One temporary Prefect API (SQLite-backed) for all children; yields its URL and start-up time."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")  # no telemetry from a closed network
    started = time.perf_counter()
    with prefect_test_harness(server_startup_timeout=120):
        yield PREFECT_API_URL.value(), round(time.perf_counter() - started, 1)


def child(mode: str, corpus: Path, options: Options, env: dict[str, str], tag: str, *extra: str) -> dict:
    """Run `bench.child` in a fresh interpreter; its log goes to the work folder."""
    out = options.workdir / f"{tag}.json"
    return fresh_process(["bench.child", mode, str(corpus), str(out), *extra], out, options, env, tag)


def fresh_process(module: list[str], out: Path, options: Options, env: dict[str, str], tag: str,
                  cwd: Path = REPO) -> dict:
    """`python -m MODULE ...` in a fresh interpreter, which writes its figures to `out`; those figures."""
    log = options.workdir / f"{tag}.log"
    command = [sys.executable, "-m", *module]
    environment = {**os.environ, "STANZA_RESOURCES_DIR": str(options.stanza_dir),
                   "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PYTHONUNBUFFERED": "1", **env}
    print(f"[bench] {tag}: {' '.join(command[1:])}", flush=True)
    started = time.perf_counter()
    with log.open("w") as stream:
        code = subprocess.run(command, cwd=cwd, env=environment, stdout=stream, stderr=subprocess.STDOUT).returncode
    if code:
        tail = log.read_text(errors="replace").splitlines()[-30:]
        raise RuntimeError(f"{tag} failed (exit {code}); end of {log}:\n" + "\n".join(tail))
    result = json.loads(out.read_text())
    result["process_s"] = round(time.perf_counter() - started, 1)
    print(f"[bench] {tag}: done in {result['process_s']} s", flush=True)
    return result


def sqlite_url(options: Options, tag: str) -> str:
    path = options.workdir / f"{tag}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return f"sqlite:///{path}"


def run(options: Options, command: str) -> dict:
    """Every measurement of the issue, in one process tree; returns the figures (see report.py).

    The figures so far are saved to the work folder's partial.json after each step; `resume`
    starts again from there (a long run on a shared machine can be cut short).
    """
    options.workdir.mkdir(parents=True, exist_ok=True)
    partial = options.workdir / "partial.json"
    results: dict = json.loads(partial.read_text()) if options.resume and partial.is_file() else {}

    def save() -> None:
        partial.write_text(json.dumps(results, indent=2, ensure_ascii=False))

    results["commands"] = [*results.get("commands", []), command]
    results.setdefault("started", dt.datetime.now().isoformat(timespec="seconds"))
    results.setdefault("machine", describe())
    results["articles"] = options.articles
    folder = options.workdir / f"corpus-{options.articles}"
    if "corpus" not in results:
        started = time.perf_counter()
        corpus = build_corpus(folder, options.articles, options.seed)
        results["corpus"] = {"articles": corpus.articles, "words": corpus.words, "seed_articles": corpus.seeds,
                             "seed": options.seed, "build_s": round(time.perf_counter() - started, 2)}
        save()
    with prefect_server() as (api_url, startup_s):
        results.setdefault("prefect_server_startup_s", startup_s)
        prefect = {"PREFECT_API_URL": api_url}
        if "evex" not in results:
            bare = ["--batch-words", str(options.bare_batch_words)]
            halves = [child("bare", folder, options, {}, f"bare-{options.articles}-a", *bare, "--slice", "0/2")]
            flow_env = {**prefect, "EVEX_DATABASE_URL": sqlite_url(options, f"flow-{options.articles}")}
            results["evex"] = child("flow", folder, options, flow_env, f"flow-{options.articles}", "--rerun")
            results["dask"] = [dask_run(options, prefect, folder, workers) for workers in options.dask_workers]
            halves.append(child("bare", folder, options, {}, f"bare-{options.articles}-b", *bare, "--slice", "1/2"))
            results["bare"] = combine(halves)
            results["load_average_after_timed_runs"] = [round(x, 2) for x in os.getloadavg()]
            save()
        results.setdefault("memory", [])
        memory_series(options, prefect, results, options.memory_sizes, save)
    results["load"] = load_throughput(options, results["evex"])
    results["finished"] = dt.datetime.now().isoformat(timespec="seconds")
    results["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    return results


def dask_run(options: Options, prefect: dict[str, str], corpus: Path, workers: int) -> dict:
    """The flow on the drop with parsing on a local cluster of `workers` processes, fresh database."""
    tag = f"dask-{workers}-{options.articles}"
    env = {**prefect, "EVEX_DATABASE_URL": sqlite_url(options, tag)}
    return child("flow", corpus, options, env, tag, "--workers", str(workers))


def combine(halves: list[dict]) -> dict:
    """The yardstick from its two halves, parsed just before and just after the evex runs (one process,
    then the Dask series).

    On a shared machine the load drifts; splitting the yardstick around the run it is compared with
    exposes both to the same drift (the halves alternate articles, so they hold alike texts).
    """
    summed = ("articles", "words", "parse_s", "parse_s_cpu", "tokens", "sentences", "stanza_calls")
    out = {key: round(sum(h[key] for h in halves), 3) for key in summed}
    out.update(batch_words=halves[0]["batch_words"], processors=halves[0]["processors"],
               model_load_s=halves[0]["model_load_s"], peak_rss_mib=max(h["peak_rss_mib"] for h in halves),
               halves=halves)
    return out


def memory_series(options: Options, prefect: dict[str, str], results: dict, sizes: list[int],
                  save: Callable[[], None]) -> None:
    """Peak RSS of the flow's process for each drop size, each in a fresh process and database,
    appended to `results["memory"]`."""
    done = {entry["articles"] for entry in results["memory"]}
    for n in sizes:
        if n in done:
            continue
        if n == options.articles:  # the end-to-end run is the same measurement
            first = results["evex"]["first"]
        else:
            corpus = build_corpus(options.workdir / f"corpus-{n}", n, options.seed)
            env = {**prefect, "EVEX_DATABASE_URL": sqlite_url(options, f"memory-{n}")}
            first = child("flow", corpus.folder, options, env, f"memory-{n}")["first"]
        results["memory"].append({"articles": n, "peak_rss_mib": first["peak_rss_mib"], "new": first["new"],
                                  "failed": first["failed"], "events": first["events"], "wall_s": first["wall_s"]})
        save()


def load_throughput(options: Options, main_run: dict) -> dict:
    """Events per second that `load_batch` stores into empty SQLite and Postgres databases: this evex's
    and, with `load_baseline`, that commit's (`bench.loadbench`), each in a fresh process."""
    from bench.loadbench import baseline_tree

    source = sqlite_url_of(options, f"flow-{options.articles}")
    arguments = [source, "--batch-articles", str(main_run["batch_articles"]), "--rounds", str(options.load_rounds)]
    if options.postgres_url:
        arguments += ["--postgres-url", options.postgres_url]
    versions = {"after": REPO}
    if options.load_baseline:
        versions = {"before": baseline_tree(REPO, options.load_baseline, options.workdir / "baseline"), **versions}
    out = {}
    for name, tree in versions.items():
        figures = options.workdir / f"load-{name}.json"
        out[name] = fresh_process(["bench.loadbench", arguments[0], str(figures), *arguments[1:]], figures, options,
                                  {"PYTHONPATH": str(REPO)}, f"load-{name}", cwd=tree)
    if options.load_baseline:
        out["before"]["commit"] = options.load_baseline
    return out


def sqlite_url_of(options: Options, tag: str) -> str:
    return f"sqlite:///{options.workdir / f'{tag}.db'}"

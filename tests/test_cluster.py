"""The flow on a real local Dask cluster (2 worker processes): the same database as a one-process run,
at most two batches per worker in flight, and a worker killed mid-parse costs nothing but time."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from bench.corpus import build_corpus
from tests.test_faults import ARTICLES, DOC_DATE, canonical, database_of_kind, evex_settings, run_flow, task_runs_of

WORKERS = 2
BATCH_ARTICLES = "2"  # 7 batches: more than the 4 (2 per worker) allowed in flight


@pytest.fixture(scope="module")
def cluster():
    """One cluster for the module: processes with one thread each, as EVEX_DASK_WORKERS starts them."""
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=WORKERS, threads_per_worker=1, processes=True, dashboard_address=None) as local:
        with Client(local) as client:
            yield local.scheduler_address, client


@pytest.fixture(scope="module")
def drop_and_expected(prefect_server, tmp_path_factory, stanza_dir) -> tuple[Path, dict]:
    """The seeds, four short articles (two report one meeting, in two batches), one of them again under
    another name, and three generated ones; and the database one process makes of them."""
    folder = tmp_path_factory.mktemp("cluster")
    drop = build_corpus(folder / "drop", 8).folder
    for name, text in ARTICLES.items():
        (drop / name).write_text(text, encoding="utf-8")
    (drop / "z-copie.txt").write_text(ARTICLES["a-dialogue.txt"], encoding="utf-8")
    url, cleanup = database_of_kind("sqlite", folder)
    assert run_flow(url, drop, batch_articles=BATCH_ARTICLES).is_completed()
    yield drop, canonical(url)
    cleanup()


def run_on_cluster(address: str, url: str, drop: Path):
    """The flow as `evex run` starts it with EVEX_DASK_ADDRESS set; its final state."""
    from flows.pipeline import configured_pipeline

    with evex_settings(database_url=url, batch_articles=BATCH_ARTICLES, dask_address=address):
        return configured_pipeline()(paths=[str(drop)], default_date=DOC_DATE, return_state=True)


def batch_of(name: str) -> int:
    return int(name.rsplit(" ", 1)[1])


def test_cluster_run_equals_a_one_process_run_with_two_batches_per_worker_in_flight(cluster, drop_and_expected,
                                                                                  tmp_path):
    address, _ = cluster
    drop, expected = drop_and_expected
    url, cleanup = database_of_kind("postgres", tmp_path)
    try:
        state = run_on_cluster(address, url, drop)
        assert state.is_completed(), state.message
        assert canonical(url) == expected
    finally:
        cleanup()

    runs = task_runs_of(state.state_details.flow_run_id)
    stages = {stage: {batch_of(name): run for name, run in runs.items() if name.startswith(stage + " ")}
              for stage in ("ingest", "parse", "extract", "load")}
    assert len(stages["ingest"]) == 7 and len(stages["load"]) == 6  # batch 7, the copy, has nothing new
    window = 2 * WORKERS
    for batch in range(window + 1, 8):  # a batch is read only once the batch `window` before it is stored
        assert stages["ingest"][batch].start_time >= stages["load"][batch - window].end_time, batch
    loads = [stages["load"][batch] for batch in sorted(stages["load"])]
    assert all(a.end_time <= b.start_time for a, b in zip(loads, loads[1:]))  # one writer, in batch order
    parses = list(stages["parse"].values())
    assert any(a.start_time < b.end_time and b.start_time < a.end_time  # batches parsed at once
               for a in parses for b in parses if a is not b)


class KillWhileParsing(threading.Thread):
    """Kills (SIGKILL) the worker process that has been running a parse task for `after_s` seconds, once."""

    def __init__(self, client, after_s: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.client, self.after_s = client, after_s
        self.killed: tuple[str, str] | None = None  # (worker, task key)
        self.stop = threading.Event()
        self.seen: set[str] = set()

    def run(self) -> None:
        since: dict[str, float] = {}
        while not self.stop.is_set() and self.killed is None:
            executing = self.client.run(lambda dask_worker: [str(task.key) for task in dask_worker.state.executing])
            for worker, keys in executing.items():
                self.seen.update(keys)
                for key in keys:
                    if key.startswith("parse") and time.monotonic() - since.setdefault(key, time.monotonic()) > self.after_s:
                        pid = self.client.run(os.getpid, workers=[worker])[worker]
                        os.kill(pid, signal.SIGKILL)
                        self.killed = (worker, key)
                        return
            time.sleep(0.05)


def test_a_worker_killed_mid_parse_is_replaced_and_the_run_ends_with_nothing_twice(cluster, drop_and_expected,
                                                                                 tmp_path):
    address, client = cluster
    drop, expected = drop_and_expected
    url, cleanup = database_of_kind("sqlite", tmp_path)
    killer = KillWhileParsing(client)
    killer.start()
    try:
        state = run_on_cluster(address, url, drop)
    finally:
        killer.stop.set()
        killer.join(timeout=30)
    try:
        assert killer.killed, f"no parse task ran long enough to be killed: {killer.seen}"
        assert state.is_completed(), state.message
        assert canonical(url) == expected
    finally:
        cleanup()
    parses = [run for name, run in task_runs_of(state.state_details.flow_run_id).items() if name.startswith("parse")]
    assert len(parses) == 6 and all(run.state.is_completed() for run in parses)
    client.wait_for_workers(WORKERS, timeout=120)  # the nanny started a new worker process


def test_the_local_cluster_closing_as_asked_logs_no_warning_or_traceback(caplog):
    """The scheduler's stream to a stopped worker is logged closed with its traceback, and a worker slow
    to exit with a warning: in the log of `evex serve` or a run they read as failures. The local cluster's
    flow drops those two messages and no other of distributed's."""
    import logging

    from evex.settings import Settings
    from flows.pipeline import configured_pipeline

    configured_pipeline(Settings(workers=2))
    try:
        raise OSError("stream closed")
    except OSError:
        closed = "<TCP (closed) Scheduler connection to worker local=tcp://127.0.0.1:1 remote=tcp://127.0.0.1:2>"
        with caplog.at_level(logging.INFO):
            logging.getLogger("distributed.batched").info("Batched Comm Closed %r", closed, exc_info=True)
            logging.getLogger("distributed.nanny").warning("Worker process still alive after 4.0 seconds, killing")
            logging.getLogger("distributed.batched").warning("Batched send failed")
            logging.getLogger("distributed.scheduler").info("Batched Comm Closed elsewhere")
    assert [record.getMessage() for record in caplog.records] == ["Batched send failed",
                                                                  "Batched Comm Closed elsewhere"]

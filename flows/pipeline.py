"""The evex flow: ingest → parse → extract → load, batch after batch, each stage a retried task.

Parse and extract run on a Dask cluster: a local one of EVEX_WORKERS single-threaded processes (one
per core by default, each loading the models once) or the one at EVEX_DASK_ADDRESS; several batches
at once, at most two per worker in flight. Ingest and load stay in the flow's process, and load takes
the batches in their order, so the database is a one-process run's.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import deque
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from prefect import Flow, get_run_logger, runtime, task
from prefect.artifacts import create_table_artifact
from prefect.client.orchestration import get_client
from prefect.cache_policies import NONE
from prefect.context import FlowRunContext
from prefect.futures import PrefectFuture
from prefect.task_runners import TaskRunner
from prefect.tasks import exponential_backoff
from sqlalchemy.exc import DBAPIError, OperationalError

from evex import pipeline, progress
from evex.db import get_engine, masked
from evex.load import LoadResult, ProcessedArticle
from evex.pipeline import IngestOutcome
from evex.settings import Settings, get_settings
from evex.summary import RunSummary
from evex.wording import counted

ARTIFACT_ROWS = 500
TRANSIENT = (OperationalError, DBAPIError, OSError, TimeoutError)
BATCHES_IN_FLIGHT_PER_WORKER = 2  # one parsing, one waiting: workers never idle, memory stays bounded
# Batches per worker a drop is cut into at least (smaller batches for a small drop): the workers end
# within about one batch of each other, so the last batches leave a worker idle for 1/8 of the run at most.
BATCHES_PER_WORKER = 8
SMALLEST_BATCH = 8  # articles: below, Prefect's few tasks per batch and Stanza's per-call costs begin to show


def retry_if_transient(_task, _task_run, state) -> bool:
    """Retry I/O and database errors; a deterministic failure fails at once."""
    try:
        state.result()
    except TRANSIENT:
        return True
    except Exception:  # noqa: BLE001 - anything else is deterministic
        return False
    return False


def stage(name: str):
    return task(name=name, task_run_name=name + " · batch {batch_no}", cache_policy=NONE,
                retry_condition_fn=retry_if_transient)


@stage("ingest")
def ingest(files, engine, run_id, default_date, batch_no, roots=None, max_words=None, taken=frozenset()):
    return pipeline.ingest_batch(files, engine, run_id, default_date, roots, max_words, taken)


@stage("parse")
def parse(articles, settings, batch_no):
    return pipeline.parse_articles(articles, settings)


@stage("extract")
def extract(parsed, batch_no):
    return pipeline.extract_articles(parsed)


@stage("load")
def load(extracted, engine, run_id, batch_no):
    return pipeline.load_articles(engine, run_id, extracted)


def drop_run_name() -> str:
    paths = runtime.flow_run.parameters.get("paths") or ["inbox"]
    return f"{Path(paths[0]).name or paths[0]} {dt.datetime.now():%Y-%m-%d %H:%M}"


@dataclass
class BatchInFlight:
    """A batch ingested here, whose parse and extraction run or ran (a future on a cluster)."""

    number: int
    files: list[str]
    ingested: IngestOutcome
    extracted: PrefectFuture | list[ProcessedArticle]


class PlainParametersFlow(Flow):
    """A flow whose parameters, when they are plain JSON (the drop's paths, a date), go to the API as they are.

    Prefect hands every parameter to FastAPI's `jsonable_encoder`, which returns such values unchanged,
    but importing FastAPI for it was about a tenth of an unchanged drop's re-run. Other values still go
    through Prefect's own serialisation.
    """

    def serialize_parameters(self, parameters: dict) -> dict:
        if all(_plain_json(value) for value in parameters.values()):
            return dict(parameters)
        return super().serialize_parameters(parameters)

    def with_options(self, **options) -> PlainParametersFlow:
        copy = super().with_options(**options)  # Prefect's copy is a plain Flow
        copy.__class__ = type(self)
        return copy


def _plain_json(value) -> bool:
    """Whether `value` is JSON as it is: None, str, int, float, bool, or lists and str-keyed dicts of them."""
    if type(value) in (str, int, float, bool, type(None)):
        return True
    if type(value) is list:
        return all(map(_plain_json, value))
    return type(value) is dict and all(type(key) is str and _plain_json(item) for key, item in value.items())


@partial(PlainParametersFlow, name="evex", flow_run_name=drop_run_name, log_prints=True)  # as @flow(...) does
def evex_pipeline(paths: list[str], default_date: str | None = None) -> RunSummary:
    """Process a drop of article files into the event database (EVEX_DATABASE_URL)."""
    logger = get_run_logger()
    settings = get_settings()
    engine = get_engine(settings.database_url)
    options = dict(retries=settings.task_retries, retry_delay_seconds=exponential_backoff(settings.task_retry_delay_s))
    batches = planned_batches(paths, settings)
    summary = RunSummary.start(engine, str(runtime.flow_run.id), paths, sum(map(len, batches)))
    logger.info("%s in %s → %s", counted(summary.files, "file"), counted(len(batches), "batch"),
                masked(settings.database_url))
    progress.set_total(summary.files)
    taken: set[str] = set()  # articles earlier batches took, maybe still parsing: a text twice is parsed once
    in_flight: deque[BatchInFlight] = deque()
    for batch_no, files in enumerate(batches, 1):
        progress.describe(f"reading batch {batch_no}/{len(batches)}")
        with summary.timer("ingest"):
            ingested = ingest.with_options(**options)(
                files, engine, summary.run_id, default_date, batch_no, paths, settings.max_article_words,
                frozenset(taken),
            )
        taken.update(article.sha256 for article in ingested.new)
        in_flight.append(BatchInFlight(batch_no, files, ingested, parse_and_extract(ingested, settings, batch_no,
                                                                                      options, summary)))
        while in_flight and (nothing_to_wait_for(in_flight[0]) or len(in_flight) >= batches_in_flight()):
            load_in_order(in_flight.popleft(), engine, summary, options)
    while in_flight:
        load_in_order(in_flight.popleft(), engine, summary, options)
    progress.describe("articles")
    summary.finish(engine)
    publish_report(summary)
    logger.info(summary.text(masked(settings.database_url)), extra={progress.PRINTED_BY_THE_CLI: True})
    return summary


def nothing_to_wait_for(batch: BatchInFlight) -> bool:
    """A batch with no new article: recorded at once, and the cluster is not started for it (an unchanged
    drop never starts one)."""
    return not isinstance(batch.extracted, PrefectFuture)


class LazyDaskTaskRunner(TaskRunner):
    """prefect_dask's DaskTaskRunner, made at the first task submitted to it.

    Importing prefect_dask imports Dask and distributed (most of a second of an unchanged drop's
    re-run, which submits nothing); the runner itself already starts or reaches its cluster only
    when a task needs it. Takes DaskTaskRunner's arguments.
    """

    def __init__(self, **options) -> None:
        super().__init__()
        self.options = options
        self._runner = None

    @property
    def name(self) -> str:
        return "dask"

    def duplicate(self) -> LazyDaskTaskRunner:
        return type(self)(**self.options)

    @property
    def runner(self):
        """The DaskTaskRunner, imported and started on first use."""
        if self._runner is None:
            from prefect_dask import DaskTaskRunner

            self._runner = DaskTaskRunner(**self.options).__enter__()
        return self._runner

    @property
    def client(self):
        return self.runner.client

    def submit(self, task, parameters, wait_for=None, dependencies=None):
        return self.runner.submit(task, parameters, wait_for, dependencies)

    def map(self, task, parameters, wait_for=None):
        return self.runner.map(task, parameters, wait_for)

    def __exit__(self, *args) -> None:
        runner, self._runner = self._runner, None
        try:
            if runner is not None:
                runner.__exit__(*args)
        finally:
            super().__exit__(*args)


def dask_runner() -> LazyDaskTaskRunner | None:
    """The flow run's Dask task runner; None where a caller ran the bare flow (tasks in threads here)."""
    runner = FlowRunContext.get().task_runner
    return runner if isinstance(runner, LazyDaskTaskRunner) else None


def worker_count() -> int:
    """The cluster's worker processes now (asked each time, so a scaled cluster counts); 1 without one."""
    runner = dask_runner()
    return max(1, len(runner.client.nthreads())) if runner else 1


def planned_batches(paths: list[str], settings: Settings) -> list[list[str]]:
    """The drop's batches: on a cluster, BATCHES_PER_WORKER per worker where the drop allows; the bare
    flow (one batch at a time) keeps EVEX_BATCH_ARTICLES."""
    if not dask_runner():
        return pipeline.plan_batches(paths, settings.batch_articles)
    return pipeline.plan_batches(paths, settings.batch_articles, BATCHES_PER_WORKER * expected_workers(settings),
                                 SMALLEST_BATCH)


def expected_workers(settings: Settings) -> int:
    """The workers that will parse: the local cluster's, known without starting it (an unchanged drop
    never starts it), or the remote cluster's, asked."""
    return worker_count() if settings.dask_address else settings.workers


def batches_in_flight() -> int:
    """Batches parsed at once: two per worker, so none waits for its next batch and memory stays bounded;
    one without a cluster (a Stanza pipeline is not shared between threads)."""
    return BATCHES_IN_FLIGHT_PER_WORKER * worker_count() if dask_runner() else 1


def parse_and_extract(ingested: IngestOutcome, settings: Settings, batch_no: int, options: dict,
                      summary: RunSummary) -> PrefectFuture | list[ProcessedArticle]:
    """Parse then extract a batch's new articles, submitted to the workers (the result is waited for in
    `load_in_order`)."""
    if not ingested.new:  # an unchanged drop costs one ingest task per batch, no parse
        return []
    progress.describe(f"parsing batch {batch_no} ({counted(len(ingested.new), 'new article')})")
    summary.workers = worker_count()
    parsed = parse.with_options(**options).submit(ingested.new, settings, batch_no)
    return extract.with_options(**options).submit(parsed, batch_no)


def load_in_order(batch: BatchInFlight, engine, summary: RunSummary, options: dict) -> None:
    """Load a batch, the oldest in flight: one writer, batches in drop order (links as in a one-process run)."""
    logger = get_run_logger()
    extracted = batch.extracted
    if isinstance(extracted, PrefectFuture):
        with summary.timer("parse+extract"):  # the wait for the workers' parse and extraction
            extracted = extracted.result()
    loaded = LoadResult()
    if extracted:
        progress.describe(f"storing batch {batch.number}")
        with summary.timer("load"):
            loaded = load.with_options(**options)(extracted, engine, summary.run_id, batch.number)
        summary.model_versions = extracted[0].model_versions
    summary.add_batch(batch.ingested, loaded)
    logger.info("batch %d: %s", batch.number, summary.batch_line(batch.ingested, loaded))
    progress.advance(len(batch.files))


def configured_pipeline(settings: Settings | None = None) -> Flow:
    """The flow on its cluster: the Dask scheduler at EVEX_DASK_ADDRESS, else a local cluster of
    EVEX_WORKERS single-threaded processes started with the run (torch then runs one thread each:
    Dask sets OMP_NUM_THREADS=1 in its workers) and closed with it."""
    settings = settings or get_settings()
    if settings.dask_address:
        return evex_pipeline.with_options(task_runner=LazyDaskTaskRunner(address=settings.dask_address))
    cluster = {"n_workers": settings.workers, "threads_per_worker": 1, "processes": True, "dashboard_address": None}
    for logger_name in EXPECTED_AT_CLOSE:
        logging.getLogger(logger_name).addFilter(quiet_cluster_close)
    return evex_pipeline.with_options(task_runner=LazyDaskTaskRunner(cluster_kwargs=cluster))


# What distributed logs, by logger, when the run's own cluster closes as asked: the nanny's warning that
# a worker took more than its few seconds to exit (torch's teardown on a busy machine), and the
# scheduler's stream to a worker found closed, logged with its traceback. Nothing is lost either way.
EXPECTED_AT_CLOSE = {
    "distributed.nanny": "Worker process still alive after",
    "distributed.batched": "Batched Comm Closed",
}


def quiet_cluster_close(record: logging.LogRecord) -> bool:
    """Drop distributed's expected messages of a cluster closing (EXPECTED_AT_CLOSE), which read as failures
    in a run's or the service's log."""
    expected = EXPECTED_AT_CLOSE.get(record.name)
    return not (expected and record.getMessage().startswith(expected))


def publish_report(summary: RunSummary) -> None:
    """Name the run after what it did and attach the events it found, if any, for the Prefect UI."""
    with get_client(sync_client=True) as client:
        client.update_flow_run(runtime.flow_run.id, name=f"{runtime.flow_run.name} · {summary.run_name_suffix()}")
    if not summary.events:  # the latest `evex-events` artifact stays the last run's that found some
        return
    create_table_artifact(
        table=summary.report_table(ARTIFACT_ROWS),
        key="evex-events",
        description=f"{summary.events_line()}; one row per article report, first {ARTIFACT_ROWS} shown",
    )

"""The evex flow: ingest → parse → extract → load, batch after batch, each stage a retried task."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from prefect import flow, get_run_logger, runtime, task
from prefect.artifacts import create_table_artifact
from prefect.client.orchestration import get_client
from prefect.cache_policies import NONE
from prefect.tasks import exponential_backoff
from sqlalchemy.exc import DBAPIError, OperationalError

from evex import pipeline, progress
from evex.db import get_engine, masked
from evex.load import LoadResult
from evex.settings import get_settings
from evex.summary import RunSummary
from evex.wording import counted

ARTIFACT_ROWS = 500
TRANSIENT = (OperationalError, DBAPIError, OSError, TimeoutError)


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
def ingest(files, engine, run_id, default_date, batch_no, roots=None, max_words=None):
    return pipeline.ingest_batch(files, engine, run_id, default_date, roots, max_words)


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


@flow(name="evex", flow_run_name=drop_run_name, log_prints=True)
def evex_pipeline(paths: list[str], default_date: str | None = None) -> RunSummary:
    """Process a drop of article files into the event database (EVEX_DATABASE_URL)."""
    logger = get_run_logger()
    settings = get_settings()
    engine = get_engine(settings.database_url)
    options = dict(retries=settings.task_retries, retry_delay_seconds=exponential_backoff(settings.task_retry_delay_s))
    batches = pipeline.plan_batches(paths, settings.batch_articles)
    summary = RunSummary.start(engine, str(runtime.flow_run.id), paths, sum(map(len, batches)))
    logger.info("%s in %s → %s", counted(summary.files, "file"), counted(len(batches), "batch"),
                masked(settings.database_url))
    progress.set_total(summary.files)
    for batch_no, files in enumerate(batches, 1):
        batch = f"batch {batch_no}/{len(batches)}"
        progress.describe(f"reading {batch}")
        with summary.timer("ingest"):
            ingested = ingest.with_options(**options)(
                files, engine, summary.run_id, default_date, batch_no, paths, settings.max_article_words
            )
        loaded = LoadResult()
        if ingested.new:  # an unchanged drop costs one ingest task per batch, no parse
            progress.describe(f"parsing {batch} ({counted(len(ingested.new), 'new article')})")
            with summary.timer("parse"):
                parsed = parse.with_options(**options)(ingested.new, settings, batch_no)
            progress.describe(f"extracting {batch}")
            with summary.timer("extract"):
                extracted = extract.with_options(**options)(parsed, batch_no)
            progress.describe(f"storing {batch}")
            with summary.timer("load"):
                loaded = load.with_options(**options)(extracted, engine, summary.run_id, batch_no)
            summary.model_versions = parsed[0].model_versions
        summary.add_batch(ingested, loaded)
        logger.info("batch %d: %s", batch_no, summary.batch_line(ingested, loaded))
        progress.advance(len(files))
    progress.describe("articles")
    summary.finish(engine)
    publish_report(summary)
    logger.info(summary.text(masked(settings.database_url)))
    return summary


def publish_report(summary: RunSummary) -> None:
    """Name the run after what it did and attach the events it found, for the Prefect UI."""
    with get_client(sync_client=True) as client:
        client.update_flow_run(runtime.flow_run.id, name=f"{runtime.flow_run.name} · {summary.run_name_suffix()}")
    create_table_artifact(
        table=summary.report_table(ARTIFACT_ROWS) or [{"events": "none found"}],
        key="evex-events",
        description=f"{summary.events_line()}; one row per article report, first {ARTIFACT_ROWS} shown",
    )

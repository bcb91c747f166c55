"""All settings in one place, read from the environment (prefix `EVEX_`) and an optional `.env` file."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EVEX_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite:///evex.db",
        description="SQLAlchemy URL of the event database (SQLite file or postgresql+psycopg://...).",
    )
    stanza_resources_dir: Path | None = Field(
        default=None,
        validation_alias=AliasChoices("EVEX_STANZA_RESOURCES_DIR", "STANZA_RESOURCES_DIR"),
        description="Stanza model folder; Stanza's own STANZA_RESOURCES_DIR is honoured.",
    )
    stanza_use_gpu: bool | None = Field(default=None, description="None: use a GPU when one is present.")
    parse_batch_words: int = Field(
        default=20000, ge=100, description="Words per Stanza call: big calls cost less per word (bench/)."
    )
    max_sentence_words: int = Field(
        default=250, ge=10, description="Longer sentences are cut before depparse, whose memory grows with the square "
        "of a sentence's length (README, What evex promises).",
    )
    max_article_words: int = Field(
        default=20000, ge=100, description="Longer articles (in Stanza's words, about) are refused at ingest: "
        "one article is at most one Stanza call.",
    )
    batch_articles: int = Field(default=128, ge=1, description="Most articles per ingest→load batch (a drop "
                                "is cut into 8 batches per worker when it can, down to 8 articles a batch).")
    dask_address: str | None = Field(
        default=None, description="Scheduler of an existing Dask cluster (tcp://host:8786) that parses the batches; "
        "unset: a local cluster of EVEX_WORKERS processes started for the run.",
    )
    workers: int = Field(
        default_factory=lambda: available_cores(), ge=1,
        validation_alias=AliasChoices("EVEX_WORKERS", "EVEX_DASK_WORKERS"),
        description="Parsing processes of the run's local cluster, one thread each (default: the cores this process "
        "may use). EVEX_DASK_WORKERS is read too, its former name.",
    )
    prefect_startup_s: float = Field(
        default=300.0, gt=0, description="How long `evex run` waits for the Prefect server it starts (no "
        "PREFECT_API_URL) to answer: seconds on an idle machine, minutes on a loaded one.",
    )
    task_retries: int = Field(default=2, ge=0)
    task_retry_delay_s: float = Field(default=2.0, ge=0)
    default_doc_date: str | None = Field(default=None, description="Article date when none is found.")
    inbox_dir: Path = Field(default=Path("inbox"), description="Folder `evex serve` watches for new articles.")
    archive_dir: Path | None = Field(
        default=None, description="Where processed inbox files are moved; None: they stay in the inbox."
    )
    schedule_interval_s: float = Field(default=300.0, gt=0, description="Seconds between scheduled inbox runs.")
    schedule_cron: str | None = Field(default=None, description="Cron schedule; replaces the interval when set.")
    watch: bool = Field(default=True, description="`evex serve` also starts a run as soon as files land.")
    watch_poll_s: float = Field(default=1.0, gt=0, description="How often the watcher looks at the inbox.")
    debug: bool = Field(default=False, description="Setup errors show their traceback (also `evex --debug`).")
    browse_host: str = Field(default="127.0.0.1", description="Where `evex browse` serves Datasette.")
    browse_port: int = Field(default=8001, ge=0, le=65535, description="Port of `evex browse` (0: any free port).")
    debounce_s: float = Field(
        default=5.0, ge=0, description="Quiet time before a burst of files makes one run; younger files wait."
    )


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity, which a container or `taskset` narrows)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@cache
def get_settings() -> Settings:
    return Settings()

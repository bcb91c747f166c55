"""Two runs at once on the same inbox: every article and event stored exactly once, both runs end well.

Articles are keyed by text hash (`ON CONFLICT DO NOTHING`); event linking reads before it writes, so
loads are serialised (a Postgres advisory lock, SQLite's write lock taken by `BEGIN IMMEDIATE`).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, select

import models
from evex.db import get_engine
from evex.load import load_batch
from tests.conftest import ROOT
from tests.test_faults import ARTICLES, DOC_DATE, canonical, database_of_kind, run_flow, write_drop
from tests.test_load import SENTENCE, processed


@pytest.fixture(scope="module")
def clean_run(prefect_server, tmp_path_factory, stanza_dir) -> Iterator[tuple[Path, dict]]:
    """The inbox processed by one run alone, with the same batches (a parse depends on the Stanza batch
    it shared): what two overlapping runs must leave too."""
    folder = tmp_path_factory.mktemp("overlap")
    drop = write_drop(folder / "inbox")
    url, cleanup = database_of_kind("sqlite", folder)
    assert run_flow(url, drop, batch_articles="1").is_completed()
    yield drop, canonical(url)
    cleanup()


def test_two_runs_started_together_on_postgres_store_everything_once(clean_run, tmp_path):
    """Two `evex run` processes on one inbox, one article per batch so that their loads interleave.
    (On SQLite the database itself serialises writers; the side-by-side test below covers it.)"""
    from prefect.settings import PREFECT_API_URL

    drop, expected = clean_run
    url, cleanup = database_of_kind("postgres", tmp_path)
    try:
        env = {**os.environ, "EVEX_DATABASE_URL": url, "EVEX_BATCH_ARTICLES": "1", "EVEX_DEFAULT_DOC_DATE": DOC_DATE,
               "PREFECT_API_URL": PREFECT_API_URL.value()}
        command = [sys.executable, "-m", "evex.cli", "run", str(drop)]
        runs = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for _ in range(2)]
        outputs = [run.communicate(timeout=300) for run in runs]
        for run, (_, stderr) in zip(runs, outputs, strict=True):
            assert run.returncode == 0, stderr[-2000:]
        counts = [re.search(r"articles: (\d+) new, (\d+) skipped, (\d+) failed", out).groups() for out, _ in outputs]
        assert sum(int(new) for new, _, _ in counts) == len(ARTICLES)  # each article new in exactly one run
        assert all(int(new) + int(skipped) == len(ARTICLES) and failed == "0" for new, skipped, failed in counts)
        assert canonical(url) == expected
    finally:
        cleanup()


def test_side_by_side_loads_of_one_event_link_it_once(migrated_url):
    """Two loads started together, each of twenty articles reporting the same meeting: without the
    load lock each would create the meeting before seeing the other's, storing it twice.

    The participants are stored beforehand (by an older meeting): otherwise inserting the same new
    entities would already make the second load wait for the first.
    """
    engine = get_engine(migrated_url)
    older = processed("older", f"{SENTENCE} Il y a trois ans.")
    older.frames[0].start = older.frames[0].end = "2020-01-15"
    load_batch(engine, None, [older])
    batches = [[processed(f"{side}{i}", f"{SENTENCE} Source {side}{i}.") for i in range(20)] for side in "ab"]
    start = threading.Barrier(2)

    def load(batch):
        start.wait()
        return load_batch(engine, None, batch)

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(load, batches))
    assert [r.n_articles for r in results] == [20, 20]
    with engine.connect() as connection:
        counts = connection.execute(select(models.Event.start, models.Event.n_articles).order_by(models.Event.id))
        assert counts.all() == [("2020-01-15", 1), ("2023-12-04", 40)]

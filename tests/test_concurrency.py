"""Two runs or two loads at once: every article and event stored exactly once, both end well.

Articles are keyed by text hash (`ON CONFLICT DO NOTHING`); event linking reads before it writes, so
loads are serialised (a Postgres advisory lock, SQLite's write lock taken by `BEGIN IMMEDIATE`). Each
test holds the database's writers back until both loads wait, so the overlap is made, not hoped for.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import event, insert, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

import models
from evex.db import get_engine
from evex.load import _serialise_writers, load_batch
from tests.test_faults import (ARTICLES, another_writer_can_start, canonical, database_of_kind, evex_run_process, events_locked_against_writes,
                               run_flow, wait_for_lock_waiters, write_drop)
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


def test_two_runs_loading_two_reports_of_one_event_at_once_on_postgres_link_it_once(clean_run, tmp_path):
    """Two `evex run` processes on one inbox, the second given it from its second article on, so that
    their first loads store the two reports of the Washington dialogue. Both are held at their load
    (the test locks `events` against inserts) until both wait at once, then let go: without the load
    lock both would have read the events before either stored its new one, and stored it twice.

    The entities are stored beforehand: two loads inserting the same new entity would already wait
    for each other there.
    """
    drop, expected = clean_run
    url, cleanup = database_of_kind("postgres", tmp_path)
    try:
        with get_engine(url).begin() as connection:
            connection.execute(insert(models.Entity), [dict(zip(("name", "kind"), row, strict=True))
                                                       for row in expected["entities"]])
        files = sorted(drop.iterdir())
        with events_locked_against_writes(url):
            runs = [evex_run_process(url, drop)]
            wait_for_lock_waiters(url, 1, runs)  # the first run loads first: it stores the dialogue, as the clean run
            runs.append(evex_run_process(url, *files[1:]))
            waiting = wait_for_lock_waiters(url, 2, runs)
        assert len({row["pid"] for row in waiting}) == 2  # a load of each run waited at once
        outputs = [run.communicate(timeout=300) for run in runs]
        for run, (_, stderr) in zip(runs, outputs, strict=True):
            assert run.returncode == 0, stderr[-2000:]
        counts = [re.search(r"articles: (\d+) new, (\d+) skipped, (\d+) failed", out).groups() for out, _ in outputs]
        assert sum(int(new) for new, _, _ in counts) == len(ARTICLES)  # each article new in exactly one run
        assert [int(new) + int(skipped) for new, skipped, _ in counts] == [len(ARTICLES), len(ARTICLES) - 1]
        stored = canonical(url)
        assert len(stored["events"]) == len(expected["events"])  # the dialogue is one event, not two
        assert stored == expected
    finally:
        cleanup()


@contextmanager
def writes_held(url: str) -> Iterator[Callable[[int], None]]:
    """Hold the database's writers back until the block ends; yields a wait for `n` loads to be held.

    Postgres: `events` locked against inserts, and a load is held once Postgres shows it waiting for a
    lock. SQLite: the test's own connection holds the write lock, and a load is held once it has sent its
    first statement (it needs the write lock, so it cannot get further).
    """
    if make_url(url).get_backend_name() == "postgresql":
        with events_locked_against_writes(url):
            yield lambda n: wait_for_lock_waiters(url, n, [])
        return
    engine, senders = get_engine(url), set()

    def record_sender(*_) -> None:
        senders.add(threading.get_ident())

    def wait_for(n: int) -> None:
        deadline = time.monotonic() + 60
        while len(senders) < n:
            assert time.monotonic() < deadline, f"only {len(senders)} of {n} loads sent a statement"
            time.sleep(0.01)

    holder = sqlite3.connect(make_url(url).database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    event.listen(engine, "before_cursor_execute", record_sender)
    try:
        yield wait_for
    finally:
        event.remove(engine, "before_cursor_execute", record_sender)
        holder.rollback()
        holder.close()


def test_side_by_side_loads_of_one_event_link_it_once(migrated_url):
    """Two loads, each of twenty articles reporting the same meeting, held back together at their start
    (by the test holding the database's writers) and let go at once: without the load lock each would
    create the meeting before seeing the other's, storing it twice.

    The participants are stored beforehand (by an older meeting): otherwise inserting the same new
    entities would already make the second load wait for the first.
    """
    engine = get_engine(migrated_url)
    older = processed("older", f"{SENTENCE} Il y a trois ans.")
    older.frames[0].start = older.frames[0].end = "2020-01-15"
    load_batch(engine, None, [older])
    batches = [[processed(f"{side}{i}", f"{SENTENCE} Source {side}{i}.") for i in range(20)] for side in "ab"]
    with ThreadPoolExecutor(2) as pool:
        with writes_held(migrated_url) as wait_for_held_loads:
            loads = [pool.submit(load_batch, engine, None, batch) for batch in batches]
            wait_for_held_loads(2)
        results = [load.result() for load in loads]
    assert [r.n_articles for r in results] == [20, 20]
    with engine.connect() as connection:
        counts = connection.execute(select(models.Event.start, models.Event.n_articles).order_by(models.Event.id))
        assert counts.all() == [("2020-01-15", 1), ("2023-12-04", 40)]


def test_a_load_takes_the_write_lock_before_its_first_read(migrated_url):
    """Linking reads the events stored so far, so the lock must be held before that read, not only from
    the first insert on (on SQLite a plain transaction would take it at its first write only)."""
    with Session(get_engine(migrated_url)) as session:
        _serialise_writers(session)
        assert not another_writer_can_start(migrated_url)
        session.rollback()
    assert another_writer_can_start(migrated_url)

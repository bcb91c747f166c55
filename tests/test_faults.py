"""Faults injected for real: the database going away during load, Stanza failing on one document, a
run killed with SIGKILL. evex retries what is transient, fails clearly, and never leaves half a batch.

The helpers here (tiny articles, in-process runs, a table dump that ignores ids) also serve
tests/test_concurrency.py.
"""

from __future__ import annotations

import logging
import sqlite3
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

import models
from evex import parse
from evex.db import get_engine, upgrade
from evex.load import LOAD_LOCK, count_rows
from evex.settings import get_settings
from flows.pipeline import evex_pipeline
from tests.conftest import ROOT, _create_postgres_database

# One or two sentences each, so Stanza costs little; the first two report the same meeting.
ARTICLES = {
    "a-dialogue.txt": "Le dialogue conjoint entre l'Algérie et les États-Unis s'est tenu à Washington "
                      "du 4 au 6 décembre 2023.",
    "b-dialogue.txt": "Les États-Unis et l'Algérie ont tenu leur dialogue conjoint à Washington du 4 au 6 décembre 2023.",
    "c-accord.txt": "Le ministre Ahmed Attaf a signé un accord avec la Tunisie à Alger le 10 janvier 2024.",
    "d-visite.txt": "Le président Abdelmadjid Tebboune effectuera une visite à Rome en mars 2024.",
}
DOC_DATE = "2023-12-07"
_IGNORED_COLUMNS = {"id", "run_id", "created_at"}


def write_drop(folder: Path, articles: dict[str, str] = ARTICLES) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in articles.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@contextmanager
def evex_settings(**values: str) -> Iterator[None]:
    """EVEX_* variables for in-process runs; the cached settings are read afresh on entry and exit."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in values.items():
            patch.setenv(f"EVEX_{name.upper()}", value)
        get_settings.cache_clear()
        yield
    get_settings.cache_clear()


def run_flow(url: str, drop: Path, **settings: str):
    """One in-process run of the evex flow on `drop` into `url`; returns the flow's final state."""
    with evex_settings(database_url=url, **settings):
        return evex_pipeline(paths=[str(drop)], default_date=DOC_DATE, return_state=True)


def canonical(url: str) -> dict[str, list[tuple]]:
    """Every table but `pipeline_runs`, as sorted rows with ids replaced by the row they point to.

    Two databases with the same content compare equal whatever their ids, timestamps and run ids;
    a duplicated row shows as a row twice.
    """
    keys: dict[str, dict[int, tuple]] = {}
    dump: dict[str, list[tuple]] = {}
    with get_engine(url).connect() as connection:
        for table in models.Base.metadata.sorted_tables:
            if table.name == "pipeline_runs":
                continue
            rows: dict[int, tuple] = {}
            for row in connection.execute(select(table)).mappings():
                values = []
                for column in table.columns:
                    if column.name in _IGNORED_COLUMNS:
                        continue
                    value = row[column.name]
                    for foreign_key in column.foreign_keys:
                        value = keys[foreign_key.column.table.name][value]
                    values.append(value)
                primary_key = [row[column.name] for column in table.primary_key.columns]
                rows[primary_key[0] if len(primary_key) == 1 else tuple(primary_key)] = tuple(values)
            keys[table.name] = rows
            dump[table.name] = sorted(rows.values(), key=repr)
    return dump


def database_of_kind(kind: str, folder: Path) -> tuple[str, callable]:
    """A fresh, migrated database of `kind` (sqlite or postgres) and its cleanup, for module fixtures."""
    if kind == "sqlite":
        url = f"sqlite:///{folder / 'evex.db'}"
        drop = get_engine(url).dispose
    else:
        url, drop = _create_postgres_database()
    upgrade(url)
    return url, drop


@pytest.fixture(params=["sqlite", "postgres"])
def empty_database(request, tmp_path) -> Iterator[str]:
    url, drop = database_of_kind(request.param, tmp_path)
    yield url
    drop()


class RecordedLogs(logging.Handler):
    """Keeps every record of the loggers it is attached to (evex's own and Prefect's)."""

    LOGGERS = ("evex", "prefect", "prefect.flow_runs", "prefect.task_runs")

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def lines(self) -> list[str]:
        return [record.getMessage() for record in self.records]

    @contextmanager
    def attached(self) -> Iterator[RecordedLogs]:
        for name in self.LOGGERS:
            logging.getLogger(name).addHandler(self)
        try:
            yield self
        finally:
            for name in self.LOGGERS:
                logging.getLogger(name).removeHandler(self)


class CuttableProxy:
    """A TCP proxy in front of Postgres that the test can cut: afterwards, connecting is refused."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        self.port = self.listener.getsockname()[1]
        self.open_sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        self.cut_done = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.cut_done.is_set():
            try:
                client, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.open_sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self) -> None:
        """Stop listening and drop every open connection, as a crashed or unreachable server would."""
        self.cut_done.set()
        self.listener.close()
        with self.lock:
            for end in self.open_sockets:
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                end.close()


class CutAfterTask(logging.Handler):
    """Cuts the proxy the moment a task run of the given stage has finished (its Prefect log line)."""

    def __init__(self, proxy: CuttableProxy, task_run_prefix: str) -> None:
        super().__init__()
        self.proxy, self.prefix = proxy, task_run_prefix

    def emit(self, record: logging.LogRecord) -> None:
        name = getattr(record, "task_run_name", "") or ""
        if name.startswith(self.prefix) and record.getMessage().startswith("Finished in state Completed"):
            self.proxy.cut()


@contextmanager
def events_locked_against_writes(url: str) -> Iterator[None]:
    """Postgres: hold `events` in EXCLUSIVE mode (reads go on, inserts wait) until the block ends.

    A load reads the events stored so far, then inserts its new ones: a load that reaches this lock
    has done its reads and its article, parse and entity writes, and waits inside its transaction.
    """
    with get_engine(url).connect() as connection, connection.begin():
        connection.exec_driver_sql("LOCK TABLE events IN EXCLUSIVE MODE")
        yield


def wait_for_lock_waiters(url: str, count: int, processes: list[subprocess.Popen]) -> list[dict]:
    """Poll Postgres until `count` sessions of this database wait for a lock; their pid, query and xid.

    Fails at once if one of `processes` ended first (it never reached the lock)."""
    deadline = time.monotonic() + 240
    with get_engine(url).connect() as connection:
        while True:
            waiting = connection.execute(text(
                "SELECT pid, query, backend_xid::text AS xid FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'")).mappings().all()
            connection.rollback()  # a new transaction, so pg_stat_activity is read afresh
            if len(waiting) >= count:
                return [dict(row) for row in waiting]
            for process in processes:
                assert process.poll() is None, f"a run ended before reaching the lock: {process.communicate()}"
            assert time.monotonic() < deadline, f"only {len(waiting)} of {count} sessions ever waited"
            time.sleep(0.05)


def another_writer_can_start(url: str) -> bool:
    """Whether a second writer would get the load lock now, without waiting for it."""
    if make_url(url).get_backend_name() == "postgresql":
        with get_engine(url).connect() as connection:
            return connection.scalar(select(func.pg_try_advisory_xact_lock(LOAD_LOCK)))
    probe = sqlite3.connect(make_url(url).database, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.rollback()
        return True
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc)
        return False
    finally:
        probe.close()


def evex_run_process(url: str, *paths: Path) -> subprocess.Popen:
    """`evex run` as a separate process on the session's Prefect server, one article per batch."""
    from prefect.settings import PREFECT_API_URL

    env = {**os.environ, "EVEX_DATABASE_URL": url, "EVEX_BATCH_ARTICLES": "1", "EVEX_DEFAULT_DOC_DATE": DOC_DATE,
           "PREFECT_API_URL": PREFECT_API_URL.value()}
    return subprocess.Popen([sys.executable, "-m", "evex.cli", "run", *map(str, paths)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def task_runs_of(flow_run_id) -> dict[str, object]:
    """The task runs of a flow run, by name, as the Prefect server recorded them."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
    from prefect.client.schemas.sorting import TaskRunSort

    with get_client(sync_client=True) as client:  # the sync client sends limit and sort even when None
        runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])),
                                     sort=TaskRunSort.EXPECTED_START_TIME_ASC, limit=200)
    return {run.name: run for run in runs}


def test_database_down_during_load_is_retried_then_fails_clearly_and_writes_nothing(prefect_server, tmp_path,
                                                                                 stanza_dir):
    """Postgres becomes unreachable (a proxy we cut) after parsing: the load task is retried, the flow
    fails naming the connection error, no article or event of the batch is stored, and a run once the
    database is back stores the whole drop."""
    direct_url, drop_database = _create_postgres_database()
    try:
        upgrade(direct_url)
        proxy = CuttableProxy(("127.0.0.1", 5432))
        from sqlalchemy.engine import make_url

        proxied_url = make_url(direct_url).set(port=proxy.port).render_as_string(hide_password=False)
        drop = write_drop(tmp_path / "drop")
        (drop / "vide.txt").write_bytes(b"")
        cutter = CutAfterTask(proxy, "extract")
        logging.getLogger("prefect.task_runs").addHandler(cutter)
        try:
            state = run_flow(proxied_url, drop, task_retries="2", task_retry_delay_s="0.1")
        finally:
            logging.getLogger("prefect.task_runs").removeHandler(cutter)
            get_engine(proxied_url).dispose()

        assert proxy.cut_done.is_set() and state.is_failed()
        assert "OperationalError" in state.message and "connection" in state.message.lower()
        load = task_runs_of(state.state_details.flow_run_id)["load · batch 1"]
        assert load.state.is_failed() and load.run_count == 3  # the first try and two retries

        rows = count_rows(get_engine(direct_url))
        assert rows["articles"] == rows["parses"] == rows["events"] == rows["event_reports"] == 0
        assert rows["ingest_errors"] == 1  # written by ingest, before the cut

        again = run_flow(direct_url, drop)
        assert again.is_completed()
        summary = again.result()
        assert (summary.new, summary.failed) == (len(ARTICLES), 1)
    finally:
        get_engine(direct_url).dispose()
        drop_database()


class FailingProcessor:
    """Stands in for one real Stanza processor and raises on documents that contain `marker`.

    No input was found that makes Stanza 1.15's French pipeline raise (very long tokens, lone
    surrogates, emoji, RTL marks, runs of punctuation or `du du du` all parse), so the failure is
    injected at the Stanza pipeline boundary: the real processor object inside the real pipeline is
    wrapped; evex's own parse code runs unchanged and must isolate the document.
    """

    def __init__(self, real, marker: str) -> None:
        self.real, self.marker = real, marker

    def bulk_process(self, docs):
        if any(self.marker in doc.text for doc in docs):
            raise RuntimeError("depparse crashed on this document")
        return self.real.bulk_process(docs)

    def __getattr__(self, name: str):
        return getattr(self.real, name)


def test_stanza_failing_on_one_document_marks_it_failed_and_the_others_go_on(prefect_server, empty_database,
                                                                           tmp_path, stanza_dir, monkeypatch):
    marker = "Zorglub"
    good = {name: ARTICLES[name] for name in ("a-dialogue.txt", "c-accord.txt")}
    drop = write_drop(tmp_path / "drop", {**good, "e-casse.txt": f"Le ministre {marker} est arrivé à Oran."})
    nlp = parse.load_pipeline(parse.resources_dir(stanza_dir), False)
    monkeypatch.setitem(nlp.processors, "depparse", FailingProcessor(nlp.processors["depparse"], marker))
    with RecordedLogs().attached() as logs:
        state = run_flow(empty_database, drop, stanza_use_gpu="false")

    summary = state.result()
    assert (summary.new, summary.failed) == (len(good), 1)
    with get_engine(empty_database).connect() as connection:
        statuses = dict(connection.execute(select(models.Article.doc_id, models.Article.status)).all())
        error = connection.scalar(select(models.Article.error).where(models.Article.doc_id == "e-casse"))
        parsed = connection.scalar(select(func.count()).select_from(models.Parse))
    assert statuses == {"a-dialogue": "extracted", "c-accord": "extracted", "e-casse": "failed"}
    assert error == "Stanza failed: RuntimeError: depparse crashed on this document" and parsed == len(good)
    assert any(str(drop / "e-casse.txt") in line and "Stanza failed" in line for line in logs.lines())


@pytest.fixture(scope="module")
def clean_run(prefect_server, tmp_path_factory, stanza_dir) -> tuple[Path, dict]:
    """The drop processed by one uninterrupted run: what every other way of getting there must equal."""
    folder = tmp_path_factory.mktemp("sigkill")
    drop = write_drop(folder / "drop")
    (drop / "vide.txt").write_bytes(b"")
    url, cleanup = database_of_kind("sqlite", folder)
    assert run_flow(url, drop, batch_articles="1").is_completed()
    yield drop, canonical(url)
    cleanup()


def test_run_killed_mid_drop_then_run_again_equals_one_clean_run(clean_run, empty_database):
    """`evex run` (a real process, one article per batch) is killed with SIGKILL once its first batch
    is stored; running again must leave exactly the rows of one clean run: nothing lost, nothing twice."""
    from prefect.settings import PREFECT_API_URL

    drop, expected = clean_run
    env = {**os.environ, "EVEX_DATABASE_URL": empty_database, "EVEX_BATCH_ARTICLES": "1",
           "EVEX_DEFAULT_DOC_DATE": DOC_DATE, "PREFECT_API_URL": PREFECT_API_URL.value()}
    process = subprocess.Popen([sys.executable, "-m", "evex.cli", "run", str(drop)], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    engine = get_engine(empty_database)
    deadline = time.monotonic() + 240
    with engine.connect() as connection:  # one cheap query a poll: the run's loads come fast
        while not connection.execute(select(func.count()).select_from(models.Article)).scalar():
            connection.rollback()
            assert process.poll() is None, process.stderr.read().decode()[-2000:]
            assert time.monotonic() < deadline, "the first batch was never stored"
            time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    process.stderr.close()
    assert process.returncode == -signal.SIGKILL
    assert 0 < count_rows(engine)["articles"] < len(ARTICLES)  # killed in the middle

    assert run_flow(empty_database, drop, batch_articles="1").is_completed()
    assert canonical(empty_database) == expected


def test_run_killed_inside_a_load_transaction_then_run_again_equals_one_clean_run(clean_run, tmp_path):
    """Postgres: `evex run` is held inside its first load transaction (its article, parse and entities
    written, not committed) and killed with SIGKILL there; nothing of that batch is committed, and
    running again leaves exactly the rows of one clean run."""
    drop, expected = clean_run
    url, cleanup = database_of_kind("postgres", tmp_path)
    try:
        with events_locked_against_writes(url):
            process = evex_run_process(url, drop)
            [waiting] = wait_for_lock_waiters(url, 1, [process])
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate(timeout=30)
        assert process.returncode == -signal.SIGKILL
        assert waiting["query"].startswith("INSERT INTO events") and waiting["xid"] is not None  # it had written
        assert count_rows(get_engine(url))["articles"] == 0  # the killed transaction never committed

        assert run_flow(url, drop, batch_articles="1").is_completed()
        assert canonical(url) == expected
    finally:
        cleanup()


def committed_rows(url: str, *tables: str) -> dict[str, int]:
    """Rows per table as committed, read through a plain read-only connection (evex's engine sets
    `journal_mode` on connecting, which waits for a writer)."""
    reader = sqlite3.connect(f"file:{make_url(url).database}?mode=ro", uri=True)
    try:
        return {table: reader.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in tables}
    finally:
        reader.close()


def stopped_inside_its_first_load(url: str, process: subprocess.Popen) -> None:
    """Freeze `process` (SIGSTOP) inside its first load transaction on SQLite: it holds the write lock,
    its run row is committed and no article yet. A freeze that lands just after a commit (the lock free
    again, or an article stored) lets the process go on and waits for the next chance."""
    deadline = time.monotonic() + 240
    while True:
        assert process.poll() is None, f"the run ended before it was caught loading: {process.communicate()}"
        assert time.monotonic() < deadline, "the run was never caught inside its first load"
        if another_writer_can_start(url):
            time.sleep(0.001)
            continue
        os.killpg(process.pid, signal.SIGSTOP)
        try:
            rows = committed_rows(url, "pipeline_runs", "articles")  # WAL lets a read past a writer...
        except sqlite3.OperationalError:  # ...not past one setting `journal_mode` as it connects
            rows = {}
        if rows.get("pipeline_runs") == 1 and not another_writer_can_start(url):
            assert rows["articles"] == 0, "the first load committed before the run was caught"
            return
        os.killpg(process.pid, signal.SIGCONT)


def test_run_killed_inside_a_load_transaction_on_sqlite_then_run_again_equals_one_clean_run(clean_run, tmp_path):
    """SQLite: `evex run` is frozen while it holds the write lock inside its first load transaction, and
    killed with SIGKILL there; nothing of that batch is committed (WAL frames without their commit are
    ignored), and running again leaves exactly the rows of one clean run."""
    drop, expected = clean_run
    url, cleanup = database_of_kind("sqlite", tmp_path)
    try:
        process = evex_run_process(url, drop)
        stopped_inside_its_first_load(url, process)
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate(timeout=30)
        assert process.returncode == -signal.SIGKILL
        assert another_writer_can_start(url)  # the dead process's lock went with it
        assert count_rows(get_engine(url))["articles"] == 0

        assert run_flow(url, drop, batch_articles="1").is_completed()
        assert canonical(url) == expected
    finally:
        cleanup()

"""The inbox: only unseen files are read, processed files are archived or recorded and never lost,
a burst of files makes one run; and a file dropped into a served deployment's inbox gets stored."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

import models
from evex import serve as inbox
from evex.db import get_engine, upgrade
from evex.settings import Settings

ARTICLE = "Le ministre algérien a rencontré son homologue tunisien à Tunis le 3 mars 2024."


def drop(folder: Path, name: str, text: str = ARTICLE, *, age_s: float = 0.0, meta: dict | None = None) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    if meta is not None:
        path.with_name(path.stem + ".meta.json").write_text(json.dumps(meta), encoding="utf-8")
    if age_s:
        past = time.time() - age_s
        os.utime(path, (past, past))
    return path


def keys(files: list[inbox.InboxFile]) -> list[str]:
    return [f.key for f in files]


# --- domain logic (no Prefect) ---------------------------------------------------------------


def test_pending_skips_seen_and_still_growing_files(tmp_path):
    drop(tmp_path, "a.txt", age_s=60, meta={"date": "2024-03-04"})
    drop(tmp_path, "sub/b.html", "<p>Texte.</p>", age_s=60)
    drop(tmp_path, "young.txt")
    drop(tmp_path, "notes.pdf", age_s=60)
    assert keys(inbox.pending(tmp_path, min_age_s=5)) == ["a.txt", "sub/b.html"]
    claimed = inbox.pending(tmp_path, min_age_s=5)
    inbox.settle(tmp_path, claimed, archive=None)
    assert keys(inbox.pending(tmp_path, min_age_s=5)) == []
    assert keys(inbox.pending(tmp_path)) == ["young.txt"]  # the ledger itself is never an article
    drop(tmp_path, "a.txt", ARTICLE + " Suite.", age_s=30)  # rewritten: its new content is new
    assert keys(inbox.pending(tmp_path, min_age_s=5)) == ["a.txt"]


def test_a_file_changed_during_the_run_is_not_marked_seen(tmp_path):
    path = drop(tmp_path, "a.txt", age_s=60)
    claimed = inbox.pending(tmp_path)
    path.write_text(ARTICLE + " Mise à jour.", encoding="utf-8")
    assert inbox.settle(tmp_path, claimed, archive=None) == []
    assert keys(inbox.pending(tmp_path)) == ["a.txt"]


def test_archive_keeps_folders_and_sidecars_and_never_overwrites(tmp_path):
    box, archive = tmp_path / "inbox", tmp_path / "archive"
    drop(archive, "sub/a.txt", "ancien")
    drop(box, "sub/a.txt", meta={"date": "2024-03-04"})
    drop(box, "b.txt", "autre")
    moved = inbox.settle(box, inbox.pending(box), archive)
    assert sorted(p.relative_to(archive).as_posix() for p in moved) == ["b.txt", "sub/a~1.txt"]
    assert (archive / "sub/a.txt").read_text(encoding="utf-8") == "ancien"
    assert (archive / "sub/a~1.txt").read_text(encoding="utf-8") == ARTICLE
    assert json.loads((archive / "sub/a~1.meta.json").read_text(encoding="utf-8")) == {"date": "2024-03-04"}
    assert inbox.scan(box) == [] and not (box / "sub/a.meta.json").exists()


def test_an_archive_inside_the_inbox_is_refused(tmp_path):
    with pytest.raises(ValueError, match="inside the inbox"):
        inbox.check_folders(tmp_path, tmp_path / "done")
    inbox.check_folders(tmp_path / "inbox", tmp_path / "archive")


def test_debouncer_makes_one_run_per_burst(tmp_path):
    debouncer = inbox.Debouncer(quiet_s=2)
    starts = []
    for t, names in [(0, ["a"]), (1, ["a", "b"]), (2, ["a", "b", "c"]), (3, ["a", "b", "c"]), (4, ["a", "b", "c"]),
                     (5, ["a", "b", "c"]), (6, ["a", "b", "c"]), (7, []), (8, ["d"]), (9, ["d"]), (10, ["d"])]:
        files = [inbox.InboxFile(tmp_path / n, n, 1, 1) for n in names]
        if debouncer.ready(files, now=t):
            debouncer.triggered()
            starts.append((t, names))
    assert starts == [(4, ["a", "b", "c"]), (10, ["d"])]


def test_watcher_starts_one_run_for_a_burst(tmp_path, monkeypatch):
    import flows.serve

    started = []
    monkeypatch.setattr(flows.serve, "run_deployment", lambda name, **kw: started.append((name, kw)) or _Run())
    settings = Settings(inbox_dir=tmp_path, watch_poll_s=0.05, debounce_s=0.5)
    stop = threading.Event()
    watcher = threading.Thread(target=flows.serve.watch_inbox, args=(settings, stop))
    watcher.start()
    try:
        for n in range(3):
            drop(tmp_path, f"{n}.txt", f"{ARTICLE} {n}")
            time.sleep(0.1)
        deadline = time.monotonic() + 10
        while not started and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1.0)  # no second run for the same files
    finally:
        stop.set()
        watcher.join(5)
    assert started == [(flows.serve.FULL_NAME, {"timeout": 0, "as_subflow": False, "tags": ["watch"]})]


class _Run:
    name = "fake-run"


def test_deployment_takes_its_schedule_and_folders_from_the_settings(tmp_path):
    from flows.serve import inbox_deployment

    interval = inbox_deployment(Settings(inbox_dir=tmp_path / "in", schedule_interval_s=90))
    assert interval.schedules[0].schedule.interval.total_seconds() == 90
    assert interval.parameters["inbox_dir"] == str((tmp_path / "in").resolve())
    assert interval.entrypoint == "flows.serve.process_inbox"
    cron = inbox_deployment(
        Settings(inbox_dir=tmp_path / "in", archive_dir=tmp_path / "done", schedule_cron="*/5 * * * *"))
    assert cron.schedules[0].schedule.cron == "*/5 * * * *"
    assert cron.parameters["archive_dir"] == str((tmp_path / "done").resolve())


# --- a served deployment under the session's Prefect server -------------------------------------


@pytest.fixture(scope="module")
def served(prefect_server, tmp_path_factory, stanza_dir):
    """`evex serve` in a subprocess against the test server: its own event database and inbox."""
    root = tmp_path_factory.mktemp("serve")
    url = f"sqlite:///{root / 'events.db'}"
    upgrade(url)
    env = serve_environment(root, url, stanza_dir)
    log = (root / "serve.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "evex.cli", "serve"], env=env, cwd=root, stdout=log, stderr=log)
    try:
        deployment_id = _wait(lambda: _deployment_id(root / "inbox"), 120, "the served deployment", root / "serve.log")
        yield root, url, deployment_id, process
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        get_engine(url).dispose()


def serve_environment(root: Path, url: str, stanza_dir: Path) -> dict[str, str]:
    """`evex serve`'s environment in the tests: the test server, the root's database and inbox."""
    from prefect.settings import PREFECT_API_URL

    return {
        **os.environ,
        "PREFECT_API_URL": PREFECT_API_URL.value(),
        "PYTHONFAULTHANDLER": "1",
        "PREFECT_RUNNER_POLL_FREQUENCY": "1",
        "STANZA_RESOURCES_DIR": str(stanza_dir),
        "EVEX_DATABASE_URL": url,
        "EVEX_INBOX_DIR": str(root / "inbox"),
        "EVEX_ARCHIVE_DIR": str(root / "archive"),
        "EVEX_SCHEDULE_INTERVAL_S": "2",  # runs come only when the test asks the server to schedule them
        "EVEX_WATCH": "false",  # the schedule alone; the watcher gets its own test
        "EVEX_DEBOUNCE_S": "0.5",
        "EVEX_WATCH_POLL_S": "0.2",
    }


def _deployment_id(inbox: Path):
    """The served deployment once this serve has registered it (another test's serve may have left its
    own, paused, under the same name)."""
    from prefect import get_client

    from flows.serve import FULL_NAME

    with get_client(sync_client=True) as client:
        try:
            deployment = client.read_deployment_by_name(FULL_NAME)
        except Exception:  # noqa: BLE001 - not registered yet
            return None
    ours = deployment.parameters.get("inbox_dir") == str(inbox.resolve()) and not deployment.paused
    return deployment.id if ours else None


def _wait(condition, timeout_s: float, what: str, log: Path | None = None):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.5)
    tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    raise AssertionError(f"timed out waiting for {what}\n{tail}")


def stored_doc_ids(url: str) -> set[str]:
    with Session(get_engine(url)) as session:
        return set(session.scalars(select(models.Article.doc_id)))


def deployment_runs(deployment_id) -> list:
    from prefect import get_client
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId
    from prefect.client.schemas.sorting import FlowRunSort

    with get_client(sync_client=True) as client:
        return client.read_flow_runs(deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id])),
                                     sort=FlowRunSort.EXPECTED_START_TIME_ASC, limit=100)


def test_a_file_dropped_into_the_inbox_is_stored_by_the_next_scheduled_run(served):
    import httpx
    from prefect.settings import PREFECT_API_URL

    root, url, deployment_id, _ = served
    drop(root / "inbox", "tunis.txt", age_s=5, meta={"date": "2024-03-04"})
    # what `prefect server start`'s scheduler service does on its own (the test server runs no services)
    schedule = f"{PREFECT_API_URL.value()}/deployments/{deployment_id}/schedule"
    for attempt in range(6):  # the test server answers 503 while its SQLite is busy, as Prefect's own client expects
        response = httpx.post(schedule, json={"max_runs": 1}, timeout=30)
        if response.status_code != 503:
            break
        time.sleep(2**attempt)
    response.raise_for_status()
    _wait(lambda: "tunis" in stored_doc_ids(url), 180, "the scheduled run to store the file", root / "serve.log")
    runs = deployment_runs(deployment_id)
    assert [r.auto_scheduled for r in runs] == [True]
    _wait(lambda: (root / "archive" / "tunis.txt").exists(), 30, "the file to be archived")
    assert (root / "archive" / "tunis.meta.json").exists() and inbox.scan(root / "inbox") == []
    assert "1 file read (1 new article); 1 moved to" in (root / "serve.log").read_text(errors="replace")


def test_the_watcher_turns_a_burst_of_files_into_one_run(served):
    import contextvars

    from flows.serve import watch_inbox

    root, url, deployment_id, _ = served
    before = len(deployment_runs(deployment_id))
    settings = Settings(inbox_dir=root / "inbox", debounce_s=0.5, watch_poll_s=0.2)
    stop = threading.Event()
    context = contextvars.copy_context()  # the thread talks to the test server too
    watcher = threading.Thread(target=context.run, args=(watch_inbox, settings, stop))
    watcher.start()
    try:
        for n, town in enumerate(["Oran", "Annaba", "Sétif"]):
            drop(root / "inbox", f"burst/{n}.txt", ARTICLE.replace("Tunis", town))
            time.sleep(0.1)
        _wait(lambda: {"0", "1", "2"} <= stored_doc_ids(url), 180, "the triggered run", root / "serve.log")
    finally:
        stop.set()
        watcher.join(10)
    runs = deployment_runs(deployment_id)
    assert len(runs) - before == 1 and sum("watch" in r.tags for r in runs) == 1
    _wait(lambda: (root / "archive" / "burst").is_dir() and len(list((root / "archive" / "burst").iterdir())) == 3,
          30, "the burst to be archived")


def test_sigterm_stops_serve_quietly_and_serving_again_resumes_the_schedule(served, stanza_dir):
    """What a service manager or `docker stop` sends: serve stops, exit 0, no warning or traceback
    (Prefect's own handler printed `coroutine 'Runner.astop' was never awaited`). The stop pauses the
    deployment's schedule; serving again must resume it (it stayed paused: no scheduled run ever came)."""
    from prefect import get_client

    from flows.serve import FULL_NAME

    def paused() -> bool:
        with get_client(sync_client=True) as client:
            return client.read_deployment_by_name(FULL_NAME).paused

    root, url, _, process = served
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(60)
    except subprocess.TimeoutExpired:  # where it hangs: faulthandler prints every thread's stack on SIGABRT
        process.send_signal(signal.SIGABRT)
        process.wait(10)
        raise AssertionError((root / "serve.log").read_text(errors="replace")[-8000:]) from None
    assert process.returncode == 0
    log = (root / "serve.log").read_text(errors="replace")
    assert "never awaited" not in log and "Traceback" not in log, log[-3000:]
    assert paused()
    again = subprocess.Popen([sys.executable, "-m", "evex.cli", "serve"], env=serve_environment(root, url, stanza_dir),
                             cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait(lambda: not paused(), 120, "serving again to resume the schedule")
    finally:
        again.send_signal(signal.SIGTERM)
        again.wait(60)

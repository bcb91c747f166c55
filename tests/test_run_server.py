"""`evex run` without PREFECT_API_URL, in real processes: one Prefect server for the whole run (its Dask
workers included), nothing it started left behind however it ends, runs started together all finish,
and a server that does not start in time is one line and exit status 2."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from evex.prefect_server import SERVER_APP
from tests.conftest import SEEDS

GONE_WITHIN_S = 30.0


def run_env(tmp_path: Path, stanza_dir: Path, name: str, **settings: str) -> dict[str, str]:
    """A user's environment without PREFECT_API_URL; Prefect's home in `tmp_path` (not the user's)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PREFECT_API", "EVEX_"))}
    return env | {"PREFECT_HOME": str(tmp_path / "prefect-home"), "STANZA_RESOURCES_DIR": str(stanza_dir),
                  "EVEX_DATABASE_URL": f"sqlite:///{tmp_path / name}.db", **settings}


def start_run(env: dict[str, str], cwd: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "evex.cli", "run", str(SEEDS)], env=env, cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


class ProcessTree:
    """Every process seen below `root` while it runs (the tree is looked at every 0.1 s)."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.seen: dict[tuple[int, float], list[str]] = {}  # (pid, start time) -> command line

    def look(self) -> None:
        try:
            children = psutil.Process(self.root).children(recursive=True)
        except psutil.NoSuchProcess:
            return
        for child in children:
            try:
                key = (child.pid, child.create_time())
                command = child.cmdline()
                # read again each time: a process caught as it starts shows no command line yet, or its
                # parent's until it executes its own program (the server, a worker)
                if command or key not in self.seen:
                    self.seen[key] = command
            except psutil.Error:
                continue

    def servers(self) -> list[tuple[int, float]]:
        return [key for key, command in self.seen.items() if SERVER_APP in " ".join(command)]

    def workers(self) -> list[tuple[int, float]]:
        return [key for key, command in self.seen.items() if "spawn_main" in " ".join(command)]

    def alive(self) -> list[str]:
        """The processes seen that still run (not the ids reused by others since)."""
        left = []
        for (pid, started), command in self.seen.items():
            try:
                process = psutil.Process(pid)
                if process.create_time() == started and process.status() != psutil.STATUS_ZOMBIE:
                    left.append(f"{pid}: {' '.join(command)[:120]}")
            except psutil.NoSuchProcess:
                continue
        return left

    def wait_until_gone(self, timeout_s: float = GONE_WITHIN_S) -> list[str]:
        deadline = time.monotonic() + timeout_s
        while (left := self.alive()) and time.monotonic() < deadline:
            time.sleep(0.2)
        return left

    def kill_leftovers(self) -> None:
        for pid, started in self.seen:
            try:
                process = psutil.Process(pid)
                if process.create_time() == started:
                    process.kill()
            except psutil.Error:
                continue


def watch(run: subprocess.Popen, tree: ProcessTree, until=lambda: False, timeout_s: float = 600) -> None:
    """Look at the tree until the run ends or `until()` holds."""
    deadline = time.monotonic() + timeout_s
    while run.poll() is None and not until() and time.monotonic() < deadline:
        tree.look()
        time.sleep(0.1)


def test_a_run_on_two_workers_starts_one_server_and_leaves_no_process(tmp_path, stanza_dir):
    run = start_run(run_env(tmp_path, stanza_dir, "two", EVEX_WORKERS="2"), tmp_path)
    tree = ProcessTree(run.pid)
    try:
        watch(run, tree)
        out, err = run.communicate(timeout=60)
        assert run.returncode == 0, err[-3000:]
        assert "(parsed by 2 workers)" in out
        assert len(tree.workers()) >= 2, tree.seen
        assert len(tree.servers()) == 1, tree.seen  # not one per worker
        assert "Starting temporary server" not in err
        assert tree.wait_until_gone() == []
    finally:
        tree.kill_leftovers()


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_a_run_killed_mid_parse_leaves_no_server_and_no_worker(tmp_path, stanza_dir, how):
    run = start_run(run_env(tmp_path, stanza_dir, "killed", EVEX_WORKERS="2"), tmp_path)
    tree = ProcessTree(run.pid)
    try:
        watch(run, tree, until=lambda: tree.servers() and len(tree.workers()) >= 2)
        time.sleep(2)  # the workers are loading the models or parsing
        tree.look()
        assert run.poll() is None, "the run ended before it could be killed"
        assert tree.servers()
        run.send_signal(how)
        run.communicate(timeout=60)
        assert tree.wait_until_gone() == []
    finally:
        tree.kill_leftovers()


def test_runs_started_together_all_finish_and_leave_no_server(tmp_path, stanza_dir):
    """Three runs at once on one Prefect home (their servers migrate one database), one worker each."""
    runs = [start_run(run_env(tmp_path, stanza_dir, f"run{i}", EVEX_WORKERS="1"), tmp_path) for i in range(3)]
    trees = [ProcessTree(run.pid) for run in runs]
    try:
        while any(run.poll() is None for run in runs):
            for tree in trees:
                tree.look()
            time.sleep(0.1)
        for run in runs:
            out, err = run.communicate(timeout=60)
            assert run.returncode == 0, err[-3000:]
            assert "articles: 5 new, 0 skipped, 0 failed" in out
        assert [len(tree.servers()) for tree in trees] == [1, 1, 1]
        assert [tree.wait_until_gone() for tree in trees] == [[], [], []]
    finally:
        for tree in trees:
            tree.kill_leftovers()


def test_a_server_that_does_not_answer_in_time_is_one_line_and_exit_2(tmp_path, stanza_dir):
    env = run_env(tmp_path, stanza_dir, "late", EVEX_PREFECT_STARTUP_S="0.01")
    run = start_run(env, tmp_path)
    tree = ProcessTree(run.pid)
    watch(run, tree)
    out, err = run.communicate(timeout=120)
    assert run.returncode == 2, err[-3000:]
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert errors == ["error: Prefect's temporary server did not answer within 0.01 s (EVEX_PREFECT_STARTUP_S): the "
                      "machine may be busy; allow more, or set PREFECT_API_URL to a running server "
                      "(`prefect server start`)"]
    assert "Traceback" not in err
    assert tree.wait_until_gone() == []

"""One Prefect API for a whole run: the server PREFECT_API_URL names, else one this process starts.

Prefect's own temporary server starts in every process that needs an API and finds none: a run on a
Dask cluster started one per worker, on a busy machine they timed out against each other, and those
started by a worker stayed behind when the run ended (issue 29). Here the run's first process starts
the one server, waits for it as long as `EVEX_PREFECT_STARTUP_S` allows, and puts its address in
PREFECT_API_URL, which every process it starts inherits (Dask workers included). The server dies with
the process that started it however that ends: stopped on the way out, and the kernel sends it SIGTERM
if that process is killed outright (PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import fcntl
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from evex.preflight import SetupError

PR_SET_PDEATHSIG = 1  # prctl option: the signal a process gets when its parent dies (Linux)
STOP_WAIT_S = 10.0
SERVER_APP = "prefect.server.api.server:create_app"


@contextmanager
def run_api(startup_s: float) -> Iterator[str]:
    """The run's Prefect API URL: PREFECT_API_URL's server (`preflight.check_prefect_api` tells whether it
    answers); unset, a server started here for the length of the block, whose URL this process and every
    process it starts use."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    configured = PREFECT_API_URL.value()
    if configured:
        yield configured
        return
    with temporary_server(startup_s) as url, environment_variable("PREFECT_API_URL", url):
        with temporary_settings(updates={PREFECT_API_URL: url}):
            try:
                yield url
            finally:
                send_what_is_queued()


@contextmanager
def environment_variable(name: str, value: str) -> Iterator[None]:
    """`name` set to `value` for the block in this process's environment, which the processes it starts
    inherit; as it was afterwards (a command run in-process leaves nothing behind)."""
    previous = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = previous


def send_what_is_queued(timeout_s: float = 10.0) -> None:
    """Send the log lines and events still queued in this process while the server is there to take them
    (Prefect sends them at exit otherwise, and complains that the server is gone)."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for service in (APILogWorker, EventsWorker):
        service.drain_all(timeout=timeout_s)


@contextmanager
def temporary_server(startup_s: float) -> Iterator[str]:
    """A Prefect server (API only, Prefect's own database) on a free local port until the block ends."""
    log = tempfile.TemporaryFile(prefix="evex-prefect-server-")
    with log, one_start_at_a_time():  # runs starting together would migrate Prefect's database together
        process, url = _start(log)
        try:
            _wait_until_healthy(process, url, startup_s, log)
        except BaseException:
            _stop(process)
            raise
    try:
        yield url
    finally:
        _stop(process)


@contextmanager
def one_start_at_a_time() -> Iterator[None]:
    """Hold a lock in Prefect's home folder while a server starts (and migrates the database there)."""
    from prefect.settings import PREFECT_HOME

    home = Path(PREFECT_HOME.value()).expanduser()
    home.mkdir(parents=True, exist_ok=True)
    with (home / "evex-server-start.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(log) -> tuple[subprocess.Popen, str]:
    import prefect
    from prefect.settings import get_current_settings

    port = free_port()
    environment = {**os.environ, **get_current_settings().to_environment_variables(exclude_unset=True),
                   "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
    environment.pop("PREFECT_API_URL", None)
    command = [sys.executable, "-m", "uvicorn", "--app-dir", str(prefect.__module_path__.parent), "--factory",
               SERVER_APP, "--host", "127.0.0.1", "--port", str(port), "--log-level", "error", "--lifespan", "on"]
    process = subprocess.Popen(command, env=environment, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                               preexec_fn=_dies_with_parent(os.getpid()))
    return process, f"http://127.0.0.1:{port}/api"


def _dies_with_parent(parent: int):
    """For the child, before it runs the server: SIGTERM when `parent` dies (even by SIGKILL); if it already
    died in between, exit at once."""
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)

    def arrange() -> None:
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent:
            os._exit(1)

    return arrange


def _wait_until_healthy(process: subprocess.Popen, url: str, startup_s: float, log) -> None:
    deadline = time.monotonic() + startup_s
    with httpx.Client(timeout=5) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise SetupError(f"Prefect's temporary server exited with code {process.returncode} at start-up "
                                 f"({_last_line(log)}): set PREFECT_API_URL to a running server "
                                 "(`prefect server start`)")
            try:
                if client.get(f"{url}/health").status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
    raise SetupError(f"Prefect's temporary server did not answer within {startup_s:g} s (EVEX_PREFECT_STARTUP_S): "
                     "the machine may be busy; allow more, or set PREFECT_API_URL to a running server "
                     "(`prefect server start`)")


def _last_line(log) -> str:
    log.seek(0)
    lines = [line.strip() for line in log.read().decode(errors="replace").splitlines() if line.strip()]
    return lines[-1] if lines else "no output"


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_WAIT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

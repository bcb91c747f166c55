"""Scheduled and triggered runs on an inbox folder: a served deployment, and a watcher that starts it.

`evex serve` serves the `evex-inbox/inbox` deployment (interval or cron from the settings) and, unless
switched off, watches the inbox so that a drop gets a run seconds after it lands instead of at the
next tick. Both paths run the same deployment; the runner runs one flow run at a time, so a
scheduled run and a triggered one never process the same files side by side.
"""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
from pathlib import Path

from prefect import flow, get_run_logger
from prefect.deployments import run_deployment
from prefect.deployments.runner import EntrypointType, RunnerDeployment
from prefect.flows import _display_serve_start_message
from prefect.logging import get_logger
from prefect.runner import Runner

from evex import serve as inbox
from evex.settings import Settings
from evex.wording import counted
from flows.pipeline import configured_pipeline

DEPLOYMENT = "inbox"
FULL_NAME = f"evex-inbox/{DEPLOYMENT}"


@flow(name="evex-inbox")
def process_inbox(inbox_dir: str, archive_dir: str | None = None, min_age_s: float = 0.0,
                  default_date: str | None = None) -> int:
    """Run the pipeline on the inbox files no finished run has read, then archive or record them."""
    logger = get_run_logger()
    folder, archive = Path(inbox_dir), Path(archive_dir) if archive_dir else None
    files = inbox.pending(folder, min_age_s)
    if not files:
        logger.info("%s: nothing new", folder)
        return 0
    summary = configured_pipeline()(paths=[str(f.path) for f in files], default_date=default_date)
    archived = inbox.settle(folder, files, archive)
    logger.info("%s read (%s); %s", counted(len(files), "file"), counted(summary.new, "new article"),
                f"{len(archived)} moved to {archive}" if archive else "left in the inbox")
    return len(files)


def inbox_deployment(settings: Settings) -> RunnerDeployment:
    """The deployment `evex serve` serves: its schedule and folders come from the settings."""
    inbox.check_folders(settings.inbox_dir, settings.archive_dir)
    when = {"cron": settings.schedule_cron} if settings.schedule_cron else {"interval": settings.schedule_interval_s}
    return process_inbox.to_deployment(
        name=DEPLOYMENT,
        **when,
        parameters={
            "inbox_dir": str(settings.inbox_dir.resolve()),
            "archive_dir": str(settings.archive_dir.resolve()) if settings.archive_dir else None,
            "min_age_s": settings.debounce_s,
            "default_date": settings.default_doc_date,
        },
        description="Process the articles that landed in the inbox since the last run.",
        tags=["evex"],
        paused=False,  # serving resumes the schedule that the last serve's stop paused
        entrypoint_type=EntrypointType.MODULE_PATH,  # works from any working directory and in the image
    )


def serve_inbox(settings: Settings) -> None:
    """Serve the inbox deployment until interrupted, with the watcher beside it when enabled."""
    settings.inbox_dir.mkdir(parents=True, exist_ok=True)
    deployment = inbox_deployment(settings)
    if settings.watch:
        threading.Thread(target=watch_inbox, args=(settings,), name="evex-watch", daemon=True).start()
    runner = Runner(limit=1, pause_on_shutdown=True)
    runner.add_deployment(deployment)
    # Prefect's SIGTERM handler calls the runner's stop from inside its event loop, where stop is a
    # coroutine that nobody awaits: SIGTERM is made what Ctrl+C is, which asyncio turns into a clean stop.
    # Set before the start message too: the runner sets its handler only once its loop runs, and a
    # SIGTERM sent on seeing the message (by a busy machine's supervisor) would otherwise kill the process.
    runner.handle_sigterm = lambda *_: os.kill(os.getpid(), signal.SIGINT)
    signal.signal(signal.SIGTERM, runner.handle_sigterm)
    try:
        _display_serve_start_message(deployment)  # what prefect.serve prints: the deployment and how to run it
        asyncio.run(runner.start())
    except KeyboardInterrupt:
        get_logger("evex.serve").info("stopped")


def watch_inbox(settings: Settings, stop: threading.Event | None = None) -> None:
    """Start a run of the served deployment once new files have stopped landing for `debounce_s`."""
    logger = get_logger("evex.watch")
    debouncer = inbox.Debouncer(settings.debounce_s)
    stop = stop or threading.Event()
    while not stop.wait(settings.watch_poll_s):
        try:
            files = inbox.pending(settings.inbox_dir)
        except (OSError, ValueError) as exc:  # an unmounted folder, an unreadable ledger: look again
            logger.warning("cannot read %s: %s", settings.inbox_dir, exc)
            continue
        if not debouncer.ready(files, time.monotonic()):
            continue
        try:
            run = run_deployment(FULL_NAME, timeout=0, as_subflow=False, tags=["watch"])
        except Exception as exc:  # noqa: BLE001 - the deployment may not be registered yet; try again
            logger.warning("could not start a run of %s: %s", FULL_NAME, exc)
            continue
        debouncer.triggered()
        logger.info("%d new files in %s: started flow run %s", len(files), settings.inbox_dir, run.name)

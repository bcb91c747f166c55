"""One progress bar for the terminal; flows call `describe` and `advance`, silent when it is off.

Prefect's console handler would print every log record between the bar's redraws: while the bar is
on, its records go through the bar's console (drawn above the bar), and without --verbose only
warnings and errors reach the terminal. The records still go to the Prefect server (UI and logs).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.text import Text

_active: tuple[Progress, int] | None = None
PRINTED_BY_THE_CLI = "evex_printed_by_the_cli"  # a log record's extra: the command prints it itself (the summary)


def _not_printed_by_the_cli(record: logging.LogRecord) -> bool:
    return not getattr(record, PRINTED_BY_THE_CLI, False)


class _CountColumn(MofNCompleteColumn):
    """`3/5` once the number of files is known; nothing before (no `0/?`)."""

    def render(self, task) -> Text:
        return super().render(task) if task.total is not None else Text("")


def _prefect_console_handlers() -> list[logging.Handler]:
    from prefect.logging.handlers import PrefectConsoleHandler

    loggers = [logging.getLogger()] + [lg for lg in logging.Logger.manager.loggerDict.values()
                                       if isinstance(lg, logging.Logger)]
    return list({id(h): h for lg in loggers for h in lg.handlers if isinstance(h, PrefectConsoleHandler)}.values())


@contextmanager
def progress_bar(starting: str, verbose: bool = False) -> Iterator[None]:
    """The bar, on stderr (stdout keeps the summary), saying `starting` until the flow knows its files."""
    global _active
    handlers = _prefect_console_handlers()
    if not verbose:  # kept to the end of the command: Prefect logs its temporary server's stop at exit
        for handler in handlers:
            handler.setLevel(logging.WARNING)
    with Progress(SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(), _CountColumn(),
                  TimeElapsedColumn(), console=Console(stderr=True), transient=False) as bar:
        consoles = [handler.console for handler in handlers]
        for handler in handlers:
            handler.console = bar.console
            handler.addFilter(_not_printed_by_the_cli)  # once on stdout, not again among the log lines
        _active = (bar, bar.add_task(starting, total=None))
        try:
            yield
        finally:
            _active = None
            for handler, console in zip(handlers, consoles, strict=True):
                handler.console = console
                handler.removeFilter(_not_printed_by_the_cli)


def set_total(total: int) -> None:
    if _active:
        _active[0].update(_active[1], total=total)


def describe(status: str) -> None:
    """What the run is doing now, beside the bar."""
    if _active:
        _active[0].update(_active[1], description=status)


def advance(done: int) -> None:
    if _active:
        _active[0].update(_active[1], advance=done)

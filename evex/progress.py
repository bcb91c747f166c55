"""A progress bar the CLI switches on; flows call `advance` and stay silent when it is off."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

_active: tuple[Progress, int] | None = None


@contextmanager
def progress_bar(description: str = "articles") -> Iterator[None]:
    global _active
    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=False
    ) as bar:
        _active = (bar, bar.add_task(description, total=None))
        try:
            yield
        finally:
            _active = None


def set_total(total: int) -> None:
    if _active:
        _active[0].update(_active[1], total=total)


def advance(done: int, status: str = "") -> None:
    if _active:
        _active[0].update(_active[1], advance=done, description=status or None)

"""What a run did: counts and timings, stored in `pipeline_runs` and printed at the end."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Engine

from evex.load import LoadResult, delete_run, finish_run, start_run


@dataclass
class RunSummary:
    run_id: int
    files: int
    new: int = 0
    skipped: int = 0
    failed: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)
    events_by_type: Counter = field(default_factory=Counter)
    timings: dict[str, float] = field(default_factory=dict)
    model_versions: dict[str, str] = field(default_factory=dict)
    events: list[dict] = field(default_factory=list)

    @classmethod
    def start(cls, engine: Engine, flow_run_id: str | None, sources: list[str], files: int) -> RunSummary:
        return cls(run_id=start_run(engine, flow_run_id, [str(s) for s in sources], {}), files=files)

    @contextmanager
    def timer(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings[stage] = round(self.timings.get(stage, 0.0) + time.perf_counter() - started, 3)

    def add_batch(self, ingested, loaded: LoadResult) -> None:
        self.new += loaded.n_articles
        self.skipped += ingested.skipped + (len(ingested.new) - loaded.n_articles - loaded.n_failed)
        self.failed += len(ingested.errors) + loaded.n_failed
        self.errors.extend(ingested.errors)
        self.events_by_type.update(loaded.events_by_type)
        self.events.extend(loaded.events)

    @property
    def n_events(self) -> int:
        return sum(self.events_by_type.values())

    @property
    def changed_anything(self) -> bool:
        return bool(self.new or self.failed)

    def finish(self, engine: Engine) -> None:
        if not self.changed_anything:
            delete_run(engine, self.run_id)
            return
        counts = {"new": self.new, "skipped": self.skipped, "failed": self.failed, "events": self.n_events}
        finish_run(engine, self.run_id, status="completed", counts=counts, timings=self.timings,
                   model_versions=self.model_versions)

    def run_name_suffix(self) -> str:
        return f"{self.new} new" + (f", {self.failed} failed" if self.failed else "")

    def batch_line(self, ingested, loaded: LoadResult) -> str:
        return (f"{loaded.n_articles} new, {ingested.skipped} skipped, "
                f"{len(ingested.errors) + loaded.n_failed} failed, {loaded.n_events} events")

    def text(self, database: str) -> str:
        by_type = ", ".join(f"{t} {n}" for t, n in sorted(self.events_by_type.items())) or "none"
        stages = ", ".join(f"{s} {t:.1f}s" for s, t in self.timings.items())
        return (f"articles: {self.new} new, {self.skipped} skipped, {self.failed} failed\n"
                f"events: {self.n_events} ({by_type})\n"
                f"time: {stages}\n"
                f"database: {database}")

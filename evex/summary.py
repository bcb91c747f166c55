"""What a run did: counts and timings, stored in `pipeline_runs` and printed at the end."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Engine

from evex.link import NEW_EVENT
from evex.load import LoadResult, delete_run, finish_run, start_run
from evex.wording import counted


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
    workers: int = 0  # processes that parsed (0: nothing to parse)

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
        """Article reports of events: one real event reported by two articles counts twice."""
        return sum(self.events_by_type.values())

    def new_events_by_type(self) -> Counter:
        """The rows this run added to `events`, by type (what `SELECT COUNT(*) FROM events` grew by)."""
        return Counter(row["type"] for row in self.events if row["link"] == NEW_EVENT)

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
                f"{len(ingested.errors) + loaded.n_failed} failed, {counted(loaded.n_events, 'event report')}")

    def events_line(self) -> str:
        """New `events` rows and the article reports behind them: the two counts differ when articles
        report the same event, and a reader checking the table sees the first."""
        if not self.n_events:
            return "events: none"
        new = self.new_events_by_type()
        by_type = f" ({', '.join(f'{t} {n}' for t, n in sorted(new.items()))})" if new else ""
        created = {row["event"] for row in self.events if row["link"] == NEW_EVENT}
        about_stored = sum(1 for row in self.events if row["event"] not in created)
        return (f"events: {sum(new.values())} new in the database{by_type}, "
                f"from {counted(self.n_events, 'article report')}"
                + (f" ({about_stored} about events already stored)" if about_stored else ""))

    def report_table(self, max_rows: int) -> list[dict]:
        """The run's event reports as the Prefect UI shows them: one short column per thing a reader
        scans (when, where, who, what, status, article), the participants cut to the first few."""
        return [{"when": "–".join(filter(None, (row["start"], row["end"]))),
                 "where": row["location"],
                 "who": _shortened(row["participants"]),
                 "what": f"{row['type'].lower()} ({row['trigger']})" if row["trigger"] else row["type"].lower(),
                 "status": row["status"],
                 "article": row["article"]}
                for row in self.events[:max_rows]]

    def text(self, database: str) -> str:
        stages = ", ".join(f"{s} {t:.1f}s" for s, t in self.timings.items())
        return (f"articles: {self.new} new, {self.skipped} skipped, {self.failed} failed\n"
                f"{self.events_line()}\n"
                f"time: {stages}" + (f" (parsed by {counted(self.workers, 'worker')})"
                                     if self.workers else "") + "\n"
                f"database: {database}")


PARTICIPANTS_SHOWN = 3


def _shortened(names: list[str]) -> str:
    """The first PARTICIPANTS_SHOWN names, then how many more (a table cell stays one line)."""
    shown = ", ".join(names[:PARTICIPANTS_SHOWN])
    return shown + (f" +{len(names) - PARTICIPANTS_SHOWN} more" if len(names) > PARTICIPANTS_SHOWN else "")

"""The load benchmark's floor: the articles and parses alone, as `load_batch` stores them, and its report line."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

import models
from bench.loadbench import stored_batches, storage_floor
from bench.report import load_section
from evex.db import get_engine
from evex.load import count_rows


def stored_texts(url: str) -> list[tuple]:
    with Session(get_engine(url)) as session:
        query = select(models.Article.sha256, models.Article.text, models.Article.doc_date, models.Parse.content)
        return sorted(session.execute(query.join(models.Parse)).all())


def test_the_floor_stores_every_article_and_parse_of_the_drop_and_nothing_more(seeds_cli_run, migrated_url):
    _, source, _ = seeds_cli_run
    batches = stored_batches(source, 2)
    figures = storage_floor(migrated_url, batches)
    assert figures["seconds"] > 0
    events = sum(len(item.frames) for batch in batches for item in batch)
    assert events > 0 and figures["events_per_s"] > 0
    assert stored_texts(migrated_url) == stored_texts(source)
    rows = count_rows(get_engine(migrated_url))
    assert rows["articles"] == rows["parses"] == sum(map(len, batches))
    assert rows["events"] == rows["event_reports"] == 0


def test_the_report_gives_the_floor_beside_the_load_figures():
    run = {"articles": 1000, "events": 371, "seconds": 0.5, "events_per_s": 742.0, "articles_per_s": 2000.0,
           "rounds": [{"events_per_s": 742.0}]}
    floor = {"seconds": 0.2, "events_per_s": 1855.0, "rounds": [{"events_per_s": 1855.0}]}
    after = {"batch_articles": 128, "geocoder_load_s": 2.0, "sqlite": {**run, "storage_floor": floor}}
    text = "\n".join(load_section({"after": after}))
    assert "sqlite 1,855.0 events/s (0.2 s; every round: 1,855)" in text
    assert "| after | sqlite | 1000 | 371 | 0.5 | 742.0 |" in text

"""The seeds through the flow store the same events on Postgres as on SQLite (database ids aside)."""

from __future__ import annotations

import os
from functools import cache

import pytest

from evex import parse
from evex.db import get_engine, upgrade
from evex.export import article_records
from evex.query import run_query
from evex.settings import get_settings
from tests.conftest import SEEDS, _create_postgres_database

OVERVIEW = ('SELECT type, start, "end", location, status, participants, n_articles, n_sources, first_reported, '
            "first_source FROM event_overview")


@pytest.fixture(scope="module")
def both_databases(prefect_server, stanza_dir, tmp_path_factory):
    """Run the flow on the seeds into a SQLite file and into a fresh Postgres database."""
    from flows.pipeline import evex_pipeline

    postgres, drop = _create_postgres_database()
    urls = {"sqlite": f"sqlite:///{tmp_path_factory.mktemp('parity') / 'evex.db'}", "postgres": postgres}
    previous = os.environ.get("EVEX_DATABASE_URL")
    with pytest.MonkeyPatch.context() as patch:
        # Stanza's output does not depend on the database: parse the drop once for both runs
        parse_batch = cache(lambda texts, *args, parse_texts=parse.parse_texts: parse_texts(list(texts), *args))
        patch.setattr(parse, "parse_texts", lambda texts, *args: parse_batch(tuple(texts), *args))
        for url in urls.values():
            os.environ["EVEX_DATABASE_URL"] = url
            get_settings.cache_clear()
            upgrade(url)
            summary = evex_pipeline(paths=[str(SEEDS)])
            assert (summary.new, summary.failed) == (5, 0)
    if previous is None:
        os.environ.pop("EVEX_DATABASE_URL")
    else:
        os.environ["EVEX_DATABASE_URL"] = previous
    get_settings.cache_clear()
    yield urls
    get_engine(urls["sqlite"]).dispose()
    drop()


def without_ids(records: list[dict]) -> list[dict]:
    """Database event ids replaced by their order of appearance, so linking still has to match."""
    order: dict[int, int] = {}
    for record in records:
        for event in record["events"]:
            event["database_event_id"] = order.setdefault(event["database_event_id"], len(order))
    return records


def test_the_same_events_are_stored_on_both_databases(both_databases):
    sqlite, postgres = (without_ids(list(article_records(get_engine(url)))) for url in both_databases.values())
    assert len(sqlite) == 5 and sum(len(r["events"]) for r in sqlite) >= 10
    assert postgres == sqlite


def test_the_views_read_the_same_on_both_databases(both_databases):
    sqlite, postgres = (sorted(run_query(url, OVERVIEW).rows, key=repr) for url in both_databases.values())
    assert postgres == sqlite and any(row[5] and ", " in row[5] for row in sqlite)

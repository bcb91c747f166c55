"""Load throughput alone: the articles the flow stored, re-extracted, loaded again into empty databases.

Parsing and extraction happen before the clock starts, so the figure is `evex.load.load_batch`
(the load stage's whole work: articles, parses, entities, event linking, places) and nothing else.

`python -m bench.loadbench SOURCE_URL OUT.json` measures the evex it imports, in a fresh process;
`baseline_tree` exports an earlier commit's evex so that the same command measures that one (the
"before" of a change), on the same articles. `storage_floor` stores only the articles and their
parses, the way `load_batch` sends them: the part of its time that no faster linking can remove.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import tarfile
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

import models
from evex.conllu import read_conllu
from evex.db import get_engine, upgrade
from evex.extract import extract_events
from evex.ingest import Article
import evex.load
from evex.load import ProcessedArticle, load_batch

BASELINE_PATHS = ("evex", "models", "migrations")  # what a baseline tree takes from its commit; bench stays this one


def stored_batches(source_url: str, batch_articles: int) -> list[list[ProcessedArticle]]:
    """Every stored article with its parse and freshly extracted frames, in the flow's batch size."""
    items: list[ProcessedArticle] = []
    with Session(get_engine(source_url)) as session:
        for article in session.scalars(select(models.Article).order_by(models.Article.id)):
            ingested = Article(doc_id=article.doc_id, source=article.source, sha256=article.sha256,
                               text=article.text, doc_date=article.doc_date, title=article.title, url=article.url)
            parse = article.parse
            item = ProcessedArticle(ingested, parse.content if parse else None,
                                    parse.model_versions if parse else {}, error=article.error)
            if parse is not None and not article.error:
                item.frames = extract_events(read_conllu(parse.content), article.text, article.doc_date)
            items.append(item)
    return [items[i : i + batch_articles] for i in range(0, len(items), batch_articles)]


def measure(url: str, batches: list[list[ProcessedArticle]]) -> dict:
    """Load every batch into the (empty, migrated) database at `url`, one transaction per batch."""
    engine = get_engine(url)
    articles = events = 0
    started = time.perf_counter()
    for batch in batches:
        result = load_batch(engine, None, batch)
        articles += result.n_articles + result.n_failed
        events += result.n_events
    seconds = time.perf_counter() - started
    return {"articles": articles, "events": events, "seconds": round(seconds, 3),
            "events_per_s": round(events / seconds, 1), "articles_per_s": round(articles / seconds, 1)}


def storage_floor(url: str, batches: list[list[ProcessedArticle]]) -> dict:
    """Only the batches' articles and parses into the (empty, migrated) database at `url`, as `load_batch`
    sends them (one executemany each; on Postgres both in one round trip where this evex does so), one
    transaction per batch: events/s is then the most any load that keeps the articles and their parses
    could reach on these articles."""
    from evex.load import ARTICLES, PARSES, article_row, insert_rows, parse_row

    def insert_together(session, tables):  # an earlier commit's evex (`baseline_tree`) may lack it
        if hasattr(evex.load, "insert_rows_together"):
            evex.load.insert_rows_together(session, tables)
        else:
            for table, rows in tables:
                insert_rows(session, table, rows, copy=False)

    engine = get_engine(url)
    events = sum(len(item.frames) for batch in batches for item in batch)
    article_id = 0
    started = time.perf_counter()
    for batch in batches:
        with Session(engine) as session, session.begin():
            now = dt.datetime.now(dt.UTC)
            ids = range(article_id + 1, article_id + 1 + len(batch))
            article_id += len(batch)
            insert_together(session, [
                (ARTICLES, [article_row(i, item, None, now) for i, item in zip(ids, batch)]),
                (PARSES, [parse_row(i, item, now) for i, item in zip(ids, batch) if not item.error]),
            ])
    seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 3), "events_per_s": round(events / seconds, 1)}


def measure_both(source_url: str, batch_articles: int, postgres_url: str | None, rounds: int) -> dict:
    """`rounds` loads into fresh SQLite and Postgres databases, alternating; every round and the median.

    The geocoder's gazetteers (`evex.geocode.geocoder`) are built before the clock, once per process
    as in a long-lived flow, and timed apart.
    """
    from evex.geocode import geocoder

    batches = stored_batches(source_url, batch_articles)
    started = time.perf_counter()
    geocoder()
    out: dict = {"batch_articles": batch_articles, "geocoder_load_s": round(time.perf_counter() - started, 2)}
    runs: dict[str, list[dict]] = {"sqlite": [], "postgres": []}
    floors: dict[str, list[dict]] = {"sqlite": [], "postgres": []}
    series = [(runs, measure)]
    if hasattr(evex.load, "article_row"):  # an earlier commit's evex (`baseline_tree`) may lack what it uses
        series.append((floors, storage_floor))
    for _ in range(rounds):
        for measured, how in series:
            with tempfile.TemporaryDirectory() as folder:
                url = f"sqlite:///{folder}/load.db"
                upgrade(url)
                measured["sqlite"].append(how(url, batches))
                get_engine(url).dispose()
            if postgres_url:
                with fresh_postgres(postgres_url) as url:
                    measured["postgres"].append(how(url, batches))
    for name, measured in runs.items():
        if measured:
            out[name] = {**_median(measured), "rounds": measured}
            if floors[name]:
                out[name]["storage_floor"] = {**_median(floors[name]), "rounds": floors[name]}
    return out


def _median(measured: list[dict]) -> dict:
    return sorted(measured, key=lambda run: run["events_per_s"])[len(measured) // 2]


def baseline_tree(repo: Path, commit: str, folder: Path) -> Path:
    """`commit`'s evex, models and migrations under `folder`: run from there, `bench.loadbench` imports
    that evex (the working directory comes first on sys.path) and this bench (on PYTHONPATH)."""
    folder.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "archive", "--format=tar", commit, *BASELINE_PATHS], cwd=repo, check=True,
                             capture_output=True).stdout
    with tempfile.TemporaryFile() as stream:
        stream.write(archive)
        stream.seek(0)
        with tarfile.open(fileobj=stream) as tar:
            tar.extractall(folder, filter="data")
    return folder


@contextmanager
def fresh_postgres(admin_url: str) -> Iterator[str]:
    """A new, migrated Postgres database for the measurement, dropped afterwards."""
    import psycopg
    from psycopg import sql

    admin = make_url(admin_url)
    name = f"evex_bench_{uuid.uuid4().hex[:10]}"
    conninfo = {"host": admin.host, "port": admin.port or 5432, "user": admin.username, "dbname": admin.database}
    if admin.password:
        conninfo["password"] = admin.password
    with psycopg.connect(**conninfo, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = admin.set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        get_engine(url).dispose()
        with psycopg.connect(**conninfo, autocommit=True) as connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.loadbench")
    parser.add_argument("source_url", help="a database the flow filled: its articles and parses are loaded again")
    parser.add_argument("out", type=Path)
    parser.add_argument("--batch-articles", type=int, default=128)
    parser.add_argument("--postgres-url", help="admin URL of a Postgres server (none: SQLite only)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    result = measure_both(args.source_url, args.batch_articles, args.postgres_url, args.rounds)
    args.out.write_text(json.dumps(result, indent=2))
    for name in ("sqlite", "postgres"):
        if "storage_floor" in result.get(name, {}):
            print(f"{name}: load_batch {result[name]['events_per_s']} events/s; articles and parses alone "
                  f"{result[name]['storage_floor']['events_per_s']} events/s")


if __name__ == "__main__":
    main()

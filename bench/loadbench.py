"""Load throughput alone: the articles the flow stored, re-extracted, loaded again into empty databases.

Parsing and extraction happen before the clock starts, so the figure is `evex.load.load_batch`
(the load stage's whole work: articles, parses, entities, event linking) and nothing else.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

import models
from evex.conllu import read_conllu
from evex.db import get_engine, upgrade
from evex.extract import extract_events
from evex.ingest import Article
from evex.load import ProcessedArticle, load_batch


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

"""The pipeline's stages as plain functions (no Prefect here): the flow in `flows/` orchestrates them.

A drop is processed in batches of files, so memory stays flat however large the drop is:
ingest → parse → extract → load per batch, each stage callable (and retried) on its own.
The extractor (its rules and lexicons) is imported by the stages that use it: an unchanged drop's
re-run, which only ingests, never loads it.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

import models

from evex import parse
from evex.conllu import ParsedDoc, read_conllu
from evex.ingest import Article, IngestError, article_hash, discover, read_article
from evex.load import LoadResult, ProcessedArticle, known_hashes, load_batch, record_ingest_errors, replace_frames
from evex.preflight import check_models
from evex.settings import Settings
from evex.wording import counted

log = logging.getLogger(__name__)


@dataclass
class IngestOutcome:
    new: list[Article] = field(default_factory=list)
    skipped: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)


def plan_batches(paths: list[str], batch_size: int, at_least: int = 1, smallest: int = 1) -> list[list[str]]:
    """The drop's article files, in batches of at most `batch_size`, and smaller (down to `smallest`) when
    that makes `at_least` batches, so a small drop still keeps every worker busy; a missing path is an
    error for the whole run."""
    roots = [Path(p) for p in paths]
    missing = [str(p) for p in roots if not p.exists()]
    if missing:
        raise FileNotFoundError(f"no such file or folder: {', '.join(missing)}")
    files = [str(p) for p in discover(roots)]
    size = min(batch_size, max(smallest, math.ceil(len(files) / at_least), 1))
    return [files[i : i + size] for i in range(0, len(files), size)]


def ingest_batch(
    files: list[str],
    engine: Engine,
    run_id: int | None,
    default_date: str | None,
    roots: list[str] | None = None,
    max_words: int | None = None,
    taken: frozenset[str] = frozenset(),
) -> IngestOutcome:
    """Read and clean files; skip articles already stored, taken by an earlier batch, or twice in this
    batch; record bad files.

    A duplicate in a later batch is found in the database once the earlier batch is loaded; `taken`
    (the hashes earlier batches of this run took) also skips it while that batch is still being parsed
    on a cluster. `roots` (the drop's paths) bound where a symbolic link may lead; `max_words` refuses
    longer texts (EVEX_MAX_ARTICLE_WORDS).
    """
    outcome = IngestOutcome()
    articles: list[Article] = []
    failures: list[tuple[str, str, str]] = []
    drop = [Path(r) for r in roots] if roots else None
    for name in files:
        try:
            articles.append(read_article(Path(name), default_date, drop, max_words))
        except IngestError as exc:
            log.error("%s: %s", exc.path, exc.reason)
            outcome.errors.append((exc.path, exc.reason))
            failures.append((exc.path, exc.reason, _content_hash(exc.path)))
    stored = known_hashes(engine, (a.sha256 for a in articles))
    seen: set[str] = set()
    for article in articles:
        if article.sha256 in stored or article.sha256 in taken or article.sha256 in seen:
            outcome.skipped += 1
        else:
            seen.add(article.sha256)
            outcome.new.append(article)
    record_ingest_errors(engine, run_id, failures)
    log.info("ingest: %s → %d new, %d skipped, %d failed", counted(len(files), "file"), len(outcome.new),
             outcome.skipped, len(outcome.errors))
    return outcome


def _content_hash(path: str) -> str:
    try:
        return article_hash(Path(path).read_bytes().decode("utf-8", errors="replace")[:100_000])
    except OSError:
        return ""


def parsing_on_gpu(settings: Settings) -> bool:
    """EVEX_STANZA_USE_GPU where set, else whether torch sees a GPU."""
    return parse.gpu_available() if settings.stanza_use_gpu is None else settings.stanza_use_gpu


def parse_articles(articles: list[Article], settings: Settings) -> list[ProcessedArticle]:
    """Parse a batch with Stanza in as few calls as the batch size allows."""
    from evex.extract import default_extractor

    if not articles:
        return []
    folder = parse.resources_dir(settings.stanza_resources_dir)
    use_gpu = parsing_on_gpu(settings)
    versions = parse.model_versions(folder)
    started = time.perf_counter()
    results = parse.parse_texts(
        [a.text for a in articles], folder, use_gpu, settings.parse_batch_words, settings.max_sentence_words,
        default_extractor().dependency_sentences,
    )
    elapsed = time.perf_counter() - started
    words = sum(a.n_words for a in articles)
    log.info("parse: %s, %s in %.1f s (%.0f words/s, gpu=%s)", counted(len(articles), "article"),
             counted(words, "word"), elapsed, words / max(elapsed, 1e-9), use_gpu)
    processed = []
    for article, result in zip(articles, results, strict=True):
        if result.error:
            log.error("%s: %s", article.source, result.error)
        processed.append(ProcessedArticle(article, result.conllu, versions, error=result.error))
    return processed


def extract_articles(batch: list[ProcessedArticle]) -> list[ProcessedArticle]:
    """Event frames from each stored parse; an article the extractor fails on is marked failed."""
    from evex.extract import extract_events

    for item in batch:
        if item.error or item.conllu is None:
            continue
        try:
            item.frames = extract_events(read_conllu(item.conllu), item.article.text, item.article.doc_date)
        except Exception as exc:  # noqa: BLE001 - one article must not stop the batch
            item.error = f"extraction failed: {type(exc).__name__}: {exc}".splitlines()[0]
            log.error("%s: %s", item.article.source, item.error)
    log.info("extract: %s from %s", counted(sum(len(i.frames) for i in batch), "event report"),
             counted(len(batch), "article"))
    return batch


def reextract_stored(engine: Engine, settings: Settings) -> tuple[int, int]:
    """Run extraction again on every stored parse (after a rule change): no new articles, and no
    parsing but the dependencies of the sentences the rules now read that have none stored yet."""
    from evex.extract import extract_events

    with Session(engine) as session:
        article_ids = list(session.scalars(select(models.Parse.article_id).order_by(models.Parse.article_id)))
    events = 0
    for article_id in article_ids:  # one article in memory at a time
        with Session(engine) as session:
            article = session.get(models.Article, article_id)
            content, parsed = with_needed_dependencies(article.parse.content, article.text, settings)
            if content != article.parse.content:
                article.parse.content = content
                session.commit()
            text, doc_date = article.text, article.doc_date
        events += replace_frames(engine, article_id, extract_events(parsed, text, doc_date))
    return len(article_ids), events


def with_needed_dependencies(conllu: str, text: str, settings: Settings) -> tuple[str, ParsedDoc]:
    """A stored parse with dependencies in every sentence the extractor reads them in, and the parse
    read: the parser runs (models loaded on the first need) on the ones stored without; unchanged when
    none lack them."""
    from evex.extract import default_extractor

    parsed = read_conllu(conllu)
    needed = default_extractor().dependency_sentences(parsed, text)
    if all(parsed.sentences[i].has_dependencies for i in needed):
        return conllu, parsed
    folder = check_models(settings.stanza_resources_dir)
    use_gpu = parsing_on_gpu(settings)
    completed = parse.add_dependencies(parse.load_pipeline(folder, use_gpu), [conllu], [needed])[0]
    return completed, read_conllu(completed)


def load_articles(engine: Engine, run_id: int | None, batch: list[ProcessedArticle]) -> LoadResult:
    started = time.perf_counter()
    result = load_batch(engine, run_id, batch)
    log.info("load: %s, %d failed, %s in %.2f s", counted(result.n_articles, "article"), result.n_failed,
             counted(result.n_events, "event report"), time.perf_counter() - started)
    return result

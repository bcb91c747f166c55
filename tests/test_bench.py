"""The benchmark's corpus builder: deterministic, the size asked for, real French sentences from UD."""

from __future__ import annotations

import json
from pathlib import Path

from bench.corpus import SEEDS_DIR, build_corpus, ud_sentences
from evex.ingest import discover, read_article


def texts(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir())}


def test_corpus_has_the_size_asked_for_with_the_seeds_first(tmp_path):
    corpus = build_corpus(tmp_path / "c", 12)
    articles = discover([corpus.folder])
    assert (corpus.articles, corpus.seeds, len(articles)) == (12, 5, 12)
    assert [p.name for p in articles[:5]] == sorted(p.name for p in SEEDS_DIR.glob("*.txt"))
    assert len({read_article(p).sha256 for p in articles}) == 12  # no duplicate for the ingest to skip


def test_corpus_is_deterministic_and_a_smaller_one_is_its_prefix(tmp_path):
    first = texts(build_corpus(tmp_path / "a", 12).folder)
    assert texts(build_corpus(tmp_path / "b", 12).folder) == first
    smaller = texts(build_corpus(tmp_path / "c", 8).folder)
    assert smaller == {name: first[name] for name in smaller}
    assert texts(build_corpus(tmp_path / "d", 12, seed=2).folder) != first


def test_generated_articles_are_ud_sentences_with_a_date(tmp_path):
    sentences = set(ud_sentences())
    corpus = build_corpus(tmp_path / "c", 10)
    generated = [p for p in discover([corpus.folder]) if p.name.startswith("ud_")]
    assert len(generated) == 5
    for path in generated:
        paragraphs = path.read_text(encoding="utf-8").strip().split("\n\n")
        assert all(any(paragraph.startswith(s) for s in sentences) for paragraph in paragraphs)
        article = read_article(path)
        assert 30 <= article.n_words <= 600
        assert article.doc_date == json.loads(path.with_name(path.stem + ".meta.json").read_text())["date"]

"""The benchmark's drops (real archive news; the tests' UD-sentence corpus): deterministic, the size asked for;
its report's headline figures."""

from __future__ import annotations

import json
from pathlib import Path

from bench.corpus import NEWS_ARCHIVE, SEEDS_DIR, build_corpus, build_news_drop, ud_sentences
from bench.report import render
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


def test_news_drop_is_real_archive_articles_deterministic_and_a_smaller_one_is_its_prefix(tmp_path):
    drop = build_news_drop(tmp_path / "a", 6)
    articles = [read_article(p) for p in discover([drop.folder])]
    assert (drop.articles, len(articles), len({a.sha256 for a in articles})) == (6, 6, 6)
    with NEWS_ARCHIVE.open(encoding="utf-8") as lines:  # a line ends at \n only: texts hold U+2028
        archive = [json.loads(line) for line in lines]
    bodies = {record["text"].strip() for record in archive}
    files = [p.read_text(encoding="utf-8") for p in discover([drop.folder])]
    assert all(text.split("\n\n", 1)[1].strip() in bodies for text in files)  # headline, date line, then a body
    assert all(a.doc_date and a.doc_date[:2] == "20" for a in articles)  # read from the archive's date line
    assert texts(build_news_drop(tmp_path / "b", 6).folder) == texts(drop.folder)
    smaller = texts(build_news_drop(tmp_path / "c", 3).folder)
    assert smaller == {name: text for name, text in texts(drop.folder).items() if name in smaller}
    assert texts(build_news_drop(tmp_path / "d", 6, seed=2).folder) != texts(drop.folder)


def side(wall: float, cpu: float, peak: float) -> dict:
    return {"wall_s": wall, "cpu_s": cpu, "peak_rss_mib": peak, "processes": 4, "new": 10, "skipped": 0, "events": 3,
            "stages": {"ingest": 0.1, "parse+extract": wall - 2, "load": 0.5}, "rows": {"articles": 10},
            "dependencies": {"sentences": 400, "sentences_parsed": 100, "words": 8000, "words_parsed": 2600}}


def test_report_gives_the_median_ratio_of_the_pairs_and_its_spread():
    bare = {**side(10.0, 20.0, 2000.0), "processors": ["tokenize"], "torch_threads": 2, "model_load_s": 1.0}
    pairs = [{"number": n, "first": first, "bare": bare, "evex": side(wall, 12.0, 1500.0)}
             for n, first, wall in ((1, "bare", 6.0), (2, "evex", 4.0), (3, "bare", 4.5))]
    results = {"commands": ["python -m bench run"], "started": "s", "finished": "f", "articles": 1000,
               "machine": {"cores": 2, "cpu": "x", "torch_threads": 2, "memory_gib": 24, "gpu": None, "os": "Linux",
                           "python": "3.11", "versions": {}, "load_average": [0, 0, 0]},
               "corpus": {"articles": 1000, "words": 800000, "seed": 1, "build_s": 1.0}, "pairs": pairs,
               "prefect_server_startup_s": 3.0, "rerun": side(2.5, 2.0, 300.0)}
    text = render(results)
    assert results["figures"]["ratio_wall"] == 0.45 and results["figures"]["ratio_wall_spread"] == "0.400–0.600"
    assert "median 0.45 × over 3 pairs (spread 0.400–0.600); CPU time 0.6 × | **met** |" in text
    assert results["figures"]["evex_articles_per_s_per_core"] == 111.111  # 1,000 articles / 4.5 s / 2 cores
    assert "| peak RSS of the whole run, every process, ≤ 2,384 MiB (N = 1,000) | N = 1,000: 1,500 MiB | **met** |" in text
    assert "ran on 100 of the drop's 400 sentences (25.0%), 2,600 of its 8,000 words (32.5%)" in text


def test_each_processor_of_evex_parse_is_timed_and_the_pipeline_given_back(stanza_dir):
    """`python -m bench processors`: CPU seconds per processor, and the pipeline (cached for the whole
    process) left as it was."""
    from bench.processors import timed_processors
    from evex import parse

    nlp = parse.load_pipeline(stanza_dir, False)
    before = [dict(vars(processor)) for processor in nlp.processors.values()]
    with timed_processors(nlp) as seconds:
        parse.parse_texts(["Le ministre a reçu son homologue tunisien à Alger mardi."], stanza_dir, False, 20000)
    assert {"tokenize", "pos", "lemma", "depparse"} <= set(seconds) <= set(nlp.processors)
    assert all(value > 0 for value in seconds.values())
    assert [vars(processor) for processor in nlp.processors.values()] == before

"""Pathological text through the real flow and the real models, in a child process whose peak RSS is
measured: each file is parsed within the memory of an ordinary run (the seeds') or refused with one
line naming it and the reason, and every good article of the same drop is stored.

The files are made here (megabytes each, not committed). Those of hundreds of thousands of words are
refused by the article limit (EVEX_MAX_ARTICLE_WORDS) before any parse; the one that is parsed holds
a 1,000-word sentence without punctuation, which depparse alone took to 2.5 GB before sentences were
cut (EVEX_MAX_SENTENCE_WORDS).
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from bench.ceiling import WORDS
import models
from tests.conftest import ROOT, SEEDS
from tests.test_faults import ARTICLES, DOC_DATE, write_drop

MEGA = 2_000_000  # the size limit of a file (ingest.MAX_ARTICLE_BYTES): these files are just that big
TOO_LONG = re.compile(r"too long for an article \(\d+ words > 20000, EVEX_MAX_ARTICLE_WORDS\)")
REFUSED = ("sans-ponctuation.txt", "une-ligne.txt", "tableau.txt", "repetitions.txt", "caractere.json")
PARSED = ("chiffres", "imbrique")  # doc ids
RSS_RATIO = 1.3  # the issue's bound: the peak of the seeds' run, plus 30 %

# Runs the command given in its arguments and prints the peak RSS (KiB) of it and its children.
PEAK_RSS = ("import resource, subprocess, sys; done = subprocess.run(sys.argv[1:]); "
            "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def fill(unit: str, size: int = MEGA) -> str:
    """`unit` repeated to `size` bytes of UTF-8 (padded with spaces)."""
    text = unit * (size // len(unit.encode()))
    return text + " " * (size - len(text.encode()))


def make_pathological_drop(folder: Path) -> Path:
    rng = random.Random(15)
    drop = write_drop(folder / "drop")  # the good articles
    (drop / "sans-ponctuation.txt").write_text(fill(" ".join(rng.choice(WORDS) for _ in range(1000)) + " "),
                                               encoding="utf-8")
    (drop / "une-ligne.txt").write_text(fill("Le ministre a reçu son homologue tunisien à Alger. "), encoding="utf-8")
    (drop / "tableau.txt").write_text("".join(f"{i};Alger;2023-12-{i % 28 + 1:02d};{rng.random():.4f}\n"
                                              for i in range(50_000)), encoding="utf-8")
    (drop / "repetitions.txt").write_text("Le ministre arrive.\n" * 100_000, encoding="utf-8")
    symbols = "+ - = % / * ( ) # @ & § € $ < > | ~ ^ [ ] { } ° ± × ÷".split()
    (drop / "chiffres.txt").write_text(
        " ".join(str(rng.randint(0, 99_999)) if i % 2 else rng.choice(symbols) for i in range(600)), encoding="utf-8")
    sentence = " ".join(rng.choice(WORDS) for _ in range(1000))  # no punctuation: one sentence to Stanza
    depth = 20_000
    (drop / "imbrique.html").write_text(
        "<html><body>" + "<div><span>" * depth + f"<p>Le ministre est arrivé à Alger.</p><p>{sentence}</p>"
        + "</span></div>" * depth + "</body></html>", encoding="utf-8")
    overhead = len(json.dumps({"text": ""}))
    (drop / "caractere.json").write_text(json.dumps({"text": "a" * (MEGA - overhead)}), encoding="utf-8")
    return drop


def peak_rss_of_run(drop: Path, db: Path, tmp_path: Path) -> tuple[subprocess.CompletedProcess, float]:
    """`evex run` in a child process against the session's Prefect server; (its result, peak RSS in MiB)."""
    from prefect.settings import PREFECT_API_URL

    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(), "EVEX_DEFAULT_DOC_DATE": DOC_DATE}
    stderr = tmp_path / f"{db.stem}.stderr"
    with stderr.open("w") as err:
        done = subprocess.run([sys.executable, "-c", PEAK_RSS, sys.executable, "-m", "evex.cli", "run", str(drop),
                               "--db", f"sqlite:///{db}"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=err,
                              text=True, timeout=600)
    returncode, peak_kib = done.stdout.split()[-2:]
    return subprocess.CompletedProcess(done.args, int(returncode), done.stdout, stderr.read_text()), int(peak_kib) / 1024


@pytest.fixture(scope="module")
def runs(prefect_server, stanza_dir, tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("pathological")
    drop = make_pathological_drop(folder)
    seeds, seeds_peak = peak_rss_of_run(SEEDS, folder / "seeds.db", folder)
    assert seeds.returncode == 0, seeds.stderr[-2000:]
    pathological, peak = peak_rss_of_run(drop, folder / "pathological.db", folder)
    return {"drop": drop, "db": folder / "pathological.db", "result": pathological, "peak": peak,
            "seeds_peak": seeds_peak}


def test_the_run_stays_within_the_memory_of_an_ordinary_run(runs):
    assert runs["result"].returncode == 0, runs["result"].stderr[-2000:]
    assert runs["peak"] <= RSS_RATIO * runs["seeds_peak"], (runs["peak"], runs["seeds_peak"])


def test_each_refused_file_gets_one_line_naming_it_and_the_reason(runs):
    """One line in the run's log and one in its closing list of failures, as for any bad file."""
    drop, lines = runs["drop"], runs["result"].stderr.splitlines()
    for name in REFUSED:
        logged = [line for line in lines if f" | ERROR   | evex.pipeline - {drop / name}: " in line]
        listed = [line for line in lines if line.startswith(f"failed: {drop / name}: ")]
        assert len(logged) == len(listed) == 1, name
        assert TOO_LONG.fullmatch(listed[0].split(": ", 2)[2]) and logged[0].endswith(listed[0][len("failed: "):])
    assert sum(line.startswith("failed: ") for line in lines) == len(REFUSED)
    with create_engine(f"sqlite:///{runs['db']}").connect() as connection:
        rows = connection.execute(select(models.IngestError.source, models.IngestError.reason)).all()
    assert sorted(source for source, _ in rows) == sorted(str(drop / name) for name in REFUSED)
    assert all(TOO_LONG.fullmatch(reason) for _, reason in rows)


def test_the_rest_of_the_drop_is_parsed_and_stored(runs):
    with create_engine(f"sqlite:///{runs['db']}").connect() as connection:
        stored = dict(connection.execute(select(models.Article.doc_id, models.Article.status)).all())
    assert stored == {name.removesuffix(".txt"): "extracted" for name in ARTICLES} | dict.fromkeys(PARSED, "extracted")

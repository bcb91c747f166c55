"""Drops of French news articles built offline, so the benchmark needs no network.

`build_news_drop` (what `python -m bench run` times): real archive articles of `../shared/data/news-fr/`,
each written as a scraper leaves it (headline, date line, body), into a work folder outside the
repository (the texts belong to their publishers). `build_corpus` (the tests' drops): each article is a run of consecutive `# text` sentences from the UD French treebanks (real news
and encyclopaedic prose, so Stanza sees the lengths and vocabulary of real input), cut into
paragraphs, with a `.meta.json` sidecar (date, title, URL) as a scraper leaves it. The project's
seed articles come first. Article *i* depends only on (seed, i): the corpus of 100 articles is
the first 100 of the corpus of 5,000, and the files are written one at a time (nothing holds the
whole corpus).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
UD_DIR = REPO.parent / "shared" / "data" / "ud"
NEWS_ARCHIVE = REPO.parent / "shared" / "data" / "news-fr" / "archive.jsonl"
SEEDS_DIR = REPO / "seeds"
SENTENCES_PER_ARTICLE = (5, 8)
SITES = ("actu-monde.fr", "le-quotidien.fr", "infos-regions.fr", "depeches.fr", "journal-eco.fr")
_TEXT = "# text = "


@dataclass
class Corpus:
    folder: Path
    articles: int
    words: int
    seeds: int


def ud_sentences(ud_dir: Path = UD_DIR) -> list[str]:
    """Every `# text` sentence of the treebanks, in file order (neighbours come from one document)."""
    files = sorted(ud_dir.glob("*/*.conllu"))
    if not files:
        raise FileNotFoundError(f"no UD treebank (*.conllu) under {ud_dir}")
    return [sentence for path in files for sentence in conllu_sentences(path)]


def conllu_sentences(path: Path) -> list[str]:
    """The `# text` of each sentence of one CoNLL-U file, in order."""
    with path.open(encoding="utf-8") as lines:
        sentences = [line[len(_TEXT) :].strip() for line in lines if line.startswith(_TEXT)]
    return [s for s in sentences if s]


def article_text(sentences: list[str], rng: random.Random) -> str:
    """5–8 consecutive sentences, in paragraphs of 1–3 sentences, like a short news story."""
    count = rng.randint(*SENTENCES_PER_ARTICLE)
    start = rng.randrange(len(sentences) - count)
    chosen = sentences[start : start + count]
    paragraphs: list[str] = []
    while chosen:
        size = rng.randint(1, 3)
        paragraphs.append(" ".join(chosen[:size]))
        chosen = chosen[size:]
    return "\n\n".join(paragraphs)


def article_meta(index: int, text: str, rng: random.Random) -> dict[str, str]:
    day = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(730))
    site = SITES[index % len(SITES)]
    return {"date": day.isoformat(), "title": text.split("\n", 1)[0][:90], "url": f"https://{site}/article/{index:06d}"}


def build_corpus(folder: Path, n: int, seed: int = 1, ud_dir: Path = UD_DIR, seeds_dir: Path = SEEDS_DIR) -> Corpus:
    """Write `n` distinct articles (the seeds first) into `folder`, which is emptied first."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    seed_files = sorted(seeds_dir.glob("*.txt"))[:n]
    words = 0
    for path in seed_files:
        shutil.copy(path, folder / path.name)
        sidecar = path.with_name(path.stem + ".meta.json")
        if sidecar.is_file():
            shutil.copy(sidecar, folder / sidecar.name)
        words += len(path.read_text(encoding="utf-8").split())
    sentences = ud_sentences(ud_dir)
    seen: set[str] = set()
    index = 0
    while len(seen) < n - len(seed_files):
        rng = random.Random(f"{seed}:{index}")
        text = article_text(sentences, rng)
        index += 1
        digest = hashlib.sha256(text.encode()).hexdigest()
        if digest in seen:  # same sentences drawn twice: the ingest would skip it as a duplicate
            continue
        seen.add(digest)
        name = f"ud_{index:06d}"
        (folder / f"{name}.txt").write_text(text + "\n", encoding="utf-8")
        (folder / f"{name}.meta.json").write_text(json.dumps(article_meta(index, text, rng), ensure_ascii=False))
        words += len(text.split())
    return Corpus(folder, n, words, len(seed_files))


def build_news_drop(folder: Path, n: int, seed: int = 1, archive: Path = NEWS_ARCHIVE) -> Corpus:
    """`n` archive articles in an order drawn with `seed` (so the drop of 100 is the first 100 of the drop
    of 1,000), one file each, into `folder`, which is emptied first: headline, date line as the archive
    writes it (evex reads the date from it), then the body."""
    with archive.open(encoding="utf-8") as lines:
        offsets = []  # where each article starts: the archive is read, not held
        while line := lines.readline():
            offsets.append(lines.tell() - len(line.encode("utf-8")))
    if n > len(offsets):
        raise ValueError(f"{archive} holds {len(offsets)} articles, fewer than the {n} asked for")
    order = list(range(len(offsets)))
    random.Random(seed).shuffle(order)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    words = 0
    with archive.open("rb") as stream:
        for rank, index in enumerate(order[:n]):
            stream.seek(offsets[index])
            record = json.loads(stream.readline())
            text = f"{record['title']}\n{record['date_line']}\n\n{record['text']}\n"
            (folder / f"news_{rank:05d}.txt").write_text(text, encoding="utf-8")
            words += len(text.split())
    return Corpus(folder, n, words, 0)

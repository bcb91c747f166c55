"""A drop full of broken files, run through the real flow on SQLite and Postgres.

Each bad file must get one log line naming it and the reason, and a row in `ingest_errors`; the
good articles of the same drop are stored; the summary counts the failures; `evex run` exits
non-zero only when nothing at all could be processed. Small files live in tests/fixtures/bad_inputs;
binary, huge, linked and vanishing ones are made here.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

import models
from evex.cli import app
from evex.db import get_engine
from tests.test_faults import DOC_DATE, RecordedLogs, canonical, database_of_kind, run_flow

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "bad_inputs"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

BAD = {  # file → the reason its log line and its ingest_errors row must give
    "vide.txt": "empty file",
    "anglais.txt": "not French (looks like en)",
    "espagnol.txt": "not French (looks like es)",
    "allemand.txt": "not French (looks like de)",
    "italien.txt": "not French (looks like it)",
    "russe.txt": "not French (non-Latin script)",
    "date-invalide.json": "invalid date '12/03/2024' (expected YYYY, YYYY-MM or YYYY-MM-DD)",
    "sans-texte.json": "JSON article has no 'text' string",
    "date-nombre.json": "JSON field 'date' must be a string",
    "casse.json": "invalid JSON (Unterminated string starting at: line 1 column 10)",
    "menu.html": "no text after cleaning",
    "photo.txt": "binary content, not text",
    "rapport.html": "binary content, not text",
    "enorme.txt": "file too large (20000000 bytes > 2000000)",
    "lien-externe.txt": "symbolic link points outside the inbox",
    "lien-casse.txt": "broken symbolic link",
    "zz-disparu.txt": "file disappeared before it could be read",
}
GOOD = {  # doc_id → encoding: kept, whatever their quirks (cp1252, HTML, a name with spaces and accents, …)
    "article": "utf-8",
    "page": "utf-8",
    "depeche": "utf-8",  # an .htm page
    "ancien-cp1252": "cp1252",
    "Visite d'État à Oran (copie)": "utf-8",
    "emoji-coupe": "utf-8",  # a JSON escape left half an emoji (a lone surrogate)
}
HIDDEN = (".brouillon.txt", ".archives/ancien.txt")  # French articles, but hidden: never listed, never read


def make_drop(folder: Path) -> Path:
    """The fixture files plus the ones too big, binary or special to commit."""
    drop = folder / "inbox"
    shutil.copytree(FIXTURES, drop)
    (drop / "photo.txt").write_bytes(PNG)  # a scraper saved an image under a text name
    (drop / "rapport.html").write_bytes(PDF)
    (drop / "photo.png").write_bytes(PNG)  # not an article file at all: never listed, never read
    sentence = "Le ministre est arrivé à Alger pour une visite officielle de deux jours. ".encode()
    body = sentence * (20_000_000 // len(sentence))
    (drop / "enorme.txt").write_bytes(body + b" " * (20_000_000 - len(body)))
    outside = folder / "ailleurs"
    outside.mkdir()
    (outside / "secret.txt").write_text("Le mot de passe du serveur est dans ce fichier.", encoding="utf-8")
    (drop / "lien-externe.txt").symlink_to(outside / "secret.txt")
    (drop / "lien-casse.txt").symlink_to(drop / "n-existe-pas.txt")
    (drop / "zz-disparu.txt").write_text("Ce fichier sera supprimé avant d'être lu.", encoding="utf-8")
    return drop


class DeleteWhenListed(logging.Handler):
    """Deletes a file once the flow has listed the drop (its `N files in M batches` line), before any read."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def emit(self, record: logging.LogRecord) -> None:
        if " files in " in record.getMessage():
            self.path.unlink(missing_ok=True)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def bad_drop_run(request, prefect_server, tmp_path_factory, stanza_dir) -> Iterator[tuple]:
    folder = tmp_path_factory.mktemp(f"bad-{request.param}")
    drop = make_drop(folder)
    url, cleanup = database_of_kind(request.param, folder)
    vanish = DeleteWhenListed(drop / "zz-disparu.txt")
    logging.getLogger("prefect.flow_runs").addHandler(vanish)
    try:
        with RecordedLogs().attached() as logs:
            state = run_flow(url, drop)
    finally:
        logging.getLogger("prefect.flow_runs").removeHandler(vanish)
    assert state.is_completed(), state.message
    yield url, drop, state.result(), logs
    cleanup()


def test_each_bad_file_gets_one_clear_log_line(bad_drop_run):
    _, drop, _, logs = bad_drop_run
    errors = [r.getMessage() for r in logs.records if r.name == "evex.pipeline" and r.levelno == logging.ERROR]
    for name, reason in BAD.items():
        lines = [line for line in errors if line.startswith(f"{drop / name}: ")]
        assert lines == [f"{drop / name}: {reason}"], name
    assert len(errors) == len(BAD)


def test_each_bad_file_gets_a_row_in_ingest_errors(bad_drop_run):
    url, drop, _, _ = bad_drop_run
    with get_engine(url).connect() as connection:
        rows = connection.execute(select(models.IngestError.source, models.IngestError.reason)).all()
    assert sorted(rows) == sorted((str(drop / name), reason) for name, reason in BAD.items())


def test_the_rest_of_the_drop_is_stored(bad_drop_run):
    """Every good file and nothing else: hidden files (`.brouillon.txt`, `.archives/`) are French but not read."""
    url, drop, _, logs = bad_drop_run
    with get_engine(url).connect() as connection:
        articles = connection.execute(
            select(models.Article.doc_id, models.Article.encoding, models.Article.status, models.Article.text)
        ).all()
    assert {doc_id: encoding for doc_id, encoding, _, _ in articles} == GOOD
    assert {status for _, _, status, _ in articles} == {"extracted"}
    assert "\ufffd" in next(text for doc_id, _, _, text in articles if doc_id == "emoji-coupe")
    assert f"{drop / 'ancien-cp1252.txt'}: not valid UTF-8, decoded as cp1252" in logs.lines()


def test_the_summary_counts_the_failures(bad_drop_run):
    _, drop, summary, _ = bad_drop_run
    assert (summary.new, summary.skipped, summary.failed) == (len(GOOD), 0, len(BAD))
    assert sorted(summary.errors) == sorted((str(drop / name), reason) for name, reason in BAD.items())
    never_read = {str(drop / name) for name in ("photo.png", *HIDDEN)}
    assert never_read.isdisjoint(source for source, _ in summary.errors)


def test_cli_exits_non_zero_only_when_nothing_could_be_processed(bad_drop_run, tmp_path, monkeypatch):
    """The same drop again: good articles skipped, bad ones failed again, exit 0, no table changes; a drop of
    bad files only: exit 1 with a `failed:` line per file."""
    url, drop, _, _ = bad_drop_run
    monkeypatch.setenv("EVEX_DATABASE_URL", url)  # `--db` sets it; restored after the test
    before = canonical(url)
    runner = CliRunner()
    again = runner.invoke(app, ["run", str(drop), "--db", url, "--date", DOC_DATE])
    assert again.exit_code == 0, again.output
    assert f"articles: 0 new, {len(GOOD)} skipped, {len(BAD) - 1} failed" in again.output  # zz-disparu is gone
    assert canonical(url) == before

    only_bad = tmp_path / "only-bad"
    only_bad.mkdir()
    for name in ("vide.txt", "anglais.txt", "casse.json"):
        shutil.copy(FIXTURES / name, only_bad / name)
    refused = runner.invoke(app, ["run", str(only_bad), "--db", url])
    assert refused.exit_code == 1
    for name in ("vide.txt", "anglais.txt", "casse.json"):
        assert f"failed: {only_bad / name}: {BAD[name]}" in refused.output

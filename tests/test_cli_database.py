"""The database as the commands find it, through `evex` as a process: the commands that read never make
a database (one line naming the one looked for, exit 2); the URL forms users paste; `evex db` current,
history, downgrade by steps and, only when asked to, down to nothing; `evex --version`."""

from __future__ import annotations

import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from evex import db
from tests.conftest import ROOT

MAKE_ONE = "make one with `evex run FOLDER` (or `evex db upgrade`), or give --db or EVEX_DATABASE_URL"


def evex(*args: str, cwd: Path = ROOT, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("EVEX_", "PREFECT_API_URL"))} | env
    environment["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, "-m", "evex.cli", *args], cwd=cwd, env=environment,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300)


READERS = [("export",), ("export", "--format", "csv"), ("map",), ("reextract",), ("query", "SELECT 1"), ("browse",),
           ("db", "current"), ("db", "downgrade")]


@pytest.mark.parametrize("command", READERS, ids=" ".join)
def test_a_command_that_reads_in_a_folder_without_a_database_makes_none(tmp_path, command):
    result = evex(*command, cwd=tmp_path)
    assert (result.returncode, result.stderr, result.stdout) == (
        2, f"error: no event database at {tmp_path / 'evex.db'}: {MAKE_ONE}\n", "")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", READERS[:5], ids=" ".join)
def test_a_command_that_reads_a_database_without_tables_says_so(database_url, command):
    if database_url.startswith("sqlite"):  # a SQLite file of something else
        with closing(sqlite3.connect(database_url.removeprefix("sqlite:///"))) as other, other:
            other.execute("CREATE TABLE notes (text TEXT)")
    result = evex(*command, "--db", database_url, cwd=ROOT)
    assert (result.returncode, result.stderr) == (
        2, f"error: {db.masked(database_url)} holds no evex tables: make them with `evex db upgrade` "
           "(or `evex run FOLDER`), or give --db or EVEX_DATABASE_URL\n")
    assert db.current_revision(database_url) is None  # nothing was migrated behind the user's back


@pytest.mark.parametrize("scheme", ["postgres", "postgresql", "postgresql+psycopg"])
def test_the_postgres_url_forms_users_paste_are_accepted(database_url, scheme):
    if not database_url.startswith("postgresql"):
        pytest.skip("a Postgres URL")
    pasted = scheme + database_url.removeprefix("postgresql+psycopg")
    upgraded = evex("db", "upgrade", "--db", pasted)
    assert upgraded.returncode == 0, upgraded.stderr
    queried = evex("query", "SELECT count(*) AS n FROM events", "--format", "csv", "--db", pasted)
    assert (queried.returncode, queried.stdout, queried.stderr) == (0, "n\n0\n", "1 row\n")
    assert db.current_revision(database_url) == db.head_revision()


def test_db_current_history_and_version(migrated_url):
    current = evex("db", "current", "--db", migrated_url)
    assert (current.returncode, current.stdout) == (
        0, f"{db.masked(migrated_url)} at revision {db.head_revision()} (the latest)\n")
    history = evex("db", "history")
    lines = history.stdout.splitlines()
    assert lines[0].startswith("0001  initial schema") and lines[-1].startswith(f"{db.head_revision()} (head)  ")
    assert len(lines) == len(db.history()) >= 5
    version = evex("--version")
    assert (version.returncode, version.stdout) == (0, "evex 0.1.0\n")


def test_db_downgrade_steps_back_and_asks_before_dropping_everything(migrated_url):
    head, previous = db.history()[-1][0], db.history()[-2][0]
    assert db.head_revision() == head
    one_back = evex("db", "downgrade", "-1", "--db", migrated_url)  # the README's form
    assert (one_back.returncode, one_back.stdout) == (0, f"{db.masked(migrated_url)} at revision {previous}\n"), \
        one_back.stderr
    for revision in ("base", f"-{len(db.history())}"):
        refused = evex("db", "downgrade", revision, "--db", migrated_url)  # stdin is not a terminal: no one to ask
        assert (refused.returncode, refused.stderr) == (
            2, f"error: downgrading {db.masked(migrated_url)} to {revision} drops every table and row: "
               "add --yes to do it\n")
        assert db.current_revision(migrated_url) == previous
    emptied = evex("db", "downgrade", "base", "--yes", "--db", migrated_url)
    assert emptied.returncode == 0 and db.current_revision(migrated_url) is None


@pytest.mark.skipif(shutil.which("script") is None, reason="util-linux's `script` gives the command a terminal")
@pytest.mark.parametrize("answer, code, revision", [("n", 1, "head"), ("y", 0, None)])
def test_db_downgrade_to_base_asks_on_a_terminal(migrated_url, answer, code, revision):
    command = shlex.join([sys.executable, "-m", "evex.cli", "db", "downgrade", "base", "--db", migrated_url])
    asked = subprocess.run(["script", "-qec", command, "/dev/null"], input=f"{answer}\n", cwd=ROOT, text=True,
                           capture_output=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert asked.returncode == code and "drops every table" in asked.stdout and "Go on? [y/N]" in asked.stdout
    assert db.current_revision(migrated_url) == (db.head_revision() if revision == "head" else None)

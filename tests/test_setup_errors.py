"""Setup errors made to happen for real, through `evex run` as a process: a closed port for the Prefect
API and for Postgres, a Postgres server that wants a password, a read-only folder, a models folder
with one processor taken out. Each must end with one line on stderr that says what is wrong and what
to do, and exit status 2; `--debug` (or EVEX_DEBUG=1) adds the traceback.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS

SUPPORTED = "use sqlite:///PATH or postgresql://USER:PASSWORD@HOST:PORT/DB"


def closed_port() -> int:
    """A local port nothing listens on (bound once, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def evex_run(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "EVEX_DEBUG")} | env
    return subprocess.run([sys.executable, "-m", "evex.cli", *args], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=300)


def assert_one_line(result: subprocess.CompletedProcess, line: str) -> None:
    assert (result.returncode, result.stderr) == (2, f"error: {line}\n"), result.stderr
    assert result.stdout == ""


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'evex.db'}"


def test_prefect_api_unreachable(sqlite_url):
    api = f"http://127.0.0.1:{closed_port()}/api"
    result = evex_run("run", str(SEEDS), "--db", sqlite_url, PREFECT_API_URL=api)
    assert_one_line(result, f"Prefect API at {api} is unreachable (ConnectError): start it (`prefect server start`), "
                            "or unset PREFECT_API_URL to have evex start a temporary server for the run")


@pytest.mark.parametrize("url, line", [
    ("mysql://evex:secret@localhost/evex",
     f"unsupported database mysql://evex:***@localhost/evex: evex stores into SQLite or Postgres ({SUPPORTED})"),
    ("postgresql+psycopg2://evex:secret@localhost/evex",  # psycopg2: not installed
     f"unsupported database postgresql+psycopg2://evex:***@localhost/evex: evex stores into SQLite or Postgres "
     f"({SUPPORTED})"),
    ("foo://x/y", f"unsupported database foo://x/y: evex stores into SQLite or Postgres ({SUPPORTED})"),
    ("evex.db", f"not a database URL: 'evex.db' ({SUPPORTED})"),
])
def test_unsupported_database_url(url, line):
    assert_one_line(evex_run("run", str(SEEDS), "--db", url), line)


def test_database_url_naming_a_folder():
    result = evex_run("run", str(SEEDS), "--db", f"sqlite:///{SEEDS}")
    assert_one_line(result, f"{SEEDS} is a folder, not a database file: give --db a file, e.g. "
                            f"sqlite:///{SEEDS / 'evex.db'}")


def test_database_folder_missing(tmp_path):
    folder = tmp_path / "absent"
    result = evex_run("run", str(SEEDS), "--db", f"sqlite:///{folder / 'evex.db'}")
    assert_one_line(result, f"database folder {folder} does not exist (create it, or give --db a path in an existing one)")
    assert not folder.exists()


@pytest.fixture
def read_only_folder(tmp_path) -> Iterator[Path]:
    """A folder no file can be created in: mode 555, and immutable when the tests run as root (whom
    the mode does not stop)."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(folder)], check=True)
    yield folder
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(folder)], check=True)
    folder.chmod(0o755)


def test_database_folder_not_writable(read_only_folder):
    result = evex_run("run", str(SEEDS), "--db", f"sqlite:///{read_only_folder / 'evex.db'}")
    strerror = "Operation not permitted" if os.geteuid() == 0 else "Permission denied"
    assert_one_line(result, f"database folder {read_only_folder} is not writable ({strerror}): "
                            "give --db a path in a folder you can write")


def test_postgres_refusing_the_connection():
    port = closed_port()
    result = evex_run("run", str(SEEDS), "--db", f"postgresql+psycopg://postgres:secret@127.0.0.1:{port}/test")
    assert_one_line(result, f"Postgres at 127.0.0.1:{port} refused the connection: is the server running, on that "
                            "host and port? (check EVEX_DATABASE_URL or --db)")


@pytest.fixture(scope="module")
def postgres_with_password() -> Iterator[int]:
    """A private Postgres server (initdb, scram-sha-256 for every connection) on a free port: the
    shared test server trusts everyone, so it never refuses a password."""
    if not shutil.which("initdb"):
        pytest.skip("no initdb")
    folder = Path(tempfile.mkdtemp(prefix="evex-pg-"))  # not under pytest's folders, which only root may enter
    as_server = []
    (folder / "pw").write_text("right-password\n")
    if os.geteuid() == 0:  # initdb refuses to run as root
        as_server = ["setpriv", "--reuid=postgres", "--regid=postgres", "--clear-groups"]
        for path in (folder, folder / "pw"):
            shutil.chown(path, "postgres", "postgres")
    data, port = folder / "data", closed_port()
    subprocess.run([*as_server, "initdb", "-D", str(data), "-U", "evex", "--auth=scram-sha-256",
                    f"--pwfile={folder / 'pw'}"], check=True, capture_output=True, timeout=120)
    subprocess.run([*as_server, "pg_ctl", "-D", str(data), "-w", "-l", str(folder / "log"), "-o",
                    f"-p {port} -k {folder} -c listen_addresses=127.0.0.1", "start"], check=True,
                   capture_output=True, timeout=120)
    yield port
    subprocess.run([*as_server, "pg_ctl", "-D", str(data), "-m", "immediate", "stop"], capture_output=True, timeout=60)
    shutil.rmtree(folder, ignore_errors=True)


def test_postgres_refusing_the_password(postgres_with_password):
    port = postgres_with_password
    result = evex_run("run", str(SEEDS), "--db", f"postgresql+psycopg://evex:wrong-password@127.0.0.1:{port}/postgres")
    assert_one_line(result, f"Postgres at 127.0.0.1:{port} refused the password of user 'evex': "
                            "check the user and password in EVEX_DATABASE_URL or --db")


def test_stanza_models_folder_missing(sqlite_url, tmp_path):
    folder = tmp_path / "no-models"
    result = evex_run("run", str(SEEDS), "--db", sqlite_url, STANZA_RESOURCES_DIR=str(folder))
    assert_one_line(result, f"{folder}: not a Stanza models folder (no resources.json): point STANZA_RESOURCES_DIR "
                            "at the models folder")


@pytest.mark.parametrize("removed, keep_folder", [("depparse", True), ("depparse", False), ("ner", True)])
def test_stanza_models_folder_without_one_processor(sqlite_url, tmp_path, stanza_dir, removed, keep_folder):
    """A copy of the models folder made of links, all but one processor's: its folder empty or gone
    (`ner` is optional, but a `ner` folder without its model is a broken copy)."""
    copy = tmp_path / "models"
    (copy / "fr").mkdir(parents=True)
    (copy / "resources.json").symlink_to(stanza_dir / "resources.json")
    for processor in (stanza_dir / "fr").iterdir():
        if processor.name != removed:
            (copy / "fr" / processor.name).symlink_to(processor)
    if keep_folder:
        (copy / "fr" / removed).mkdir()
    result = evex_run("run", str(SEEDS), "--db", sqlite_url, STANZA_RESOURCES_DIR=str(copy))
    assert_one_line(result, f"Stanza models in {copy} are incomplete: no {removed} model in {copy / 'fr' / removed} "
                            "(copy the whole models folder again)")


def test_drop_path_missing(sqlite_url, tmp_path):
    result = evex_run("run", str(tmp_path / "inbox"), "--db", sqlite_url)
    assert_one_line(result, f"no such file or folder: {tmp_path / 'inbox'} (give article files or folders that exist)")


@pytest.mark.parametrize("how", ["--debug", "EVEX_DEBUG=1"])
def test_debug_shows_the_traceback(tmp_path, how):
    args, env = (["--debug"], {}) if how == "--debug" else ([], {"EVEX_DEBUG": "1"})
    result = evex_run(*args, "run", str(tmp_path / "inbox"), **env)
    assert result.returncode == 2
    assert result.stderr.startswith("Traceback (most recent call last):")
    assert "evex.preflight.SetupError" in result.stderr
    assert result.stderr.endswith(f"error: no such file or folder: {tmp_path / 'inbox'} (give article files or "
                                  "folders that exist)\n")


def test_serve_with_the_prefect_api_unreachable(sqlite_url, tmp_path):
    api = f"http://127.0.0.1:{closed_port()}/api"
    result = evex_run("serve", "--db", sqlite_url, PREFECT_API_URL=api, EVEX_INBOX_DIR=str(tmp_path / "inbox"))
    assert_one_line(result, f"Prefect API at {api} is unreachable (ConnectError): start it (`prefect server start`), "
                            "or unset PREFECT_API_URL to have evex start a temporary server for the run")


@pytest.mark.parametrize("contents", [[], ["rapport.pdf", "photo.jpg", "article.meta.json", ".cache.txt"]],
                         ids=["empty folder", "no article file"])
def test_a_drop_without_an_article_file(sqlite_url, tmp_path, contents):
    drop = tmp_path / "drop"
    drop.mkdir()
    for name in contents:
        (drop / name).write_bytes(b"%PDF-1.7\n")
    result = evex_run("run", str(drop), "--db", sqlite_url)
    assert_one_line(result, f"no article file in {drop}: evex reads .txt, .json, .html, .htm files (.meta.json files "
                            "are sidecars, hidden files are skipped)")
    assert not Path(sqlite_url.removeprefix("sqlite:///")).exists()  # stopped before the database and Prefect

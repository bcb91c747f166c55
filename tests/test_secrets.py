"""Security: database passwords never leave evex unmasked, and no SQL is built by string formatting.

A real Postgres role with a password owns the test database; runs that succeed and runs that fail
to connect must keep the password out of every log record, the CLI's output and everything the
Prefect server holds about the run (parameters, name, state, logs, task runs, artifacts).
(`evex query`'s refusal of writes — INSERT, DROP, a `;`-joined second statement, a writable CTE —
is tested on both databases in tests/test_query_readonly.py.)
"""

from __future__ import annotations

import ast
import socket
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from evex.cli import app
from evex.db import get_engine
from tests.conftest import POSTGRES_ADMIN_URL, ROOT, _create_postgres_database
from tests.test_faults import RecordedLogs, run_flow, write_drop

PASSWORD = f"pw-{uuid.uuid4().hex}"


def _admin() -> psycopg.Connection:
    admin = make_url(POSTGRES_ADMIN_URL)
    return psycopg.connect(host=admin.host, port=admin.port or 5432, user=admin.username, dbname=admin.database,
                           password=admin.password, autocommit=True)


@pytest.fixture(scope="module")
def secret_url() -> Iterator[str]:
    """A fresh database owned by a role that has a password, and the URL that carries it."""
    role = f"evex_secret_{uuid.uuid4().hex[:8]}"
    url, drop_database = _create_postgres_database()
    database = make_url(url).database
    with _admin() as connection:
        connection.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(role),
                                                                            sql.Literal(PASSWORD)))
        connection.execute(sql.SQL("ALTER DATABASE {} OWNER TO {}").format(sql.Identifier(database),
                                                                          sql.Identifier(role)))
    secret = make_url(url).set(username=role, password=PASSWORD).render_as_string(hide_password=False)
    yield secret
    get_engine(secret).dispose()
    drop_database()
    with _admin() as connection:
        connection.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def prefect_records(flow_run_id) -> str:
    """Everything the Prefect server keeps about a flow run, as one string."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, LogFilter, LogFilterFlowRunId
    from prefect.logging.handlers import APILogWorker

    from tests.test_faults import task_runs_of

    APILogWorker.drain_all(timeout=10)  # the logs still queued for the server
    with get_client(sync_client=True) as client:
        flow_run = client.read_flow_run(flow_run_id)
        logs = client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id])),
                                limit=200, offset=0)
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id])), limit=50)
    task_runs = task_runs_of(flow_run_id).values()
    assert logs, "no logs reached the Prefect server"
    records = [flow_run, *logs, *task_runs, *artifacts]
    return "\n".join(record.model_dump_json() for record in records)


def logged_text(logs: RecordedLogs) -> str:
    return "\n".join(f"{r.getMessage()} {r.exc_text or ''} {r.__dict__}" for r in logs.records)


def test_a_run_with_a_password_in_the_url_never_shows_it(prefect_server, secret_url, tmp_path, monkeypatch,
                                                         stanza_dir):
    """`evex run --db URL` on a drop with one bad file: the summary shows the masked URL, the password
    appears nowhere."""
    drop = write_drop(tmp_path / "drop", {"a.txt": "Le ministre est arrivé à Alger le 4 décembre 2023."})
    (drop / "vide.txt").write_bytes(b"")
    monkeypatch.setenv("EVEX_DATABASE_URL", secret_url)  # `--db` sets it; restored after the test
    with RecordedLogs().attached() as logs:
        result = CliRunner().invoke(app, ["run", str(drop), "--db", secret_url])
    assert result.exit_code == 0, result.output
    masked = make_url(secret_url).render_as_string(hide_password=True)
    assert f"database: {masked}" in result.output and "***" in masked
    with get_engine(secret_url).connect() as connection:
        flow_run_id = connection.exec_driver_sql("SELECT flow_run_id FROM pipeline_runs").scalar_one()
    stored = prefect_records(uuid.UUID(flow_run_id))
    assert masked in stored and "evex-events" in stored  # the server does hold the run's logs and artifact
    for text in (result.output, logged_text(logs), stored):
        assert PASSWORD not in text


def test_a_run_that_cannot_connect_never_shows_the_password(prefect_server, secret_url, tmp_path):
    """The database refuses the connection (nothing listens on the port): the failure message, the logs
    and the Prefect records name the error, not the password."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        closed_port = probe.getsockname()[1]
    unreachable = make_url(secret_url).set(port=closed_port).render_as_string(hide_password=False)
    drop = write_drop(tmp_path / "drop", {"a.txt": "Le ministre est arrivé à Alger."})
    with RecordedLogs().attached() as logs:
        state = run_flow(unreachable, drop)
    assert state.is_failed() and "Connection refused" in state.message
    for text in (state.message, logged_text(logs), prefect_records(state.state_details.flow_run_id)):
        assert PASSWORD not in text


# Calls that send SQL to the database: their SQL argument must be a constant or a SQLAlchemy
# construct, never an f-string, `%`-formatting, `.format()` or concatenation, nor a name bound to one.
_SQL_CALLS = {"execute", "exec_driver_sql", "text", "executescript"}


def _formatted(node: ast.expr) -> bool:
    return (isinstance(node, ast.JoinedStr)
            or isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add))
            or isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format")


def _names_bound_to_formatted_strings(tree: ast.AST) -> set[str]:
    """Names that some assignment in the module binds to a formatted string (`sql = f"..."`, `sql += x`).

    One set per module, whatever the scope: a scan may flag too much, never too little."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and _formatted(node.value):
            names.update(target.id for target in node.targets if isinstance(target, ast.Name))
        elif isinstance(node, ast.AnnAssign | ast.AugAssign) and isinstance(node.target, ast.Name) and (
                isinstance(node, ast.AugAssign) or node.value is not None and _formatted(node.value)):
            names.add(node.target.id)
    return names


def formatted_sql_lines(source: str) -> list[int]:
    """Lines of SQL-sending calls whose SQL is a formatted string, written in place or held in a variable."""
    tree = ast.parse(source)
    formatted_names = _names_bound_to_formatted_strings(tree)
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        sql = node.args[0]
        if name in _SQL_CALLS and (_formatted(sql) or isinstance(sql, ast.Name) and sql.id in formatted_names):
            lines.append(node.lineno)
    return sorted(lines)


def test_the_scan_finds_formatted_sql_written_in_place_or_held_in_a_variable():
    source = """
def f(connection, table, name):
    connection.execute(text(f"SELECT * FROM {table}"))
    statement = "DELETE FROM " + table
    connection.exec_driver_sql(statement)
    query = "SELECT * FROM t WHERE name = '{}'".format(name)
    connection.execute(text(query))
    where = "SELECT 1"
    where += name
    connection.exec_driver_sql(where)
    connection.execute(text("SELECT :name"), {"name": name})
"""
    assert formatted_sql_lines(source) == [3, 5, 7, 10]


def test_no_sql_is_built_by_string_formatting():
    """evex, flows and models: no SQL-sending call takes a formatted string. (Migrations format two
    statements from module constants only: view names and a per-dialect expression.)"""
    offenders = [f"{path.relative_to(ROOT)}:{line}"
                 for package in ("evex", "flows", "models") for path in sorted((ROOT / package).rglob("*.py"))
                 for line in formatted_sql_lines(path.read_text(encoding="utf-8"))]
    assert offenders == []

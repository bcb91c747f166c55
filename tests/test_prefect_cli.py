"""Prefect's own CLI reads evex's runs back from the server (the versions pyproject.toml pins).

FastAPI 0.151 began validating a body field sent as `null` instead of giving it its default, and
Prefect 3.8.8's server then refuses its own client (`prefect flow-run ls`: 422, `body.limit: Input
should be a valid integer`): this test runs both commands, as a user would, against a real server.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from prefect import flow
from prefect.artifacts import create_table_artifact

RUN_NAME = "prefect-cli-check"
ARTIFACT_KEY = "prefect-cli-events"


@flow(name="evex-prefect-cli-check", flow_run_name=RUN_NAME)
def run_with_artifact() -> None:
    create_table_artifact(table=[{"what": "meeting"}], key=ARTIFACT_KEY)


@pytest.fixture(scope="module")
def prefect_cli(prefect_server):
    """`prefect ...` in a child process, against the session's server."""
    from prefect.settings import PREFECT_API_URL

    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value()}

    def prefect(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "prefect", *args], env={**env, "COLUMNS": "250"},
                              capture_output=True, text=True, timeout=120)

    run_with_artifact()
    return prefect


@pytest.mark.parametrize("command", [["flow-run", "ls"], ["flow-run", "ls", "--limit", "5"]])
def test_flow_run_ls_lists_the_run(prefect_cli, command):
    listed = prefect_cli(*command)
    assert listed.returncode == 0, listed.stderr[-3000:]
    assert RUN_NAME in listed.stdout


def test_artifact_ls_lists_the_artifact(prefect_cli):
    listed = prefect_cli("artifact", "ls")
    assert listed.returncode == 0, listed.stderr[-3000:]
    assert ARTIFACT_KEY in listed.stdout

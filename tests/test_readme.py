"""The README's promises run, as sqlite-utils' documentation tests do: its commands table lists every
command once with all its options, its configuration table every setting, and every command of its
quick start and of its commands table is run, in the README's order, as a process in a fresh folder
(the two `make` lines are `.ci/run`'s own: CI runs them)."""

from __future__ import annotations

import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import typer.main

from evex.cli import app
from evex.settings import Settings
from tests.conftest import ROOT, SEEDS, SHARED

README = (ROOT / "README.md").read_text(encoding="utf-8")
LONG_RUNNING = {"browse", "serve", "watch"}  # started, seen working, then stopped


def section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, re.M | re.S)
    assert match, f"README has no section {title!r}"
    return match[1]


def table_rows(text: str) -> list[list[str]]:
    """The cells of a Markdown table's body rows (`\\|` is a | inside a cell)."""
    rows = [line for line in text.splitlines() if line.startswith("|")][2:]
    return [[cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", row)[1:-1]] for row in rows]


def quick_start_lines() -> list[str]:
    blocks = re.findall(r"```bash\n(.*?)```", section("Quick start"), re.S)
    return [line.split("  #")[0].strip() for block in blocks for line in block.splitlines() if line.strip()]


def command_rows() -> list[tuple[str, str]]:
    """(the example command, the options cell) of each row of the commands table."""
    rows = table_rows(section("Commands"))
    assert rows and all(len(row) == 3 for row in rows)
    return [(row[0].strip("`"), row[1]) for row in rows]


def click_commands() -> dict[str, object]:
    """`evex` itself (its own options) and every command, `db X` for the database ones."""
    root = typer.main.get_command(app)
    found = {"": root}
    for name, command in root.commands.items():
        for sub, subcommand in getattr(command, "commands", {}).items():
            found[f"{name} {sub}"] = subcommand
        if not getattr(command, "commands", None):
            found[name] = command
    return found


def name_of(example: str) -> str:
    words = shlex.split(example)[1:]
    if words[0].startswith("-"):
        return ""
    return " ".join(words[:2]) if words[0] == "db" else words[0]


def test_the_commands_table_lists_every_command_once_with_all_its_options():
    rows = command_rows()
    names = [name_of(example) for example, _ in rows]
    assert sorted(names) == sorted(click_commands())  # all of them, each once
    for (example, options), name in zip(rows, names, strict=True):
        for param in click_commands()[name].params:
            if param.param_type_name != "option" or param.name in ("install_completion", "show_completion"):
                continue
            assert any(f"`{opt}" in options or opt in shlex.split(example) for opt in param.opts), \
                f"`evex {name}`: {param.opts} missing from the README's commands table"


def test_the_configuration_table_has_every_setting():
    documented = " ".join(row[0] for row in table_rows(section("Configuration")))
    for name, field in Settings.model_fields.items():
        names = [f"EVEX_{name.upper()}", *getattr(field.validation_alias, "choices", [])]
        assert any(f"`{variable}`" in documented for variable in names), f"{names[0]} missing from the README"


def test_the_quick_start_make_lines_are_what_ci_runs():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert [line for line in quick_start_lines() if line.startswith("make ")] == ["make install", "make test"]
    assert "make install" in ci and ci[-1] == "make test"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def newcomer(tmp_path_factory, prefect_server, stanza_dir):
    """A fresh folder laid out as the README assumes (`seeds/` in it, `../shared` beside it) and the
    environment a user has, with the session's Prefect server for speed."""
    from prefect.settings import PREFECT_API_URL

    root = tmp_path_factory.mktemp("readme")
    (root / "work").mkdir()
    (root / "work" / "seeds").symlink_to(SEEDS)
    (root / "shared").symlink_to(SHARED)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("EVEX_", "STANZA_"))}
    env |= {"PYTHONPATH": str(ROOT), "PREFECT_API_URL": PREFECT_API_URL.value(), "COLUMNS": "120",
            "BROWSER": "true", "EVEX_BROWSE_PORT": str(_free_port()), "EVEX_INBOX_DIR": str(root / "inbox")}
    return root / "work", env


def _argv(line: str) -> list[str]:
    words = shlex.split(line)
    assert words[0] in ("evex", ".venv/bin/evex"), line
    return [sys.executable, "-m", "evex.cli", *words[1:]]


def _run_long(argv: list[str], folder: Path, env: dict, name: str) -> str:
    """Start a serving command, wait until it works, stop it as a user would; its output."""
    process = subprocess.Popen(argv, cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    log = []
    try:
        if name == "browse":
            base = f"http://127.0.0.1:{env['EVEX_BROWSE_PORT']}"
            for _ in range(120):
                assert process.poll() is None, process.stdout.read()
                try:
                    page = httpx.get(f"{base}/evex/event_overview.json?_shape=objects", timeout=2)
                    if page.status_code == 200:
                        assert page.json()["rows"], page.text[:500]
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.5)
            else:
                raise AssertionError("evex browse never answered")
        else:  # serve prints its deployment once registered; watch says what it watches
            ready = "evex-inbox/inbox" if name == "serve" else "watching"
            deadline = time.monotonic() + 180
            os.set_blocking(process.stdout.fileno(), False)
            while not any(ready in line for line in log):
                assert process.poll() is None and time.monotonic() < deadline, "".join(log)
                log += process.stdout.readlines()
                time.sleep(0.5)
        process.send_signal(signal.SIGTERM if name == "serve" else signal.SIGINT)
        process.wait(60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    output = "".join(log) + (process.stdout.read() or "")
    assert "Traceback" not in output, output[-3000:]
    if name == "serve":
        assert process.returncode == 0, output[-3000:]
    return output


def test_every_command_of_the_quick_start_and_the_commands_table_runs(newcomer):
    folder, env = newcomer
    lines = [line for line in quick_start_lines() if not line.startswith("make ")]
    lines += [example for example, _ in command_rows()]
    outputs = {}
    for line in lines:
        if line.startswith("export "):
            name, value = line.removeprefix("export ").split("=", 1)
            env[name] = str((folder / value).resolve()) if value.startswith(".") else value
            continue
        name = name_of(line.removeprefix(".venv/bin/"))
        if name in LONG_RUNNING:
            outputs[line] = _run_long(_argv(line), folder, env, name)
            continue
        result = subprocess.run(_argv(line), cwd=folder, env=env, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, f"{line}\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
        outputs.setdefault(line, result.stdout)
    summary = re.search(r"^```\n(articles: .*?)```", section("Quick start"), re.S | re.M)[1].splitlines()
    printed = outputs[".venv/bin/evex run seeds/"].splitlines()
    assert printed[:2] == summary[:2] and printed[-1] == summary[-1]  # the README's summary, times aside
    assert (folder / "export.jsonl").stat().st_size and (folder / "events.html").stat().st_size

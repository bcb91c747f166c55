"""What `evex run` costs before and after its work: an unchanged drop's re-run imports no Dask and ends
without the interpreter's teardown, its exit handlers run and its exit status kept."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_python(code: str, tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})


def test_the_flow_and_its_task_runner_import_no_dask_until_a_task_is_submitted(tmp_path):
    done = run_python("""
        import sys
        from flows.pipeline import LazyDaskTaskRunner, configured_pipeline
        from evex.settings import Settings
        flow = configured_pipeline(Settings(workers=2))
        assert isinstance(flow.task_runner, LazyDaskTaskRunner)
        with flow.task_runner.duplicate() as runner:  # as the flow engine enters it
            pass
        loaded = sorted(name for name in sys.modules if name.split(".")[0] in ("dask", "distributed", "prefect_dask"))
        print(loaded)
    """, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_command_that_leaves_quickly_still_runs_the_exit_handlers_and_keeps_its_status(tmp_path):
    mark = tmp_path / "handlers-ran"
    script = f"""
        import atexit, sys
        from pathlib import Path
        atexit.register(lambda: Path({str(mark)!r}).write_text("yes"))

        class TornDown:
            def __del__(self):
                sys.stderr.write("torn down")

        kept = TornDown()  # freed by the interpreter's teardown, which a quick exit skips
        from evex import cli
        {{quick}}
        print("printed before the exit", end="")  # flushed, though no teardown follows
        cli.app(["db", "upgrade", "--db", "postgresql://nobody@127.0.0.1:1/none"])
    """
    quick = run_python(script.replace("{quick}", "cli._leave_quickly()"), tmp_path)
    assert quick.returncode == 2, quick.stderr  # a setup error's status
    assert quick.stdout == "printed before the exit" and "torn down" not in quick.stderr
    assert mark.read_text() == "yes"
    mark.unlink()
    slow = run_python(script.replace("{quick}", "pass"), tmp_path)  # a command that did not say so
    assert slow.returncode == 2 and "torn down" in slow.stderr and mark.read_text() == "yes"


def test_upgrading_a_database_at_the_head_imports_no_alembic(tmp_path):
    url = f"sqlite:///{tmp_path / 'evex.db'}"
    subprocess.run([sys.executable, "-m", "evex.cli", "db", "upgrade", "--db", url], cwd=ROOT, check=True,
                   capture_output=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    done = run_python(f"""
        import sys
        from evex import db
        db.upgrade({url!r})
        print("alembic" in sys.modules)
    """, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_the_flow_sends_plain_parameters_as_prefect_would_without_importing_fastapi(tmp_path):
    done = run_python("""
        import sys
        from prefect import Flow
        from flows.pipeline import PlainParametersFlow, configured_pipeline
        from evex.settings import Settings
        flow = configured_pipeline(Settings(workers=2))
        assert isinstance(flow, PlainParametersFlow)
        parameters = {"paths": ["drop/a.txt", "b"], "default_date": None}
        sent = flow.serialize_parameters(parameters)
        print("fastapi" in sys.modules)
        assert sent == Flow.serialize_parameters(flow, parameters), sent
        assert flow.serialize_parameters({"paths": (1,)}) == {"paths": [1]}  # not plain JSON: Prefect's way
    """, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"

"""Runs started together on one new database each migrate it: they must take turns, not each create the
tables (`table entities already exists`). Four processes upgrade one empty database at the same instant,
on SQLite and on Postgres; all succeed and the database ends at head."""

from __future__ import annotations

import subprocess
import sys
import time

from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from evex import db
from tests.conftest import ROOT

PROCESSES = 4


def test_processes_migrating_one_new_database_at_once_all_succeed(database_url):
    start = time.time() + 4  # after every interpreter has imported alembic and the models
    code = (f"import time; from evex import db; time.sleep(max(0, {start} - time.time())); "
            f"db.upgrade({database_url!r})")
    processes = [subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stderr=subprocess.PIPE, text=True)
                 for _ in range(PROCESSES)]
    errors = [(process.wait(timeout=120), process.stderr.read()) for process in processes]
    assert errors == [(0, "")] * PROCESSES
    head = ScriptDirectory.from_config(db.alembic_config(database_url)).get_current_head()
    assert db.current_revision(database_url) == head
    assert {"articles", "events", "entities"} <= set(inspect(db.get_engine(database_url)).get_table_names())

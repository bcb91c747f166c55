"""Validation records: per rule family, hand-written sentences with the fields extraction must
give (records/<family>.yaml) and their stored parses (parses/<family>.json). Read by
test_records.py and regenerate.py; the shape is checked on load, with the file and case named."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

HERE = Path(__file__).parent
RECORDS = HERE / "records"
PARSES = HERE / "parses"
FAMILY_KEYS = {"family", "covers", "cases"}
CASE_KEYS = {"id", "text", "date", "why", "events"}
EVENT_KEYS = {"type", "triggers", "participants", "location", "start", "end", "status"}


class RecordError(ValueError):
    pass


def load_family(path: Path) -> dict:
    family = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(family, dict) or set(family) - FAMILY_KEYS or not isinstance(family.get("cases"), list):
        raise RecordError(f"{path}: expected keys {sorted(FAMILY_KEYS)} with a list of cases")
    seen = set()
    for case in family["cases"]:
        where = f"{path}: case {case.get('id') if isinstance(case, dict) else case!r}"
        if not isinstance(case, dict) or set(case) - CASE_KEYS or not {"id", "text", "events"} <= set(case):
            raise RecordError(f"{where}: a case has id, text, events and may have date, why")
        if case["id"] in seen:
            raise RecordError(f"{where}: id used twice")
        seen.add(case["id"])
        for event in case["events"]:
            if not isinstance(event, dict) or set(event) - EVENT_KEYS or "type" not in event:
                raise RecordError(f"{where}: an expected event has a type and may have {sorted(EVENT_KEYS - {'type'})}")
    family["path"] = path
    return family


def stored_parses(path: Path) -> dict:
    """The family's stored parses ({} when never generated)."""
    stored = PARSES / f"{path.stem}.json"
    return json.loads(stored.read_text(encoding="utf-8")) if stored.is_file() else {}

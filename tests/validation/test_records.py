"""The validation records, one test per case: the rules run on the stored parse of a
hand-written sentence and must give the recorded events (no Stanza needed)."""

from __future__ import annotations

import pytest

from evex.conllu import read_conllu
from evex.extract import extract_events
from tests.validation.records import RECORDS, load_family, stored_parses

FIELDS = ("location", "start", "end", "status")


def _cases():
    for path in sorted(RECORDS.glob("*.yaml")):
        family = load_family(path)
        parses = stored_parses(path).get("cases", {})
        for case in family["cases"]:
            yield pytest.param(case, parses.get(case["id"]), id=f"{path.stem}/{case['id']}")


def event_record(frame) -> dict:
    return {
        "type": frame.type,
        "triggers": [m.trigger for m in frame.mentions],
        "participants": sorted({p.name for p in frame.participants}),
        **{name: getattr(frame, name) for name in FIELDS},
    }


@pytest.mark.parametrize(("case", "parsed"), list(_cases()))
def test_record(case, parsed):
    assert parsed is not None and parsed["text"] == case["text"], (
        "no stored parse of this text: run `python -m tests.validation.regenerate`"
    )
    frames = extract_events(read_conllu(parsed["conllu"]), case["text"], case.get("date"))
    found = [event_record(frame) for frame in frames]
    expected = case["events"]
    assert len(found) == len(expected), (case["why"], found)
    for got, want in zip(found, expected, strict=True):
        assert {key: got[key] for key in want} == want, case["why"]

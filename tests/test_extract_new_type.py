"""A fifth event type needs no Python: a profile and trigger entries in YAML, written here and
nowhere else, make the extractor find an inauguration in a hand-written article."""

from __future__ import annotations

from pathlib import Path

import pytest

from evex.conllu import read_conllu
from evex.extract import extract_events
from evex.extract.pipeline import Extractor
from evex.extract.resources import DATA_DIR, Lexicon, LexiconError
from tests.validation.records import RECORDS, stored_parses

PROFILE = """\
type: INAUGURATION
refers_back_to: [INAUGURATION]
new_when_indefinite: true
coordinated_apart: false
has_destination: false
hosts_meetings: false
held_during_host: false
visitors_meeting: false
attended: true
pair_when_unnamed: false
dated_by_article: true
placed_by_its_clause: false
named_exists: false
signed: false
"""
TRIGGERS = """\
triggers:
  - {words: [inaugurer], pos: VERB, type: INAUGURATION}
  - {words: [inauguration], pos: NOUN, type: INAUGURATION, anaphoric: true}
"""


def lexicon_with(tmp_path: Path, profile: str = PROFILE, triggers: str = TRIGGERS) -> Lexicon:
    (tmp_path / "type_inauguration.yaml").write_text(profile, encoding="utf-8")
    (tmp_path / "inauguration.yaml").write_text(triggers, encoding="utf-8")
    return Lexicon.load(
        [DATA_DIR / "triggers.yaml", tmp_path / "inauguration.yaml"],
        [*sorted(DATA_DIR.glob("type_*.yaml")), tmp_path / "type_inauguration.yaml"],
    )


def article() -> tuple:
    case = stored_parses(RECORDS / "new_type.yaml")["cases"]["inauguration"]
    return read_conllu(case["conllu"]), case["text"]


def test_a_type_defined_in_yaml_alone_is_extracted(tmp_path):
    parsed, text = article()
    assert extract_events(parsed, text, "2024-03-06") == []  # the shipped lexicon has no such type
    frames = Extractor(lexicon=lexicon_with(tmp_path)).extract(parsed, text, "2024-03-06")
    assert len(frames) == 1, frames
    frame = frames[0]
    assert frame.type == "INAUGURATION"
    assert [m.trigger for m in frame.mentions] == ["inauguré", "inauguration"]
    assert {"Yankhoba Diatara", "Sénégal"} <= {p.name for p in frame.participants}
    assert (frame.location, frame.start, frame.status) == ("Dakar", "2024-03-05", "occurred")


def test_an_entry_naming_a_type_without_profile_is_refused_with_its_file(tmp_path):
    triggers = TRIGGERS.replace("type: INAUGURATION}", "type: OPENING}", 1)
    with pytest.raises(LexiconError, match=r"inauguration\.yaml: trigger \['inaugurer'\]: type 'OPENING' has no profile"):
        lexicon_with(tmp_path, triggers=triggers)


def test_a_profile_with_an_unknown_or_missing_key_is_refused_with_its_file(tmp_path):
    profile = PROFILE.replace("signed: false", "signe: false")
    with pytest.raises(LexiconError, match=r"type_inauguration\.yaml: unknown keys \['signe'\], missing keys \['signed'\]"):
        lexicon_with(tmp_path, profile=profile)


def test_a_profile_flag_that_is_no_boolean_is_refused(tmp_path):
    profile = PROFILE.replace("attended: true", "attended: yes please")
    with pytest.raises(LexiconError, match=r"type_inauguration\.yaml: attended must be true or false"):
        lexicon_with(tmp_path, profile=profile)


def test_an_entry_needing_a_condition_no_predicate_checks_is_refused_when_the_extractor_is_built(tmp_path):
    triggers = TRIGGERS.replace("type: INAUGURATION}", "type: INAUGURATION, needs: ribbon}", 1)
    with pytest.raises(LexiconError, match=r"no predicate checks: inaugurer \(ribbon\)"):
        Extractor(lexicon=lexicon_with(tmp_path, triggers=triggers))


def test_a_trigger_entry_with_an_unknown_key_is_refused_naming_file_and_entry(tmp_path):
    triggers = TRIGGERS.replace("type: INAUGURATION}", "type: INAUGURATION, anaphorique: true}", 1)
    with pytest.raises(LexiconError, match=r"inauguration\.yaml: trigger \['inaugurer'\]: unknown keys \['anaphorique'\]"):
        lexicon_with(tmp_path, triggers=triggers)

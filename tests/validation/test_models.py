"""The stored parses say which models made them; this says when the installed ones differ, so
that the records are regenerated (`python -m tests.validation.regenerate`) and reviewed."""

from __future__ import annotations

import pytest

from tests.validation.records import RECORDS, stored_parses


@pytest.mark.stanza
def test_stored_parses_come_from_the_installed_models(stanza_dir):
    from evex.parse import model_versions

    installed = model_versions(stanza_dir)
    for path in sorted(RECORDS.glob("*.yaml")):
        stored = stored_parses(path).get("models")
        assert stored == installed, (
            f"{path.stem}: parses made with {stored}, installed models are {installed}: "
            "run `python -m tests.validation.regenerate` and review the records that change"
        )

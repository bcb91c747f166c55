"""Parse every validation record's text with the real Stanza models and store the CoNLL-U.

    python -m tests.validation.regenerate        (STANZA_RESOURCES_DIR names the models)

Each family's parses go to parses/<family>.json with the model versions they came from
(`evex.parse.model_versions`); tests/validation/test_records.py runs the rules on them without
Stanza, and test_models.py says when the installed models are no longer those.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.validation.records import PARSES, RECORDS, load_family


def regenerate(stanza_dir: Path) -> list[Path]:
    from evex import parse

    versions = parse.model_versions(stanza_dir)
    families = [load_family(path) for path in sorted(RECORDS.glob("*.yaml"))]
    texts = [case["text"] for family in families for case in family["cases"]]
    results = iter(parse.parse_texts(texts, stanza_dir, False, 20000))
    written = []
    for family in families:
        cases = {}
        for case in family["cases"]:
            result = next(results)
            if result.conllu is None:
                raise SystemExit(f"{family['path']}: case {case['id']}: Stanza failed: {result.error}")
            cases[case["id"]] = {"text": case["text"], "conllu": _without_sentence_ids(result.conllu)}
        out = PARSES / f"{family['path'].stem}.json"
        out.write_text(json.dumps({"models": versions, "cases": cases}, ensure_ascii=False, indent=1) + "\n")
        written.append(out)
    return written


def _without_sentence_ids(conllu: str) -> str:
    """Stanza numbers sentences across its whole batch: the number would change a family's file
    whenever another family gains a case."""
    return "".join(line for line in conllu.splitlines(keepends=True) if not line.startswith("# sent_id"))


if __name__ == "__main__":
    for path in regenerate(Path(os.environ.get("STANZA_RESOURCES_DIR", "../shared/stanza_resources")).resolve()):
        print(path)

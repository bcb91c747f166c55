"""Names people can use: an honorific the tagger runs into a name (`Monsieur`, `Samdech`,
`Monseigneur`, `SEM`) is left out of it. Hand-written sentences, parsed by the real models."""

from pathlib import Path

import pytest

from evex.conllu import read_conllu
from evex.extract import extract_events

FIXTURE = Path(__file__).parent / "fixtures" / "extract" / "honorifics.conllu"


def person_names(doc_id: str) -> set[str]:
    article = next(d for d in FIXTURE.read_text(encoding="utf-8").split("# newdoc id = ")[1:]
                   if d.split("\n", 1)[0].strip() == doc_id)
    doc = read_conllu(article.split("\n", 1)[1].strip() + "\n")
    text = "\n".join(s.text for s in doc.sentences)
    (meeting,) = [e for e in extract_events(doc, text, "2024-03-05") if e.type == "MEETING"]
    return {p.name for p in meeting.participants if p.kind == "PER"}


@pytest.mark.parametrize("doc_id, names", [
    ("monsieur_samdech", {"Amadou Diallo", "Hun Manet"}),
    ("sem_monseigneur", {"Amadou Diallo", "Paul Ndiaye"}),
])
def test_an_honorific_is_no_part_of_the_name(doc_id, names):
    assert person_names(doc_id) == names

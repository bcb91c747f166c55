"""Names people can use: an honorific the tagger runs into a name (`Monsieur`, `Samdech`,
`Monseigneur`, `SEM`) is left out of it. Hand-written sentences, parsed by the real models."""

import pytest

from tests.extract_support import events_of, only


@pytest.mark.parametrize("doc_id, persons", [
    ("monsieur_samdech", {"Amadou Diallo", "Hun Manet"}),
    ("sem_monseigneur", {"Amadou Diallo", "Paul Ndiaye"}),
])
def test_an_honorific_is_no_part_of_the_name(doc_id, persons):
    meeting = only(events_of("honorifics.conllu", doc_id), "MEETING")
    assert {p.name for p in meeting.participants if p.kind == "PER"} == persons

"""A phone call is no meeting (`un entretien téléphonique`, `s'est entretenu au téléphone`); the same
talk held in a place is one. Hand-written sentences, parsed by the real models."""

from pathlib import Path

import pytest

from evex.conllu import read_conllu
from evex.extract import extract_events

FIXTURE = Path(__file__).parent / "fixtures" / "extract" / "phone_calls.conllu"


def meetings(doc_id: str):
    article = next(d for d in FIXTURE.read_text(encoding="utf-8").split("# newdoc id = ")[1:]
                   if d.split("\n", 1)[0].strip() == doc_id)
    doc = read_conllu(article.split("\n", 1)[1].strip() + "\n")
    text = "\n".join(s.text for s in doc.sentences)
    return [e for e in extract_events(doc, text, "2024-03-05") if e.type == "MEETING"]


@pytest.mark.parametrize("doc_id", ["phone_interview", "phone_talk"])
def test_a_phone_call_is_no_meeting(doc_id):
    assert meetings(doc_id) == []


def test_the_same_talk_in_a_place_is_a_meeting():
    (meeting,) = meetings("talk_in_person")
    assert meeting.location == "Dakar"

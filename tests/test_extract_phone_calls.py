"""A phone call is no meeting (`un entretien téléphonique`, `s'est entretenu au téléphone`); the same
talk held in a place is one. Hand-written sentences, parsed by the real models."""

import pytest

from tests.extract_support import events_of, of_type


@pytest.mark.parametrize("doc_id", ["phone_interview", "phone_talk"])
def test_a_phone_call_is_no_meeting(doc_id):
    assert of_type(events_of("phone_calls.conllu", doc_id), "MEETING") == []


def test_the_same_talk_in_a_place_is_a_meeting():
    (meeting,) = of_type(events_of("phone_calls.conllu", "talk_in_person"), "MEETING")
    assert meeting.location == "Dakar"

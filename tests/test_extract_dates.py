"""An undated event reported as done takes the article's date only when it is the article's news:
said in the headline or the lead, or anywhere in a short item; cited deep in a long article (a
portrait, an opinion, a history) it stays undated (GUIDELINES §4 Time: no date the text does not give)."""

from pathlib import Path

from evex.conllu import read_conllu
from evex.extract import extract_events

FIXTURE = Path(__file__).parent / "fixtures" / "extract" / "long_article.conllu"
DOC_DATE = "2024-03-05"
CITED = 18  # the meeting's sentence in the portrait: the 19th of 22


def portrait_meetings(order: list[int]):
    blocks = [b.strip() for b in FIXTURE.read_text(encoding="utf-8").split("# newdoc id = long_portrait")[1]
              .split("\n", 1)[1].split("\n\n") if b.strip()]
    doc = read_conllu("\n\n".join(blocks[i] for i in order) + "\n")
    text = "\n".join(s.text for s in doc.sentences)
    return [e for e in extract_events(doc, text, DOC_DATE) if e.type == "MEETING"]


def test_undated_meeting_cited_deep_in_a_long_article_stays_undated():
    (meeting,) = portrait_meetings(list(range(22)))
    assert meeting.status == "occurred"
    assert (meeting.start, meeting.end) == (None, None)


def test_the_same_meeting_in_the_lead_is_dated_by_the_article():
    (meeting,) = portrait_meetings([CITED] + [i for i in range(22) if i != CITED])
    assert meeting.start == DOC_DATE


def test_the_same_meeting_in_a_short_article_is_dated_by_the_article():
    (meeting,) = portrait_meetings(list(range(8, 22)))
    assert meeting.start == DOC_DATE

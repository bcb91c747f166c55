"""An undated event reported as done takes the article's date only when it is the article's news:
said in the headline or the lead, or anywhere in a short item; cited deep in a long article (a
portrait, an opinion, a history) it stays undated (GUIDELINES §4 Time: no date the text does not give)."""

from evex.extract import extract_events
from tests.extract_support import DOC_DATE, article, of_type

CITED = 18  # the meeting's sentence in the portrait: the 19th of 22


def portrait_meetings(order: list[int]):
    doc, text = article("long_article.conllu", "long_portrait", order)
    return of_type(extract_events(doc, text, DOC_DATE), "MEETING")


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

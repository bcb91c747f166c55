"""The cross-article linking rule: same type, overlapping dates, and a shared place or participants."""

from evex.link import EventSummary, link_reason

WASHINGTON = EventSummary("MEETING", "2023-12-04", "2023-12-06", "Washington", {"Algérie", "États-Unis", "Mounir Zahi"})


def test_same_dialogue_reported_twice_is_linked_with_its_reason():
    other = EventSummary("MEETING", "2023-12-04", "2023-12-06", "Washington", {"Algérie", "Mounir Zahi"})
    reason = link_reason(other, WASHINGTON)
    assert reason.startswith("same type MEETING")
    assert "same place Washington" in reason and "Mounir Zahi" in reason


def test_month_precision_overlaps_a_day():
    other = EventSummary("MEETING", "2023-12", None, None, {"Algérie", "États-Unis"})
    assert link_reason(other, WASHINGTON)


def test_different_type_dates_or_place_are_not_linked():
    assert link_reason(EventSummary("VISIT", "2023-12-04", None, "Washington", {"Mounir Zahi"}), WASHINGTON) is None
    assert link_reason(EventSummary("MEETING", "2023-11-04", None, "Washington", {"Mounir Zahi"}), WASHINGTON) is None
    assert link_reason(EventSummary("MEETING", "2023-12-05", None, "Alger", {"Algérie", "États-Unis"}), WASHINGTON) is None


def test_unknown_dates_are_never_linked():
    assert link_reason(EventSummary("MEETING", None, None, "Washington", {"Mounir Zahi"}), WASHINGTON) is None


def test_one_shared_participant_needs_the_same_place():
    assert link_reason(EventSummary("MEETING", "2023-12-05", None, None, {"Algérie"}), WASHINGTON) is None
    assert link_reason(EventSummary("MEETING", "2023-12-05", None, "Washington", {"Algérie"}), WASHINGTON)

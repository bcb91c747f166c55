"""Where each event takes place, chosen by a learned model (`place_chooser`) over candidates the rules
make: every city, country and region the article names (read as the rules read them: `place_of` on
each proper name), the country of each city, the dateline's city and the rules' own choice; none
chosen confidently enough, the rules' place stands.

A candidate's features are the participant chooser's (where and how often the article names it
against the event, its function, preposition and governor in the trigger's sentence) and what the
rules made of it: their choice, the dateline, a participant country, the country of their city.
"""

from __future__ import annotations

from dataclasses import replace

from evex.extract.doc import Doc
from evex.extract.gazetteer import Place
from evex.extract.location import dateline, place_of
from evex.extract.resources import fold
from evex.frames import EventFrame, Participant
from evex.learn.features import Features
from evex.learn.model import LinearDecision
from evex.learn.participants import CHOSEN, Candidate, Named, context_features, name_heads, naming_features

PLACE_CHOOSER = "place_chooser"


def _kind(place: Place) -> str:
    if place.is_country:
        return "country"
    if place.region:
        return "region"
    return "city" if place.is_city else "locality"


def article_places(doc: Doc) -> dict[str, tuple[Place | None, Candidate]]:
    """Folded name -> the place (None for one only the rules name) and its candidate: every place the
    article names, each city's country too."""
    places: dict[str, tuple[Place | None, Candidate]] = {}

    def add(place: Place, named: Named) -> None:
        _, candidate = places.setdefault(fold(place.name), (place, Candidate(Participant(place.name, place.kind))))
        candidate.named.append(named)

    for sentence in doc.sentences:
        for word in name_heads(sentence):
            found = place_of(sentence, word, doc.text)
            if found is None or found.place is None:
                continue
            add(found.place, Named(sentence.index, [found.word]))
            if found.place.is_city and found.place.country:
                add(Place(found.place.country, "GPE", found.place.country), Named(sentence.index, [found.word], "of"))
    filed = dateline(doc.text)
    if filed is not None:
        places.setdefault(fold(filed.place.name), (filed.place, Candidate(Participant(filed.place.name, "LOC"))))
    for frame in doc.frames:
        if frame.location is not None:
            places.setdefault(fold(frame.location), (None, Candidate(Participant(frame.location, "LOC"))))
    return places


def _rules_features(doc: Doc, frame: EventFrame, place: Place | None, name: str, places: dict) -> Features:
    """What the rules made of the place: their choice for this event and others, the dateline, a
    participant country, the country of their chosen city or a city of their chosen country."""
    folded = fold(name)
    chosen = frame.location is not None and fold(frame.location) == folded
    kind = _kind(place) if place else "unknown"
    rules_place = places.get(fold(frame.location), (None, None))[0] if frame.location else None
    filed = dateline(doc.text)
    return {
        f"type={frame.type}": 1.0, f"place_kind={kind}": 1.0, f"kind_type={kind}:{frame.type}": 1.0,
        CHOSEN: float(chosen), f"chosen_kind={kind}:{chosen}": 1.0,
        f"rules_place={_kind(rules_place) if rules_place else 'none' if frame.location is None else 'unknown'}": 1.0,
        "dateline": float(filed is not None and fold(filed.place.name) == folded),
        "participant": float(any(fold(p.name) == folded for p in frame.participants)),
        "country_of_rules_city": float(rules_place is not None and rules_place.is_city
                                       and fold(rules_place.country or "") == folded),
        "city_of_rules_country": float(place is not None and rules_place is not None and rules_place.is_country
                                       and place.is_city and place.country == rules_place.name),
        "chosen_elsewhere": float(any(other.location and fold(other.location) == folded
                                      for other in doc.frames if other is not frame)),
    }


def _distance(frame: EventFrame, candidate: Candidate) -> int:
    """Sentences between the candidate's nearest naming and the event's mentions."""
    return min((abs(n.sentence_index - m.sentence_index) for n in candidate.named for m in frame.mentions), default=99)


def _ranks(scored: list[tuple[Candidate, Features]], frame: EventFrame) -> None:
    """Features that compare a candidate with the event's others: the nearest, the most named, the one
    in the trigger's sentence with the shortest path."""
    distances = [_distance(frame, candidate) for candidate, _ in scored]
    named = [len(candidate.named) for candidate, _ in scored]
    for (candidate, features), distance, count in zip(scored, distances, named, strict=True):
        features["nearest"] = float(distance == min(distances))
        features["nearest_alone"] = float(distance == min(distances) and distances.count(distance) == 1)
        features["most_named"] = float(count == max(named))
        features[f"nearest_kind={candidate.participant.kind}:{distance == min(distances)}"] = 1.0


def events_places(doc: Doc) -> list[list[tuple[str, Features]]]:
    """For each of the Doc's events, its candidate places (their names) with their features."""
    places = article_places(doc)
    total_named = sum(len(candidate.named) for _, candidate in places.values())
    events = []
    for frame in doc.frames:
        scored = [(candidate, {**_rules_features(doc, frame, place, candidate.participant.name, places),
                               **naming_features(doc, frame, candidate, doc.frames, total_named),
                               **context_features(doc, frame, candidate)})
                  for place, candidate in places.values()]
        _ranks(scored, frame)
        events.append([(candidate.participant.name, features) for candidate, features in scored])
    return events


def chosen_place(frame: EventFrame, scored: list[tuple[str, Features]], decision: LinearDecision) -> str | None:
    """The likeliest candidate where the decision accepts it, else the rules' place (as for a type it
    never saw)."""
    if frame.type not in decision.types:
        return frame.location
    best = max(scored, key=lambda pair: decision.probability(pair[1]), default=None)
    return best[0] if best is not None and decision.accepts(frame.type, best[1]) else frame.location


def choose_places(doc: Doc, decision: LinearDecision) -> list[EventFrame]:
    """The Doc's events with the places the decision chooses (the rules' evidence kept where it agrees)."""
    frames = []
    for frame, scored in zip(doc.frames, events_places(doc), strict=True):
        location = chosen_place(frame, scored, decision)
        same = location is not None and frame.location is not None and fold(location) == fold(frame.location)
        frames.append(replace(frame, location=location, location_evidence=frame.location_evidence if same else None))
    return frames

"""Who takes part in each event, chosen by a learned model (`participant_chooser`) over candidates
the rules make: every person, organisation and country the article names (named as the rules name
them: `participants_in` on each proper name and title), the countries of its persons and the rules'
own choices for the event, those a rule drops (a visit's destination) included.

A candidate's features say where the article names it against the event's mentions (same sentence,
sentence distance, the dependency path to the trigger, the preposition and governor of the name,
the words just before it: `reçu par`, `en présence de`), how often and where the article names it
(headline, lead), its kind, and what the rules made of it (chosen, by which role, for other events).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from evex.conllu import Word
from evex.extract.doc import Doc, Sentence, span_head
from evex.extract.entities import PersonMention, is_title, participants_in
from evex.extract.location import dateline
from evex.extract.resources import fold
from evex.frames import EventFrame, Participant
from evex.learn.features import Features, _first_word
from evex.learn.model import LinearDecision

PARTICIPANT_CHOOSER = "participant_chooser"
NEAR_WORDS = 3  # the lemmas just before a name that say its part (`reçu par`, `accompagné de`)
CHOSEN = "chosen"  # the feature saying the rules chose the candidate
LEAD_SENTENCES = 4  # the headline and the lead


@dataclass
class Named:
    """One place the article names a candidate: its sentence and words."""

    sentence_index: int
    words: list[Word]
    via: str = "name"  # name, or `country of` a person or organisation named there


@dataclass
class Candidate:
    """An entity the article names, as one participant entry, with every place it is named."""

    participant: Participant
    named: list[Named] = field(default_factory=list)


def name_heads(sentence: Sentence) -> Iterable[Word]:
    """Words that may open a participant phrase: proper names (not the inner words of one) and titles."""
    for word in sentence.words:
        if word.upos == "PROPN" and not word.deprel.startswith("flat"):
            yield word
        elif word.upos == "NOUN" and is_title(word):
            yield word


def _words_of(sentence: Sentence, participant: Participant) -> list[Word]:
    """The words of the sentence its evidence covers (none without evidence)."""
    span = participant.evidence
    return [w for w in sentence.words if span.start <= w.start_char < span.end] if span else []


def article_candidates(doc: Doc) -> dict[str, Candidate]:
    """Folded name -> candidate: everything the rules could attach anywhere in the article."""
    candidates: dict[str, Candidate] = {}

    def add(participant: Participant, named: Named) -> None:
        candidate = candidates.setdefault(fold(participant.name), Candidate(replace(participant, role=None)))
        if not any(n.sentence_index == named.sentence_index and n.words == named.words and n.via == named.via
                   for n in candidate.named):
            candidate.named.append(named)

    for sentence in doc.sentences:
        for word in name_heads(sentence):
            for participant in participants_in(doc, sentence, word, "article", set()):
                words = _words_of(sentence, participant) or [word]
                add(participant, Named(sentence.index, words))
                country = doc.persons.countries.get(participant.name) if participant.kind == "PER" else None
                if country:
                    add(Participant(country, "GPE", evidence=participant.evidence), Named(sentence.index, words, "of"))
    for frame in doc.frames:
        for participant in frame.participants:
            sentence = sentence_of(doc, participant)
            if sentence is not None:
                add(participant, Named(sentence.index, _words_of(sentence, participant)))
            else:
                candidates.setdefault(fold(participant.name), Candidate(replace(participant, role=None)))
    return candidates


def _person_mentions(doc: Doc, name: str) -> list[PersonMention]:
    return [p for p in doc.persons.persons if doc.persons.full_name(p.name) == name]


def sentence_of(doc: Doc, participant: Participant) -> Sentence | None:
    span = participant.evidence
    if span is None:
        return None
    return next((s for s in doc.sentences if s.start_char <= span.start < s.end_char), None)


def _path(sentence: Sentence, a: Word, b: Word) -> int | None:
    """Dependency edges between two words of a sentence, None where the sentence has no tree."""
    if not sentence.has_dependencies:
        return None
    up_a = [a, *sentence.ancestors(a)]
    up_b = [b, *sentence.ancestors(b)]
    ids_b = {w.id: i for i, w in enumerate(up_b)}
    return next((i + ids_b[w.id] for i, w in enumerate(up_a) if w.id in ids_b), None)


def bucket(value: int, edges: tuple[int, ...]) -> str:
    for edge in edges:
        if value <= edge:
            return str(edge)
    return f">{edges[-1]}"


def near_features(sentence: Sentence, words: list[Word]) -> Iterable[tuple[str, float]]:
    """How a name stands in a sentence next to the event's: its function and governor there."""
    head = span_head(words)
    yield f"deprel={head.deprel.split(':')[0] or 'none'}", 1.0
    governor = sentence.head_of(head)
    yield f"governor={governor.lemma.lower() if governor else 'root'}", 1.0


def in_sentence_features(sentence: Sentence, words: list[Word], trigger: Word) -> Iterable[tuple[str, float]]:
    """How a name stands to the trigger in the trigger's own sentence."""
    head = span_head(words)
    yield f"deprel={head.deprel.split(':')[0] or 'none'}", 1.0
    case = sentence.case_of(head) if sentence.has_dependencies else ""
    yield f"case={case or 'none'}", 1.0
    governor = sentence.head_of(head)
    yield f"governor={governor.lemma.lower() if governor else 'root'}", 1.0
    path = _path(sentence, head, trigger)
    yield f"path={bucket(path, (1, 2, 3, 5)) if path is not None else 'none'}", 1.0
    if path is not None:
        yield "below_trigger", float(trigger in sentence.ancestors(head))
    yield "before_trigger", float(head.start_char < trigger.start_char)
    yield "word_distance", min(abs(head.id - trigger.id), 30) / 30
    first = min(w.id for w in words)
    for offset, before in enumerate(reversed(sentence.words[max(first - 1 - NEAR_WORDS, 0):first - 1]), start=1):
        yield f"before{offset}={before.lemma.lower()}", 1.0


def _rules_features(doc: Doc, frame: EventFrame, participant: Participant, frames: list[EventFrame]) -> Features:
    """What the rules made of the candidate: chosen for this event (by which role), for others, as its
    place, as a chosen person's country, as one of the article's two countries."""
    name = fold(participant.name)
    chosen = next((p for p in frame.participants if fold(p.name) == name), None)
    features: Features = {f"type={frame.type}": 1.0, f"kind={participant.kind}": 1.0,
                          f"kind_type={participant.kind}:{frame.type}": 1.0, CHOSEN: float(chosen is not None),
                          f"chosen_kind={participant.kind}:{chosen is not None}": 1.0}
    if chosen is not None:
        features[f"role={chosen.role or 'none'}"] = 1.0
    features["chosen_elsewhere"] = min(sum(any(fold(p.name) == name for p in other.participants)
                                           for other in frames if other is not frame), 3) / 3
    features["event_participants"] = min(len(frame.participants), 6) / 6
    features["is_location"] = float(frame.location is not None and fold(frame.location) == name)
    filed = dateline(doc.text)
    features["is_dateline"] = float(filed is not None and fold(filed.place.name) == name)
    features["in_pair"] = float(participant.name in (doc.pair or []))
    chosen_persons = {p.name for p in frame.participants if p.kind == "PER"}
    features["country_of_chosen"] = float(participant.kind == "GPE" and any(
        doc.persons.countries.get(person) == participant.name for person in chosen_persons))
    if participant.kind == "PER":
        titles = {n.title.split()[-1].lower() for n in _person_mentions(doc, participant.name) if n.title}
        features["titled"] = float(bool(titles))
        features.update({f"title={title}": 1.0 for title in titles})
    return features


def naming_features(doc: Doc, frame: EventFrame, candidate: Candidate, frames: list[EventFrame],
                      total_named: int) -> Features:
    """How often and where the article names the candidate, against the event's sentences."""
    named, kind = candidate.named, candidate.participant.kind
    sentences = {n.sentence_index for n in named}
    event_sentences = {m.sentence_index for m in frame.mentions}
    other_sentences = {m.sentence_index for other in frames if other is not frame for m in other.mentions}
    chosen_sentences = {sentence.index for p in frame.participants if fold(p.name) != fold(candidate.participant.name)
                        for sentence in [sentence_of(doc, p)] if sentence is not None}
    distances = [min(abs(n.sentence_index - s) for s in event_sentences) for n in named]
    nearest = bucket(min(distances, default=99), (0, 1, 2, 5))
    first_named = min(sentences, default=len(doc.sentences))
    return {
        "article_named": min(len(named), 10) / 10,
        "article_share": len(named) / max(total_named, 1),
        "in_headline": float(any(doc.is_headline(s) for s in sentences)),
        "first_named_position": first_named / max(len(doc.sentences), 1),
        "in_lead": float(first_named < LEAD_SENTENCES),
        "first_before_event": float(first_named <= min(event_sentences)),
        "only_as_country_of": float(bool(named) and all(n.via == "of" for n in named)),
        f"sentence_distance={nearest}": 1.0,
        f"kind_distance={kind}:{nearest}": 1.0,
        "named_near": min(sum(d <= 1 for d in distances), 5) / 5,
        "named_with_event": min(len(sentences & event_sentences), 3) / 3,
        "beside_chosen": float(bool(sentences & chosen_sentences)),
        "only_beside_other_events": float(bool(sentences) and sentences <= other_sentences - event_sentences),
    }


def context_features(doc: Doc, frame: EventFrame, candidate: Candidate) -> Features:
    """How the names stand in the trigger's sentence and in the sentences next to the event's, each
    feature once by how the candidate is named there (`name`, `of`) and once by its kind."""
    features: Features = {}
    kind = candidate.participant.kind
    event_sentences = {m.sentence_index for m in frame.mentions}
    for n in candidate.named:
        if n.words and min(abs(n.sentence_index - s) for s in event_sentences) == 1:
            for name, value in near_features(doc.sentences[n.sentence_index], n.words):
                features[f"near_{n.via}:{name}"] = features[f"near_{kind}:{name}"] = value
    for mention in frame.mentions[:3]:
        sentence = doc.sentences[mention.sentence_index]
        trigger = _first_word(sentence, mention.start)
        for n in candidate.named:
            if trigger is None or n.sentence_index != mention.sentence_index or not n.words:
                continue
            for name, value in in_sentence_features(sentence, n.words, trigger):
                for prefix in (n.via, kind):
                    features[f"{prefix}:{name}"] = max(features.get(f"{prefix}:{name}", 0.0), value)
    return features


def candidate_features(doc: Doc, frame: EventFrame, candidate: Candidate, frames: list[EventFrame],
                       total_named: int) -> Features:
    """The features of one candidate for one event (`total_named`: how often the article names any)."""
    return {**_rules_features(doc, frame, candidate.participant, frames),
            **naming_features(doc, frame, candidate, frames, total_named),
            **context_features(doc, frame, candidate)}


def events_candidates(doc: Doc) -> list[list[tuple[Candidate, Features]]]:
    """For each of the Doc's events, its candidates with their features (what training and choosing read)."""
    candidates = list(article_candidates(doc).values())
    total_named = sum(len(c.named) for c in candidates)
    return [[(c, candidate_features(doc, frame, c, doc.frames, total_named)) for c in candidates]
            for frame in doc.frames]


def chosen_participants(frame: EventFrame, scored: list[tuple[Candidate, Features]],
                        decision: LinearDecision) -> list[Participant]:
    """The candidates the decision accepts: the rules' entry where they chose it (its role, title and
    evidence), else the article's; the rules' order first. A type it never saw keeps the rules' choice."""
    if frame.type not in decision.types:
        return frame.participants
    accepted = {fold(c.participant.name): c for c, features in scored if decision.accepts(frame.type, features)}
    kept = [p for p in frame.participants if fold(p.name) in accepted]
    chosen = {fold(p.name) for p in kept}
    added = [replace(c.participant, role="learned") for name, c in accepted.items() if name not in chosen]
    return kept + added


def choose_participants(doc: Doc, decision: LinearDecision) -> list[EventFrame]:
    """The Doc's events with the participants the decision chooses."""
    return [replace(frame, participants=chosen_participants(frame, scored, decision))
            for frame, scored in zip(doc.frames, events_candidates(doc), strict=True)]

"""Mentions into events: coreference by sentence, anaphora and compatible arguments."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from evex.extract.arguments import Draft, tense_of
from evex.extract.doc import keys
from evex.extract.entities import PAIR, DocEntities
from evex.extract.gazetteer import gazetteer
from evex.extract.location import FoundPlace
from evex.extract.resources import EventProfile, fold, grammar_words, word_set
from evex.frames import Participant

NEARBY_BATCH = 2  # sentences from a counted batch (`six accords`) within which its items are listed

@dataclass
class EventDraft:
    type: str
    drafts: list[Draft] = field(default_factory=list)
    attendees: list[Participant] = field(default_factory=list)  # reported outside the mentions' clauses

    @property
    def profile(self) -> EventProfile:
        return self.drafts[0].profile

    @property
    def dates(self) -> tuple[str | None, str | None]:
        """The first dates given, or a later mention's days within them (`attendue en mars` ... `prévu
        du 6 au 8 mars`); arriving somewhere (not at a site) starts a stay of unknown length."""
        dated = next((d for d in self.drafts if d.start or d.end), None)
        if dated is None:
            return (None, None)
        dated = next((d for d in self.drafts if dated.start and d.start and len(d.start) > len(dated.start)
                      and d.start.startswith(dated.start)), dated)
        if dated.match.entry.arrival and not self.site:
            return (dated.start, None)
        return (dated.start, dated.end)

    @property
    def place(self) -> FoundPlace | None:
        return next((d.place for d in self.drafts if d.place and d.place.place), None)

    @property
    def site(self) -> str | None:
        return next((d.site for d in self.drafts if d.site), None)

    @property
    def sentences(self) -> set[int]:
        return {d.sentence_index for d in self.drafts}


def group_mentions(drafts: list[Draft], entities: DocEntities) -> list[EventDraft]:
    events: list[EventDraft] = []
    by_position: dict[tuple[int, int], EventDraft] = {}
    for draft in drafts:
        sentence = draft.match.sentence
        position = (
            entities.first_copy.get(draft.sentence_index, draft.sentence_index),
            draft.mention.start - sentence.start_char,
        )
        event = by_position.get(position) or _same_sentence_event(draft, events) or _antecedent(draft, events)
        if event is None:
            event = EventDraft(type=draft.type)
            events.append(event)
        event.drafts.append(draft)
        by_position.setdefault(position, event)
    return events


def merge_headline_events(events: list[EventDraft], headline: frozenset[int]) -> list[EventDraft]:
    """A headline names the story the body tells: an event mentioned only there joins the first
    body event of its type that its dates, place and countries fit, else the first (GUIDELINES 3.8),
    and keeps its own place when the body has none."""
    if not headline:
        return events
    merged: list[EventDraft] = []
    for event in events:
        if event.sentences <= headline:
            bodies = [e for e in events if e.type == event.type and e.sentences - headline]
            fitting = [e for e in bodies if all(_compatible(d, e) for d in event.drafts)]
            body = (fitting or bodies or [None])[0]
            if body is not None:
                body.drafts.extend(event.drafts)
                continue
        merged.append(event)
    return merged


def _same_sentence_event(draft: Draft, events: list[EventDraft]) -> EventDraft | None:
    for event in reversed(events):
        if event.type == draft.type and draft.sentence_index in event.sentences and _compatible(draft, event):
            return event
    return None


def _antecedent(draft: Draft, events: list[EventDraft]) -> EventDraft | None:
    """The most recent earlier event this mention can refer to.

    A mention with nothing of its own (`cette rencontre`, `des discussions`) refers back when its
    noun can be anaphoric; one with its own date, place or named participants joins an event only
    on positive evidence (same dates, a shared participant, the same place), as a definite anaphor,
    or named again definitely by the same noun (`le Forum` after `le Forum mondial sur l'éducation`).
    """
    entry = draft.match.entry
    if _adds_another(draft):
        return None
    if entry.part and not draft.has_own_arguments:
        return _whole(draft, events)
    if _earlier_occurrence(draft):
        return None
    if _signs_told_text(draft):
        return next((e for e in reversed(events) if e.type == draft.type and _compatible(draft, e)), None)
    if draft.profile.new_when_indefinite and draft.indefinite:
        # else `un accord`, `deux conventions`: a new one, not the one before
        return _restated(draft, events) or _item_of_batch(draft, events)
    types = draft.profile.refers_back_to if entry.anaphoric and draft.definite else (draft.type,)
    for event in reversed(events):
        if event.type not in types or not _compatible(draft, event):
            continue
        if not draft.has_own_arguments:
            if entry.anaphoric or _told_pair_acts(draft) or (
                    draft.definite and any(d.match.entry is entry for d in event.drafts)):
                return event
            continue
        if (entry.anaphoric and draft.definite and not _numbered(draft)) or _shares_evidence(draft, event):
            return event
        if draft.definite and not _numbered(draft) and any(d.match.entry is entry for d in event.drafts):
            return event
    return None


def _whole(draft: Draft, events: list[EventDraft]) -> EventDraft | None:
    """A part of a gathering (`une table ronde`, `des ateliers`) with no date, place or named
    participants of its own is the latest gathering of its type it fits (GUIDELINES 3.5)."""
    return next((e for e in reversed(events) if e.type == draft.type and _compatible(draft, e)), None)


def _numbered(draft: Draft) -> bool:
    """`la 77e session de ...`, `la deuxième session`: an occurrence named by its number, not an anaphor."""
    sentence, head = draft.match.sentence, draft.match.head
    return any(c.deprel == "amod" and (c.feat("NumType") == "Ord" or re.fullmatch(r"\d+(e|ème|er|ère)", c.text))
               for c in sentence.children(head))


def _restated(draft: Draft, events: list[EventDraft]) -> EventDraft | None:
    """The latest event of the type when its last mention is in the sentence just before, with the
    same trigger or with nothing of its own, and nothing tells them apart: a lead names the event,
    the next sentence restates it indefinitely to give details (`anime un stage de formation.` /
    `Un stage de formation de cinq jours réunit ...`; `a entamé une visite à Alger.` / `Un
    déplacement important pour les deux pays.`). `un autre stage`, `un nouvel accord` stay new."""
    if _another_occurrence(draft):
        return None
    event = next((e for e in reversed(events) if e.type == draft.type), None)
    if event is None:
        return None
    last = event.drafts[-1]
    same_words = last.match.entry is draft.match.entry or not draft.has_own_arguments
    restated = same_words and last.sentence_index == draft.sentence_index - 1
    return event if (restated or _dates_the_one_told(draft, event)) and _compatible(draft, event) else None


def _item_of_batch(draft: Draft, events: list[EventDraft]) -> EventDraft | None:
    """`Six accords ont été signés mercredi ...` then `Parmi les textes figurent un accord sur ..., deux
    conventions ...`: an indefinite mention after a counted batch of its type told in the sentences
    just before is one of the batch's items, the same signing occasion (GUIDELINES 3.4)."""
    if _another_occurrence(draft):
        return None
    for event in reversed(events):
        if event.type != draft.type:
            continue
        batch = [d for d in event.drafts if _counted_batch(d)]
        near = any(0 <= draft.sentence_index - d.sentence_index <= NEARBY_BATCH for d in event.drafts)
        return event if batch and near and _compatible(draft, event) else None
    return None


def _counted_batch(draft: Draft) -> bool:
    """`six accords`, `quatre conventions`: a plural counted by a number."""
    sentence, head = draft.match.sentence, draft.match.head
    return head.feat("Number") == "Plur" and any(c.deprel == "nummod" for c in sentence.children(head))


def _dates_the_one_told(draft: Draft, event: EventDraft) -> bool:
    """`la visite de X à Y` told undated, then `X effectue une visite d'État chez Z le 10 mai`: an
    indefinite mention with a date, sharing a named participant or the place with an event told only
    definitely and never dated, or with no participant or place of its own to tell them apart, gives
    that event its date rather than a second one."""
    told_definitely = all(not d.indefinite and d.match.head.upos == "NOUN" for d in event.drafts)
    alike = _shares_evidence(draft, event) or not (draft.named or draft.place)  # or nothing of its own tells them apart
    return bool(draft.start) and event.dates == (None, None) and told_definitely and alike


def _adds_another(draft: Draft) -> bool:
    """`Il a également tenu des rencontres avec ...`, `Par ailleurs, il s'est entretenu avec ...`,
    `Enfin, elle s'est entretenue avec ...`: an additive or sequence adverb on a mention with
    counterparts of its own adds a meeting to those told."""
    sentence, head = draft.match.sentence, draft.match.head
    verb = head if head.upos == "VERB" else sentence.head_of(head)
    words = [head] + ([verb] if verb is not None and verb.upos == "VERB" else [])
    children = [c for w in words for c in sentence.children(w)]
    additive = any(c.deprel == "advmod" and keys(c) & word_set("triggers", "additive_adverbs") for c in children)
    return additive and any(sentence.case_of(c) in grammar_words("with_case") for c in children)


def _told_pair_acts(draft: Draft) -> bool:
    """`Les deux personnalités ont échangé sur ...`: a verb whose subject is the pair already told
    (a definite noun counted by two) tells again the event they took part in."""
    sentence, head = draft.match.sentence, draft.match.head
    if head.upos != "VERB":
        return False
    subjects = [c for c in sentence.children(head) if c.deprel.startswith("nsubj")]
    governor = sentence.head_of(head)
    if not subjects and head.deprel == "conj" and governor is not None:  # a shared subject
        subjects = [c for c in sentence.children(governor) if c.deprel.startswith("nsubj")]
    for subject in subjects:
        det = sentence.determiner(subject)
        counted = any(c.deprel == "nummod" and fold(c.lemma) in grammar_words("pair_numeral")
                      for c in sentence.children(subject))
        if counted and det is not None and fold(det.lemma) in grammar_words("definite_determiners"):
            return True
    return False


def _signs_told_text(draft: Draft) -> bool:
    """`Les documents ont été paraphés par A et B`, `la cérémonie de signature`: a signing verb
    whose signed thing is definite, or a signing noun in a definite occasion, signs the agreement
    already told."""
    sentence, head = draft.match.sentence, draft.match.head
    if not draft.profile.signed:
        return False
    if head.upos == "VERB":
        pointed = [c for c in sentence.children(head) if c.deprel in ("obj", "nsubj:pass")]
    else:
        governor = sentence.head_of(head)
        bare = sentence.determiner(head) is None and head.deprel.startswith("nmod")
        pointed = [governor] if bare and governor is not None and governor.upos == "NOUN" else []
    definite = grammar_words("definite_determiners")
    return any((det := sentence.determiner(w)) is not None and fold(det.lemma) in definite for w in pointed)


def _earlier_occurrence(draft: Draft) -> bool:
    """`sa récente visite en France`, `la précédente réunion`: an occurrence before the one told."""
    sentence, head = draft.match.sentence, draft.match.head
    return any(c.deprel == "amod" and keys(c) & word_set("triggers", "earlier_occurrence_modifiers")
               for c in sentence.children(head))


def _another_occurrence(draft: Draft) -> bool:
    """`un autre stage`, `un nouvel accord`: not the occurrence just named."""
    sentence, head = draft.match.sentence, draft.match.head
    return any(c.deprel == "amod" and keys(c) & word_set("triggers", "other_occurrence_modifiers")
               for c in sentence.children(head))


def _within_month(draft: Draft, start: str, end: str | None) -> bool:
    """An event known only to the month (`attendue au Maroc en mars`) and a mention's days in that
    month (`du 6 au 8 mars`): the same dates, told more precisely."""
    month = start if len(start) == len("YYYY-MM") and end == start else None
    return month is not None and all(d is not None and d.startswith(month) for d in (draft.start, draft.end))


def _compatible(draft: Draft, event: EventDraft) -> bool:
    if any(_told_apart(draft, other) or _told_apart(other, draft) for other in event.drafts
           if other.sentence_index == draft.sentence_index):
        return False
    if any(_named_apart(draft, other) for other in event.drafts) or _tenses_apart(draft, event):
        return False
    start, end = event.dates
    if draft.start and start and (draft.start, draft.end) != (start, end) and not _within_month(draft, start, end):
        return False
    place = event.place
    if draft.place and draft.place.place and place and not _may_be_within(draft.place.place, place.place):
        return False
    countries = {p.name for d in event.drafts for p in d.participants if p.kind == "GPE" and p.name != PAIR}
    own_countries = {p.name for p in draft.participants if p.kind == "GPE" and p.name != PAIR}
    if countries and own_countries and not countries & own_countries:
        return False
    if event.profile.has_destination and draft.site != event.site:
        return False
    return True


def _tenses_apart(draft: Draft, event: EventDraft) -> bool:
    """`s'entretiendra avec le Premier ministre` after a seminar that `s'est tenu` in December: a verb
    in the future and an event told only in the past (or the reverse) are two occurrences."""
    if draft.match.head.upos != "VERB" or draft.tense not in ("past", "future"):
        return False
    other = "future" if draft.tense == "past" else "past"
    return all(_told_tense(d) == other for d in event.drafts)


def _told_tense(draft: Draft) -> str | None:
    """A mention's tense; a gathering noun's own relative clause saying when it took place (`un
    séminaire qui s'est tenu en décembre`) tells it better than the verb governing the noun."""
    sentence, head = draft.match.sentence, draft.match.head
    taking_place = word_set("triggers", "taking_place_verbs")
    for clause in sentence.children(head):
        if clause.deprel == "acl:relcl" and keys(clause) & taking_place:
            return tense_of(sentence, clause) or draft.tense
    return draft.tense


def _told_apart(draft: Draft, other: Draft) -> bool:
    """Two mentions of one sentence that its syntax makes two occurrences: `le sommet X et la
    réunion Y`, each with its own determiner, and the gathering talked about in the other's clause
    (`a reçu l'ambassadeur pour discuter du sommet`)."""
    sentence, head, other_head = draft.match.sentence, draft.match.head, other.match.head
    governor = sentence.head_of(head)
    if governor is None or head.upos != "NOUN":
        return False
    if head.deprel == "conj" and governor.id == other_head.id:
        own_determiner = sentence.determiner(head) is not None
        return own_determiner and draft.profile.coordinated_apart and other_head.upos == "NOUN"
    talked_about = head.deprel in ("obj", "obl:arg") and keys(governor) & word_set("triggers", "topic_verbs")
    return bool(talked_about) and other_head.id in (governor.id, governor.head)


def _named_apart(draft: Draft, other: Draft) -> bool:
    """`le sommet du G20` and `le sommet sur les forêts`: one gathering noun (not an anaphor) with
    two different names is two gatherings."""
    entry = draft.match.entry
    if entry.anaphoric or other.match.entry is not entry:
        return False
    names, other_names = _qualifiers(draft), _qualifiers(other)
    return bool(names) and bool(other_names) and not names & other_names


def _qualifiers(draft: Draft) -> set[str]:
    sentence, head = draft.match.sentence, draft.match.head
    return {fold(c.lemma) for c in sentence.children(head)
            if c.deprel == "nmod" and c.upos in ("NOUN", "PROPN") and c.id not in draft.match.word_ids}


def _may_be_within(a, b) -> bool:
    """Same place, or one within the other; a building the gazetteer cannot locate (`l'Hôtel
    Printania`, `le Palais d'État d'Iavoloha`) may stand in the other place's city."""
    return same_or_within(a, b) or any(_unlocated_building(p) for p in (a, b))


def _unlocated_building(place) -> bool:
    words = fold(place.name).split()
    return place.country is None and not place.region and not gazetteer().venue_city(place.name) \
        and bool(words) and words[0] in grammar_words("building_nouns")


def same_or_within(a, b) -> bool:
    """Same place, or a city and the country it lies in; a venue stands for its city
    (`l'Élysée`, `le palais de l'Élysée`, `Paris`)."""
    gaz = gazetteer()
    a, b = gaz.venue_city(a.name) or a, gaz.venue_city(b.name) or b
    if fold(a.name) == fold(b.name):
        return True
    return (a.is_city and b.is_country and a.country == b.name) or (b.is_city and a.is_country and b.country == a.name)


def _shares_evidence(draft: Draft, event: EventDraft) -> bool:
    start, _ = event.dates
    if draft.start and start == draft.start:
        return True
    place = event.place
    if draft.place and draft.place.place and place and same_or_within(draft.place.place, place.place):
        return True
    names = {_surname(p.name) for d in event.drafts for p in d.named}
    if any(_surname(p.name) in names for p in draft.named):
        return True
    if draft.match.entry.anaphoric and not draft.named:
        countries = {p.name for d in event.drafts for p in d.participants if p.kind == "GPE"}
        return any(p.name in countries for p in draft.participants if p.kind == "GPE")
    return False


def _surname(name: str) -> str:
    return fold(name).split()[-1] if name.strip() else ""

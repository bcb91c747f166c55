"""Event-level values once mentions are grouped: participants, place, dates and status,
with what an event inherits from the visit it happens in or the event it is part of."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta
from dataclasses import replace

from evex.conllu import Word
from evex.extract.arguments import Draft
from evex.extract.attendance import attendance, delegation
from evex.extract.doc import Doc, Sentence, keys
from evex.extract.entities import PAIR, is_pair
from evex.extract.gazetteer import gazetteer
from evex.extract.grouping import EventDraft, same_or_within
from evex.extract.location import LOCATIVE_CASES, dateline, place_of, sentence_places
from evex.extract.resources import fold, grammar_words, word_set
from evex.frames import EventFrame, Participant, Span

DATELINE_LEAD_SENTENCES = 2  # a dateline may be parsed as a sentence of its own before the lead
SEQUENCE_ADVERBS = grammar_words("sequence_adverbs") | grammar_words("series_additive_adverbs")
NEARBY_SENTENCES = 3  # how far back a meeting looks for the visit it takes place in
OCCASION_CASES = grammar_words("occasion_cases")
OCCASION_NOUNS = grammar_words("occasion_nouns")
GENITIVE_CASES = grammar_words("genitive_case")


def country_pair(doc: Doc) -> list[str]:
    """What `les deux pays` means in a bilateral article: the two countries it names most
    (by name or demonym); nothing when the article never speaks of two countries."""
    if not any(is_pair(s, w) for s in doc.sentences for w in s.words):
        return []
    gaz = gazetteer()
    counts: Counter[str] = Counter()
    for sentence in doc.sentences:
        inside: set[int] = set()
        for word in sentence.words:
            if word.id in inside:
                continue
            following = sentence.word(word.id + 1)
            place = None
            if word.text[:1].isupper() and following is not None and following.text[:1].isupper():
                place = gaz.lookup(f"{word.text} {following.text}")  # `Guinée Bissau`, not `Guinée`
                inside |= {following.id} if place else set()
            if place is None:
                place = gaz.lookup(word.text) if word.text[:1].isupper() else None  # `réunion` is no island
            country = place.name if place and place.is_country else gaz.country_of_demonym(word.text, word.lemma)
            if country:
                counts[country] += 1
    return [name for name, _ in counts.most_common(2)]


def attach_attendance(doc: Doc, events: list[EventDraft]) -> None:
    """Sentences without a trigger that report who took part join the latest attended event; a
    delegation's list joins the latest event of any type (the signatories' delegation too), and a
    later event between `les deux délégations` has those delegations for parties."""
    with_triggers = {s for event in events for s in event.sentences}
    for sentence in doc.sentences:
        if sentence.index in with_triggers:
            continue
        attended = _latest_before([e for e in events if e.profile.attended], sentence.index)
        if attended:
            attended.attendees.extend(attendance(doc, sentence))
        latest = _latest_before(events, sentence.index)
        if latest:
            latest.attendees.extend(delegation(doc, sentence))
    delegated: EventDraft | None = None
    for event in sorted(events, key=lambda e: min(e.sentences)):
        if delegated is not None and any(_between_both_sides(d) for d in event.drafts):
            event.attendees.extend([*(p for d in delegated.drafts for p in d.participants), *delegated.attendees])
        if any(p.role == "delegation" for p in event.attendees):
            delegated = event


def _between_both_sides(draft: Draft) -> bool:
    """`une discussion entre les représentants des deux fédérations`, `les deux délégations`."""
    sentence = draft.match.sentence
    sides = word_set("entities", "side_nouns")
    return any(
        keys(w) & sides and any(c.deprel == "nummod" and fold(c.lemma) in grammar_words("pair_numeral") for c in sentence.children(w))
        for w in sentence.words
    )


def _latest_before(events: list[EventDraft], index: int) -> EventDraft | None:
    earlier = [e for e in events if min(e.sentences) < index]
    return max(earlier, key=lambda e: max(s for s in e.sentences if s < index)) if earlier else None


def event_participants(
    event: EventDraft, person_countries: dict[str, str], pair: list[str], acronyms: dict[str, str]
) -> list[Participant]:
    """Union over mentions, one entry per name; persons bring their country; `les deux pays` resolved;
    an organisation's acronym replaced by the name it stands for in the article."""
    merged: dict[str, Participant] = {}
    wants_pair = False
    for participant_list in [*(d.participants for d in event.drafts), event.attendees]:
        for participant in participant_list:
            if participant.name == PAIR:
                wants_pair = True
                continue
            if participant.kind == "ORG" and participant.name in acronyms:
                participant = replace(participant, name=acronyms[participant.name])
            merged.setdefault(fold(participant.name), participant)
            if participant.kind == "PER":
                country = person_countries.get(participant.name)
            else:
                country = _organisation_country(participant)
            if country:
                merged.setdefault(
                    fold(country), Participant(country, "GPE", role="title", evidence=participant.evidence)
                )
    gaz = gazetteer()  # `la commissaire européenne` gave the Union she serves, an ORG
    merged = {key: replace(p, kind="ORG") if gaz.is_union(p.name) else p for key, p in merged.items()}
    countries = [p for p in merged.values() if p.kind == "GPE"]
    wants_pair = wants_pair or any(_between_two(d) for d in event.drafts)
    if len(pair) == 2 and ((wants_pair and len(countries) < 2) or (not merged and event.profile.pair_when_unnamed)):
        for name in pair:
            merged.setdefault(fold(name), Participant(name, "GPE", role="les deux pays"))
    return _without_fragments(list(merged.values()))


def _between_two(draft: Draft) -> bool:
    """`le dernier dialogue militaire conjoint`, `une commission mixte`: a modifier saying two sides hold
    it; in a bilateral article they are its two countries."""
    sentence, head = draft.match.sentence, draft.match.head
    words = [*draft.match.words, *(c for c in sentence.children(head) if c.deprel == "amod")]
    return any(fold(w.lemma) in grammar_words("pair_modifiers") for w in words)


def _without_fragments(participants: list[Participant]) -> list[Participant]:
    """An organisation named by a piece of another one's name (`Socialisme` beside `parti du Progrès
    et du Socialisme`, `Task` beside `Task force Hydrogène`) is the tagger's cut of that name; one
    whose name holds a participant person's (`Sénat Herimanana Razafimahefa`) ran into that person."""
    def padded(participant: Participant) -> str:
        return f" {fold(participant.name).replace(chr(39), chr(39) + ' ')} "  # `l'UNESCO` holds `UNESCO`

    persons = [padded(p) for p in participants if p.kind == "PER" and " " in p.name]
    kept = [p for p in participants if p.kind != "ORG" or not any(person in padded(p) for person in persons)]
    organisations = [padded(p) for p in kept if p.kind == "ORG"]
    return [p for p in kept
            if p.kind != "ORG" or not any(padded(p) in other and padded(p) != other for other in organisations)]


def without_destination(frame: EventFrame, event: EventDraft, participants: list[Participant]) -> list[Participant]:
    """The country a visit goes to is its place, not a party (`a visité la France`), unless a
    title says someone represents it (`le président français l'a reçu`)."""
    if not event.profile.has_destination or frame.location is None:
        return participants
    return [p for p in participants if not (p.kind == "GPE" and p.name == frame.location and p.role != "title")]


def _organisation_country(participant: Participant) -> str | None:
    """The country an organisation's name gives it (`Fédération tunisienne de boxe` -> Tunisie); not a
    demonym after a `de` complement, which qualifies that complement (`Commission de l'océan Indien`,
    `Université de Polynésie Française`)."""
    if participant.kind != "ORG":
        return None
    gaz = gazetteer()
    head = re.split(r"\s(?:de|du|des|d['’])(?=\s|\w)", participant.name, maxsplit=1)[0]
    return next(filter(None, (gaz.country_of_demonym(w) for w in head.split()[1:])), None)


def set_place_and_time(frame: EventFrame, event: EventDraft, events: list[EventDraft], doc: Doc) -> None:
    text = doc.text
    place_draft = _best_place(event)
    if place_draft is not None:
        place_draft = _tour_country(event, place_draft, doc)
    frame.start, frame.end = event.dates
    days = next((d.days for d in event.drafts if d.days), None)
    if days and frame.start and len(frame.start) == len("YYYY-MM-DD") and frame.end is None:
        frame.end = (date.fromisoformat(frame.start) + timedelta(days=days - 1)).isoformat()  # `arrivé le 22 pour une visite de deux jours`
    frame.time_evidence = next((d.time_evidence for d in event.drafts if d.time_evidence), None)
    if _held_during_host(event) and (place_draft is None or frame.start is None):
        host = _host_event(event, events, frame.start)
        if host is not None:
            hosting = _best_place(host)
            place_draft = place_draft or (hosting and _tour_country(host, hosting, doc))
            if frame.start is None and host.dates != (None, None):
                frame.start, frame.end = host.dates
                frame.end = frame.end or frame.start  # a meeting during an open-ended stay: that day
    if event.profile.hosts_meetings and (place_draft is None or frame.start is None):
        guest = _meeting_during(event, events)
        if guest is not None:
            place_draft = place_draft or _best_place(guest)
            start = guest.dates[0]
            if frame.start is None and start:
                frame.start = frame.end = start[:7]  # dated only through one day inside it: the month
    if place_draft is not None:
        frame.location = place_draft.place.place.name
        frame.location_evidence = Span(
            place_draft.place.word.start_char, place_draft.place.word.end_char, place_draft.mention.sentence
        )
    else:
        _place_from_sentences(frame, event, events, text)
    if not _is_tour(event, doc):
        _city_named_with(frame, event, events, text)
    frame.location = _venue_place(frame.location, text)


def _tour_country(event: EventDraft, place_draft: Draft, doc: Doc) -> Draft:
    """A trip whose mentions name its country, refined to a city of it, goes to the country when
    it is a tour (`une mission au Mexique` ... `à Guadalajara` ... `à Mexico`)."""
    city = place_draft.place.place
    country = next((d for d in event.drafts if d.place and d.place.place and d.place.place.is_country
                    and same_or_within(city, d.place.place)), None)
    if country is None or city.is_country or not _is_tour(event, doc):
        return place_draft
    return country


def _is_tour(event: EventDraft, doc: Doc) -> bool:
    """A trip that, from its first mention to its last, stops in two or more localities (its own
    places and those its sentences put something in): GUIDELINES 4, a visit to several cities of one
    country gets the country."""
    if not event.profile.has_destination:
        return False
    first, last = min(event.sentences), max(event.sentences)
    localities = {
        fold(p.place.name)
        for sentence in doc.sentences[first : last + 1]
        if sentence.words
        for p in sentence_places(sentence, doc.text, sentence.words[0])
        if not p.place.is_country and not p.place.region
    } | {fold(d.place.place.name) for d in event.drafts if d.place and d.place.place and d.place.place.is_city}
    return len(localities) >= 2


def _city_named_with(frame: EventFrame, event: EventDraft, events: list[EventDraft], text: str) -> None:
    """A country refined to the one city of it where the event's sentences put the event
    (`arrivés à l'aéroport de Vientiane pour une visite au Laos`, `visitera le Mémorial de Kigali`):
    GUIDELINES 4, the city, else the country. A city another event there takes as its own place
    (`a reçu à Rabat X, en visite au Maroc`) is that event's."""
    country = gazetteer().lookup(frame.location) if frame.location else None
    if country is None or not country.is_country:
        return
    others = {(d.sentence_index, d.place.word.id) for other in events if other is not event
              for d in other.drafts if d.place is not None}
    cities = {}
    for draft in event.drafts:
        sentence = draft.match.sentence
        for word in sentence.words:
            if (word.upos != "PROPN" or (draft.sentence_index, word.id) in others
                    or not _places_event(sentence, word, draft.match.head)):
                continue
            found = place_of(sentence, word, text)
            if found is not None and found.place is not None and found.place.is_city and found.place.country == country.name:
                cities.setdefault(found.place.name, Span(word.start_char, word.end_char, draft.mention.sentence))
    if len(cities) == 1:
        frame.location, frame.location_evidence = next(iter(cities.items()))


def _places_event(sentence: Sentence, word: Word, trigger: Word) -> bool:
    """Whether a name, climbing its nominal phrase, is where the trigger's clause happens: a
    locative phrase of the trigger or of a verb above it (`arrivés à l'aéroport de X pour entamer
    une visite`), or the trigger's object (`visitera le Mémorial de X`). A person's post or a name
    inside another nominal (`la commune de X`, `les Jeux à X` in another clause) is not."""
    titles = word_set("entities", "titles")
    above_trigger = {trigger.id, *(w.id for w in sentence.ancestors(trigger))}
    for current, head in zip([word, *sentence.ancestors(word)], sentence.ancestors(word), strict=False):
        if current is not word and (keys(current) & titles or sentence.entity_kind(current) == "PER"):
            return False
        if head.id == trigger.id or head.upos in ("VERB", "AUX"):
            if head.id not in above_trigger:
                return False
            named = current.upos == "PROPN" or sentence.determiner(current) is not None
            located = sentence.case_of(current) in LOCATIVE_CASES and named
            return located or (head.id == trigger.id and current.deprel == "obj")
    return False


def join_visitors(frames: list[EventFrame], events: list[EventDraft]) -> None:
    """A meeting that names nobody (`on prévoit de rencontrer les décideurs`), held during a visit,
    is the visitors' meeting: it takes the visit's participants."""
    by_event = {id(event): frame for event, frame in zip(events, frames, strict=True)}
    for event, frame in zip(events, frames, strict=True):
        if not event.profile.visitors_meeting or any(p.kind in ("PER", "ORG") for p in frame.participants):
            continue
        host = _host_event(event, events, frame.start)
        if host is not None and host.profile.hosts_meetings:
            known = {(p.name, p.kind) for p in frame.participants}
            frame.participants += [p for p in by_event[id(host)].participants if (p.name, p.kind) not in known]


def date_trip_by_its_stop(frames: list[EventFrame], events: list[EventDraft]) -> None:
    """`le 24 octobre, en visite en Israël dans le cadre d'une tournée au Proche-Orient`: an undated
    trip framing a dated stop of its sentence (its noun the complement of a framing noun: `cadre`,
    `étape`) was under way then: it takes the stop's month (it may have begun earlier) and status."""
    framing = word_set("grammar", "framing_nouns")
    for event, frame in zip(events, frames, strict=True):
        if frame.start is not None or not any(d.match.entry.open_trip for d in event.drafts):
            continue
        for draft in event.drafts:
            sentence, head = draft.match.sentence, draft.match.head
            governor = sentence.head_of(head)
            if governor is None or not keys(governor) & framing:
                continue
            stop = next((f for e, f in zip(events, frames, strict=True) if e is not event and f.start
                         and e.profile.has_destination and draft.sentence_index in e.sentences), None)
            if stop is not None:
                frame.start, frame.status = stop.start[: len("YYYY-MM")], stop.status
                break


def date_from_host(frames: list[EventFrame], events: list[EventDraft]) -> None:
    """A meeting or signing with no date, held during a visit dated only as the article's news
    (`satisfait de sa visite à Berlin, marquée par la signature d'un accord`): GUIDELINES 4, it
    inherits the visit's date, now known (one day of an open-ended stay)."""
    by_event = {id(event): frame for event, frame in zip(events, frames, strict=True)}
    for event, frame in zip(events, frames, strict=True):
        if frame.start is not None or not _held_during_host(event):
            continue
        host = _host_event(event, events, None)
        if host is not None and host.profile.hosts_meetings and by_event[id(host)].start:
            frame.start = by_event[id(host)].start
            frame.end = by_event[id(host)].end or frame.start


def date_as_the_series_goes_on(frames: list[EventFrame], events: list[EventDraft]) -> None:
    """`Ce lundi, le ministre a accordé des audiences ... Il a ensuite reçu X ... Enfin, il s'est
    entretenu avec Y`: an undated event that a sequence or additive adverb tells as the next of a
    series took place on the day of the one of its type told before it, not on the article's day (types
    an undated report dates by the article; not agreements, often standing frameworks)."""
    told: dict[str, EventFrame] = {}
    for event, frame in sorted(zip(events, frames, strict=True), key=lambda pair: min(pair[0].sentences)):
        previous = told.get(event.type)
        if (frame.time_evidence is None and event.profile.dated_by_article and previous is not None
                and previous.start and previous.start == previous.end
                and frame.status == previous.status and _goes_on(event)):
            frame.start = frame.end = previous.start
        told[event.type] = frame


def place_from_host(frames: list[EventFrame], events: list[EventDraft]) -> None:
    """A meeting with no place, held during a visit whose destination only its sentences name
    (`Une visite officielle des ministres ... à X` over `une visite au cours de laquelle la délégation
    s'entretient avec ...`): GUIDELINES 4, it inherits the visit's destination."""
    by_event = {id(event): frame for event, frame in zip(events, frames, strict=True)}
    _visit_placed_by_what_came_before(frames, events)
    _placed_by_its_occasion(frames, events)
    _placed_as_the_series_goes_on(frames, events)
    _placed_by_its_occasion(frames, events)  # `en marge de ces rencontres`: those the series placed
    for event, frame in zip(events, frames, strict=True):
        if not _held_during_host(event) or frame.location is not None:
            continue
        first = min(event.sentences)
        for other in reversed(events):
            host = by_event[id(other)]
            if other is event or not other.profile.hosts_meetings or other.place is not None or host.location is None:
                continue
            place = gazetteer().lookup(host.location)
            if place is not None and place.region:
                continue
            nearby = any(first - NEARBY_SENTENCES <= s <= first for s in other.sentences)
            if nearby and _within(frame.start, other.dates) and not _done_before(event, other):
                frame.location, frame.location_evidence = host.location, host.location_evidence
                break
        if frame.location is None and _names_the_delegation(event):
            trips = [by_event[id(o)] for o in events if o.profile.hosts_meetings and min(o.sentences) < first]
            places = {t.location for t in trips}
            if trips and len(places) == 1 and None not in places:
                place = gazetteer().lookup(trips[-1].location)
                if place is None or not place.region:
                    frame.location, frame.location_evidence = trips[-1].location, trips[-1].location_evidence


def dateline_city_for_its_country(frames: list[EventFrame], events: list[EventDraft], doc: Doc) -> None:
    """A wire story's event placed only in the dateline city's country by its sentences (`au Soudan`
    in a story filed from Khartoum), not a trip and not by its own phrase: the dateline city
    (GUIDELINES 4, the city, else the country)."""
    filed = dateline(doc.text)
    if filed is None:
        return
    for event, frame in zip(events, frames, strict=True):
        if frame.location != filed.place.country or event.profile.has_destination or _best_place(event):
            continue  # a country its own phrase names (`discussions au Maroc`) stays
        frame.location = filed.place.name
        frame.location_evidence = Span(*filed.name, doc.text[filed.start : filed.end])


def _visit_placed_by_what_came_before(frames: list[EventFrame], events: list[EventDraft]) -> None:
    """A visit named only afterwards (`En marge de cette visite, ...`), with no place of its own,
    goes where the event told just before it took place (`ont signé lundi à X un accord`): the
    reverse of a meeting held during a visit (GUIDELINES 4)."""
    for event, frame in zip(events, frames, strict=True):
        if not event.profile.hosts_meetings or frame.location is not None:
            continue
        first = min(event.sentences)
        if not any(d.definite for d in event.drafts if d.sentence_index == first):
            continue
        before = [(max(s for s in o.sentences if s < first), f) for o, f in zip(events, frames, strict=True)
                  if o is not event and not o.profile.hosts_meetings and f.location
                  and any(first - NEARBY_SENTENCES <= s < first for s in o.sentences)]
        if before:
            _, told = max(before, key=lambda pair: pair[0])
            place = gazetteer().lookup(told.location)
            if place is None or not place.region:
                frame.location, frame.location_evidence = told.location, told.location_evidence


def _placed_by_its_occasion(frames: list[EventFrame], events: list[EventDraft]) -> None:
    """An event with no place that its clause sets at another event (`Après la signature, la
    délégation a été reçue`, `En marge du sommet, il a rencontré`) is where that one is; twice, for
    a chain (`En marge de ces rencontres, il a visité le salon`)."""
    by_event = {id(event): frame for event, frame in zip(events, frames, strict=True)}
    for _ in range(2):
        for event, frame in zip(events, frames, strict=True):
            if frame.location is not None:
                continue
            occasion = next((by_event[id(o)] for d in event.drafts for o in events
                             if o is not event and by_event[id(o)].location and _occasion_of(d, o)), None)
            if occasion is not None:
                frame.location, frame.location_evidence = occasion.location, occasion.location_evidence
                if frame.start is None and occasion.start:  # on its day; within a longer one, its month
                    one_day = occasion.end in (None, occasion.start)
                    frame.start = frame.end = occasion.start if one_day else occasion.start[:7]


def _placed_as_the_series_goes_on(frames: list[EventFrame], events: list[EventDraft]) -> None:
    """`La ministre a ensuite reçu X ... Enfin, elle s'est entretenue avec Y`, `Il a également tenu des
    rencontres avec Z`: an event with no place that a sequence or additive adverb tells as the next of a
    series is where the one of its type told before it is."""
    told: dict[str, EventFrame] = {}
    for event, frame in sorted(zip(events, frames, strict=True), key=lambda pair: min(pair[0].sentences)):
        previous = told.get(event.type)
        if frame.location is None and previous is not None and previous.location and _goes_on(event):
            frame.location, frame.location_evidence = previous.location, previous.location_evidence
        told[event.type] = frame


def _goes_on(event: EventDraft) -> bool:
    """Whether the first mention's clause carries a sequence or additive adverb (`ensuite`, `également`)."""
    draft = min(event.drafts, key=lambda d: d.sentence_index)
    sentence, head = draft.match.sentence, draft.match.head
    verb = head if head.upos == "VERB" else sentence.governing_verb(head)
    return verb is not None and any(c.deprel == "advmod" and fold(c.lemma) in SEQUENCE_ADVERBS
                                    for c in sentence.children(verb))


def _occasion_of(draft: Draft, other: EventDraft) -> bool:
    """Whether the draft's clause sets it at a mention of the other event (`après X`, `en marge de X`),
    or is a relative clause on that mention (`le forum de X dont le protocole conclu ...`)."""
    sentence, head = draft.match.sentence, draft.match.head
    verb = sentence.governing_verb(head)
    clause = {head.id} | ({verb.id} if verb is not None else set())
    for mention in other.drafts:
        word = mention.match.head
        holder = sentence.head_of(word)
        if mention.sentence_index != draft.sentence_index or holder is None:
            continue
        if any(w.deprel == "acl:relcl" and w.head in mention.match.word_ids for w in (head, verb) if w is not None):
            return True  # `lors du forum de X dont le protocole d'accord conclu entre A et B`
        if sentence.case_of(word) in OCCASION_CASES and holder.id in clause:
            return True
        if fold(holder.lemma) in OCCASION_NOUNS and sentence.case_of(word) in GENITIVE_CASES and holder.head in clause:
            return True
    return False


def _names_the_delegation(event: EventDraft) -> bool:
    """`La délégation a été reçue au Sénat`: a mention's sentence speaks of the delegation already
    told, definitely."""
    for draft in event.drafts:
        sentence = draft.match.sentence
        for word in sentence.words:
            determiner = sentence.word(word.id - 1)
            if (keys(word) & word_set("entities", "travelling_groups") and determiner is not None
                    and fold(determiner.lemma) in grammar_words("anaphoric_determiners")):
                return True
    return False


def _venue_place(location: str | None, text: str) -> str | None:
    """`à l'Élysée`: Paris when the article names Paris, else France."""
    city = gazetteer().venue_city(location) if location else None
    if city is None:
        return location
    return city.name if re.search(rf"\b{re.escape(fold(city.name))}\b", fold(text)) else city.country


def place_from_dateline(frames: list[EventFrame], events: list[EventDraft], doc: Doc) -> None:
    """A wire story's lead event with no place, or only the country, happens where the story is
    filed from (`Kinshasa, 8 juillet 2022 (ACP).- ... au cours d'une audience`): GUIDELINES 4, the
    city, else the country."""
    filed = dateline(doc.text)
    if filed is None:
        return
    lead = [s.index for s in doc.sentences if filed.start <= s.start_char < filed.end][:DATELINE_LEAD_SENTENCES]
    for event, frame in zip(events, frames, strict=True):
        if frame.location not in (None, filed.place.country) or not event.sentences & set(lead):
            continue
        frame.location = filed.place.name
        frame.location_evidence = Span(*filed.name, doc.text[filed.start : filed.end])


def _place_from_sentences(frame: EventFrame, event: EventDraft, events: list[EventDraft], text: str) -> None:
    """No place on the event's own phrases: the nearest place its mentions' sentences name, outside
    another event's mention phrase (`le sommet X et la réunion des Brics en Afrique du Sud`); for a
    type placed by its clause, only a place of the trigger's clause or of a verb above it."""
    for draft in event.drafts:
        others = _other_phrases(draft, event, events)
        sentence, trigger = draft.match.sentence, draft.match.head
        places = [p for p in sentence_places(sentence, text, trigger, received=True)
                  if not p.place.region and p.word.id not in others
                  and (not event.profile.placed_by_its_clause or _places_event(sentence, p.word, trigger))]
        if places:
            # `C'est à Paris, en France, ...`: the city, else the country (GUIDELINES 4)
            best = next((p for p in places if same_or_within(p.place, places[0].place) and p.place.is_city), places[0])
            frame.location = best.place.name
            frame.location_evidence = Span(best.word.start_char, best.word.end_char, draft.mention.sentence)
            return


def _other_phrases(draft: Draft, event: EventDraft, events: list[EventDraft]) -> set[int]:
    """Ids of the words of the draft's sentence under another same-type event's mention that does not
    govern it (a visit's destination is also where the meetings held during it take place)."""
    sentence = draft.match.sentence
    above = {w.id for w in sentence.ancestors(draft.match.head)}
    heads = [d.match.head for other in events if other is not event and other.type == event.type for d in other.drafts
             if d.sentence_index == draft.sentence_index and d.match.head.id not in above]
    return {w.id for head in heads for w in sentence.subtree(head)}


def _meeting_during(visit: EventDraft, events: list[EventDraft]) -> EventDraft | None:
    """A meeting reported in the same sentence as an undated or unplaced visit (`où il a eu des discussions`)."""
    for other in events:
        if other.profile.visitors_meeting and other.sentences & visit.sentences and (other.place or other.dates[0]):
            return other
    return None


def _best_place(event: EventDraft) -> Draft | None:
    """The first place given, refined to a city when a mention names a city in that country."""
    placed = [d for d in event.drafts if d.place and d.place.place]
    if not placed:
        return None
    first = placed[0].place.place
    return next((d for d in placed if d.place.place.is_city and same_or_within(d.place.place, first)), placed[0])


def _host_event(event: EventDraft, events: list[EventDraft], start: str | None) -> EventDraft | None:
    """The visit a meeting takes place in (its relative clause's antecedent, a trip told in a sentence
    of one of its mentions or shortly before its first, or the one trip whose mentions come before and
    after it), or a longer event containing its date."""
    framing = next((other for other in events if other is not event and other.profile.hosts_meetings
                    and _told_within(event, other, events)), None)
    if framing is not None:
        return framing
    first = min(event.sentences)
    for other in reversed(events):
        if other is event or not other.profile.hosts_meetings or other.place is None or not other.place.place:
            continue
        if other.place.place.region:  # a regional tour does not say where the meeting is
            continue
        told_with = any(first - NEARBY_SENTENCES <= s <= first for s in other.sentences) or bool(
            set(event.sentences) & set(other.sentences))
        if (told_with and _within(start, other.dates)
                and not _done_before(event, other)):
            return other
    bracketing = [other for other in events if other is not event and other.profile.hosts_meetings
                  and other.place is not None and min(other.sentences) < first < max(other.sentences)]
    if len(bracketing) == 1 and _within(start, bracketing[0].dates) and not _done_before(event, bracketing[0]):
        return bracketing[0]  # told between two mentions of the one trip the article follows
    if start is not None:
        for other in events:
            span = other.dates
            if (
                other is not event
                and other.place
                and span[0]
                and span[1]
                and span[0] < span[1]
                and _within(start, span)
            ):
                return other
    return None


def _done_before(event: EventDraft, host: EventDraft) -> bool:
    """An event told as done cannot be held during a trip still announced (`Une visite est prévue à
    Rabat. Les deux pays ont signé un accord`)."""
    return (all(d.tense == "past" and not d.planned for d in event.drafts)
            and all(d.planned for d in host.drafts))


def _told_within(event: EventDraft, trip: EventDraft, events: list[EventDraft]) -> bool:
    """`son déplacement du 9 septembre à Bamako, lors duquel il a été reçu par le président`: the
    meeting's verb heads a relative clause on the trip's noun (or, where the parser hangs the clause
    elsewhere, a `lequel` relative after the trip's noun with no other trigger between)."""
    for draft in event.drafts:
        sentence, verb, index = draft.match.sentence, draft.match.head, draft.sentence_index
        if verb.upos != "VERB" or verb.deprel != "acl:relcl":
            continue
        trip_heads = [d.match.head.id for d in trip.drafts if d.sentence_index == index]
        if verb.head in trip_heads:
            return True
        relative = next((c for c in sentence.children(verb) if c.feat("PronType") == "Rel"
                         and fold(c.lemma) in grammar_words("during_relatives")), None)
        before = [h for h in trip_heads if relative is not None and h < relative.id]
        others = {d.match.head.id for e in events for d in e.drafts if d.sentence_index == index}
        if before and not any(before[-1] < h < relative.id for h in others):
            return True
    return False


def _within(day: str | None, span: tuple[str | None, str | None]) -> bool:
    start, end = span
    if day is None or start is None:
        return True
    return start[: len(day)] <= day and (end is None or day[: len(end)] <= end)


def event_status(event: EventDraft, frame: EventFrame, doc_date: str | None) -> str:
    """Dates decide when they can (future -> planned, span over the article date -> ongoing, over in
    an earlier year -> occurred); a type whose named mentions cite one in force took place; otherwise
    the first mention with a tense or a cue does."""
    if doc_date and frame.start:
        n = min(len(frame.start), len(doc_date))
        if frame.start[:n] > doc_date[:n]:
            return "planned"
        end = frame.end
        day_known = len(doc_date) == len("YYYY-MM-DD")  # a month's article may come after the span
        if day_known and end and frame.start < end and frame.start[:n] <= doc_date[:n] and doc_date[: len(end)] <= end:
            return "ongoing"
        if (end or frame.start)[:4] < doc_date[:4] and any(d.year_written for d in event.drafts):
            return "occurred"  # over in a year before the article's: whatever cue it has, it took place
        last = end or frame.start
        k = min(len(last), len(doc_date))
        if last[:k] < doc_date[:k] and any(d.said_past and d.start == frame.start for d in event.drafts):
            return "occurred"  # `le 24 octobre dernier`: its own date says it is past
    if event.profile.named_exists and any(_names_one(d) for d in event.drafts):
        return "occurred"
    for draft in event.drafts:
        if draft.planned:
            return "planned"
        if draft.ongoing:
            return "ongoing"
        if draft.tense == "past":
            break
    if doc_date and frame.start and frame.end is None and any(d.match.entry.arrival for d in event.drafts):
        if frame.start == doc_date[: len(frame.start)]:
            return "ongoing"
    if frame.start is None and any(d.match.entry.open_trip for d in event.drafts):
        return "ongoing"
    return "occurred"


def background_trip_is_over(frame: EventFrame, event: EventDraft, doc: Doc) -> None:
    """An undated trip taken to be under way for want of a date, but told in the past and deep in a
    long article (not its news: `au sommet de sa gloire, il avait effectué une tournée en Afrique`), is
    history: it took place."""
    if frame.status != "ongoing" or frame.start is not None or any(d.ongoing for d in event.drafts):
        return
    tensed = next((d for d in event.drafts if d.tense), None)
    if tensed is not None and tensed.tense == "past" and not any(doc.is_news_of_the_day(d.sentence_index)
                                                                 for d in event.drafts):
        frame.status = "occurred"


def _held_during_host(event: EventDraft) -> bool:
    """Whether an event with no place or date of its own takes its host's; a named instrument
    (`le Traité de coopération`) was in force before any visit that cites it."""
    return event.profile.held_during_host and not (
        event.profile.named_exists and any(_names_one(d) for d in event.drafts))


def _names_one(draft: Draft) -> bool:
    """`la Convention des Nations unies sur ...`, `le Traité de coopération`: a capitalised noun inside
    the sentence names an instrument that exists."""
    head, sentence = draft.match.head, draft.match.sentence
    return head.text[:1].isupper() and head.id != sentence.words[0].id


def date_undated_report(frame: EventFrame, event: EventDraft, doc: Doc) -> None:
    """An event reported as done or as under way (its own present tense or cue: `séjourne en France`),
    with no date of its own, in the article's news (its headline, its lead, a short item) took place
    about when the article was written: its day (a month in the gold, the month hedge, scores it
    right). Not for types whose profile says otherwise (agreements, often cited as standing frameworks
    of unknown date), nor for planned events or ones taken to be under way for want of a date (a
    tour), nor for an event cited deep in a long article."""
    if frame.start is not None or frame.status not in ("occurred", "ongoing") or not doc.date or not event.profile.dated_by_article:
        return
    if frame.status == "ongoing" and not any(d.ongoing for d in event.drafts):
        return  # taken to be under way for want of a date (a tour): when it began is not said
    if any(doc.is_news_of_the_day(m.sentence_index) for m in frame.mentions):
        frame.start = doc.date

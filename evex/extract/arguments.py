"""What one trigger occurrence says about its event: participants, place, time, tense, status cues."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from evex.conllu import Word
from evex.extract import timex
from evex.extract.doc import Doc, Sentence, keys, span_head
from evex.extract.entities import participants_in, person_participant, presence_words
from evex.extract.location import FoundPlace, locative_places, place_of
from evex.extract.resources import EventProfile, fold, grammar_words, load, word_set
from evex.extract.triggers import TriggerMatch, name_opening
from evex.frames import Mention, Participant, Span

ARGUMENT_DEPRELS = ("nsubj", "nsubj:pass", "obj", "iobj", "obl:agent")
PARTNER_CASES = grammar_words("partner_cases")
GENITIVE = grammar_words("genitive_case")
SINCE = grammar_words("since_case")
BEGINNING_VERBS = grammar_words("beginning_verbs")
MODALS = grammar_words("modal_verbs")
MONTHS = frozenset(fold(m) for m in load("timex")["months"])
PAST_MARKERS = frozenset(fold(m) for m in load("timex")["past_markers"])
ORDINAL = re.compile(r"(\d+)\s*(?:e|è|ème|eme|ieme|ième)", re.IGNORECASE)  # `60e`, `40ème`
ANNIVERSARY = frozenset(fold(m) for m in load("timex")["anniversary_nouns"])
YEAR = re.compile(r"\b1[5-9]\d\d\b|\b20\d\d\b")
DEFINITE = grammar_words("definite_determiners")


@dataclass
class Draft:
    """One mention with the arguments found around it, before mentions are grouped into events."""

    match: TriggerMatch
    mention: Mention
    participants: list[Participant] = field(default_factory=list)
    place: FoundPlace | None = None  # a city, country or region
    site: str | None = None  # a named site a visitor goes to (a memorial, a base)
    start: str | None = None
    end: str | None = None
    time_evidence: Span | None = None
    year_written: bool = False  # its date expression writes the year (`en 1978`, `le 5 mai 2021`)
    said_past: bool = False  # its date expression says it is past (`le 24 octobre dernier`)
    days: int | None = None  # its length in days (`une visite de deux jours`)
    tense: str | None = None
    planned: bool = False
    ongoing: bool = False

    @property
    def type(self) -> str:
        return self.match.type

    @property
    def profile(self) -> EventProfile:
        return self.match.entry.profile

    @property
    def sentence_index(self) -> int:
        return self.match.sentence.index

    @property
    def definite(self) -> bool:
        det = self.match.sentence.determiner(name_opening(self.match.sentence, self.match.head))
        return det is not None and fold(det.lemma) in DEFINITE

    @property
    def indefinite(self) -> bool:
        """`un accord`, `des ateliers`, `deux conventions`: a noun introducing something new."""
        sentence, head = self.match.sentence, self.match.head
        det = sentence.determiner(name_opening(sentence, head))
        counted = any(c.deprel == "nummod" for c in sentence.children(head))
        return head.upos != "VERB" and (counted or (det is not None and fold(det.lemma) in grammar_words("indefinite_article")))

    @property
    def named(self) -> list[Participant]:
        return [p for p in self.participants if p.kind in ("PER", "ORG")]

    @property
    def has_own_arguments(self) -> bool:
        return bool(self.start or self.place or self.site or self.named)


def describe(doc: Doc, match: TriggerMatch, siblings: list[TriggerMatch]) -> Draft:
    sentence = match.sentence
    others = {w.id for m in siblings if m is not match for w in [m.head, *m.words]}
    others |= presence_words(sentence)
    draft = Draft(match=match, mention=_mention(doc, match))
    draft.tense = "future" if match.entry.announced else tense_of(sentence, match.head)
    draft.planned = draft.tense == "future" or _has_planned_cue(match)
    draft.ongoing = draft.tense == "present" and (match.entry.stay or _has_ongoing_cue(sentence, match.head))
    draft.participants = _participants(doc, match, others)
    _set_place(doc, draft, others)
    _set_time(doc, draft, siblings)
    draft.days = _length_in_days(sentence, match)
    return draft


def _mention(doc: Doc, match: TriggerMatch) -> Mention:
    sentence = match.sentence
    start = min(w.start_char for w in match.words)
    end = max(w.end_char for w in match.words)
    return Mention(
        trigger=doc.text[start:end],
        start=start,
        end=end,
        sentence=doc.text[sentence.start_char : sentence.end_char],
        sentence_index=sentence.index,
        lemma=match.entry.key,
    )


def _participants(doc: Doc, match: TriggerMatch, stop: set[int]) -> list[Participant]:
    """Arguments of the trigger and of the verb it is an argument of, plus deeper `avec`/`entre` phrases."""
    sentence, head = match.sentence, match.head
    stop = stop | {w.id for w in match.words}
    if head.upos == "VERB":
        holders = _argument_holders(sentence, head)
        found = _clause_arguments(doc, sentence, holders, stop) + _personal_expletive(doc, sentence, head, stop)
    else:
        described = _described_person(doc, sentence, head, stop)
        holders = [] if described else _argument_holders(sentence, head)
        found = [
            *described,
            *_clause_arguments(doc, sentence, holders, stop),
            *_noun_participants(doc, sentence, head, stop),
        ]
        if not found and head.deprel.startswith(("obl", "nmod")):
            found = _frame_subjects(doc, sentence, head, stop)
        if not any(p.kind == "PER" for p in found):
            found = found + _possessor(doc, sentence, head, stop)
    return found + _counterparts_below(doc, sentence, [head, *holders], stop)


def _clause_arguments(
    doc: Doc, sentence: Sentence, holders: list[Word], stop: set[int]
) -> list[Participant]:
    """Subjects, objects, agents and `avec`/`entre`/`par` phrases of the verbs carrying the event,
    and the organiser in `à l'initiative de X`, `sous l'égide de X`."""
    agent_nouns = word_set("entities", "agent_nouns")
    found: list[Participant] = []
    for verb in holders:
        for child in sentence.children(verb):
            if child.id in stop:
                continue
            if child.deprel in ARGUMENT_DEPRELS or sentence.case_of(child) in PARTNER_CASES:
                found.extend(participants_in(doc, sentence, child, child.deprel, stop))
            elif keys(child) & agent_nouns:
                for organiser in sentence.children(child):
                    if organiser.deprel == "nmod" and organiser.id not in stop:
                        found.extend(participants_in(doc, sentence, organiser, "organiser", stop))
    return found


def _personal_expletive(doc: Doc, sentence: Sentence, verb: Word, stop: set[int]) -> list[Participant]:
    """`Il se rendra au Mémorial`: the parser reads the `il` of an event verb as impersonal; an event
    verb is done by someone, so it is the person named before."""
    return [
        person_participant(doc, sentence, antecedent, "nsubj")
        for child in sentence.children(verb)
        if child.deprel == "expl:subj" and child.id not in stop
        and fold(child.text) in grammar_words("subject_pronouns")
        for antecedent in [doc.persons.person_before(sentence.index, child.start_char, gender=child.feat("Gender"))]
        if antecedent is not None
    ]


def _counterparts_below(
    doc: Doc, sentence: Sentence, roots: list[Word], stop: set[int]
) -> list[Participant]:
    """`avec X`/`entre X et Y` deeper in the phrase (`protocole sur la coopération entre X et Y`),
    not inside relative clauses, which describe something else."""
    relatives = {w.id for w in sentence.words if w.deprel == "acl:relcl"}
    return [
        participant
        for root in roots
        for word in sentence.subtree(root, stop | (relatives - {root.id}))
        if word.id != root.id and word.head != root.id and sentence.case_of(word) in grammar_words("between_cases")
        for participant in participants_in(doc, sentence, word, "entre", stop)
    ]


def _frame_subjects(doc: Doc, sentence: Sentence, head: Word, stop: set[int]) -> list[Participant]:
    """`Dans le cadre d'une tournée au Maghreb, M. Esper s'est entretenu`: the clause subject makes the trip."""
    verb = sentence.governing_verb(head)
    if verb is None:
        return []
    return [
        p
        for child in sentence.children(verb)
        if child.deprel.startswith("nsubj") and child.id not in stop
        for p in participants_in(doc, sentence, child, "frame", stop)
    ]


def _possessor(doc: Doc, sentence: Sentence, head: Word, stop: set[int]) -> list[Participant]:
    """`sa visite`, `son déplacement`, `sa première rencontre avec X`: one person's event noun names
    that person: the nearest clause subject above it when a person (none when it names something
    else: the person may be one the article does not name), else the person named before."""
    if not any(c.deprel == "det" and c.feat("Poss") == "Yes" and c.feat("Number[psor]") == "Sing"
               for c in sentence.children(head)):
        return []
    for verb in sentence.ancestors(head):
        subjects = [c for c in sentence.children(verb) if c.deprel.startswith("nsubj") and c.id not in stop]
        persons = [p for c in subjects for p in participants_in(doc, sentence, c, "possessor", stop) if p.kind == "PER"]
        if persons:
            return persons
        if any(c.upos != "PRON" for c in subjects):
            return []  # `au cours de son séjour, le président a été invité`: the subject says whose
    antecedent = doc.persons.person_before(sentence.index, head.start_char)
    return [person_participant(doc, sentence, antecedent, "possessor")] if antecedent else []


def _described_person(doc: Doc, sentence: Sentence, head: Word, stop: set[int]) -> list[Participant]:
    """`le ministre X, en visite au Sénégal`: a trip noun describing a person names its traveller."""
    governor = sentence.head_of(head)
    if governor is None or head.deprel not in ("nmod", "appos", "acl") or governor.id in stop:
        return []
    if not doc.persons.names_person(sentence, governor) and not doc.persons.person_at(sentence.index, governor):
        return []
    return participants_in(doc, sentence, governor, "described", stop | {head.id})


def _argument_holders(sentence: Sentence, head: Word) -> list[Word]:
    """The trigger verb (and the verb controlling it), or the verb a trigger noun is an argument of."""
    if head.upos == "VERB":
        top = sentence.controller(head)
        return [head] if top is head else [head, top]
    predicate = sentence.predicate_of(head)
    if predicate is None:
        return []
    governor = sentence.head_of(head)
    return [governor, predicate] if governor is not None and governor is not predicate else [predicate]


def _noun_participants(doc: Doc, sentence: Sentence, head: Word, stop: set[int]) -> list[Participant]:
    """`visite du ministre`, `discussions avec X`, `débats dirigés par X`, `celle du commandant`."""
    found: list[Participant] = []
    for child in sentence.children(head):
        if child.id in stop:
            continue
        if child.deprel.startswith("nmod") and sentence.case_of(child) in GENITIVE | PARTNER_CASES:
            found.extend(participants_in(doc, sentence, child, "nmod", stop))
        elif child.deprel == "conj" and doc.persons.names_person(sentence, child):
            found.extend(participants_in(doc, sentence, child, "conj", stop))
        elif child.deprel.startswith("nmod") and fold(child.lemma) in grammar_words("demonstrative_pronouns"):
            found.extend(participants_in(doc, sentence, child, "nmod", stop))
        elif child.deprel in ("acl", "acl:relcl"):
            for grandchild in sentence.children(child):
                if grandchild.deprel in ("obl:agent", "nmod") and grandchild.id not in stop:
                    found.extend(participants_in(doc, sentence, grandchild, "agent", stop))
    return found


def _set_place(doc: Doc, draft: Draft, stop: set[int]) -> None:
    """The first city, country or region on the trigger or its verb; a trip also notes a named site."""
    match = draft.match
    sentence, head = match.sentence, match.head
    roots = [head]
    purpose = match.entry.profile.has_destination
    predicate = sentence.governing_verb(head)
    if predicate is not None and predicate is not head and not (purpose and is_occasion(sentence, head)):
        roots.append(predicate)
        roots.extend(c for c in sentence.children(predicate) if c.deprel == "xcomp")  # devraient reprendre à X
    if purpose and head.upos == "VERB":  # `rejoindra Lyon`, `a visité Dakar`
        destination = next((c for c in sentence.children(head) if c.deprel == "obj" and c.upos == "PROPN"), None)
        found = place_of(sentence, destination, doc.text) if destination is not None else None
        draft.place = found if found and found.place else None
    for root in roots:
        places = locative_places(sentence, root, doc.text, stop | {head.id} - {root.id}, purpose, root is head)
        draft.place = draft.place or _venue_city(
            [p for p in places if p.place and (purpose or not p.place.region)])
        if purpose and root is head:
            draft.site = draft.site or next((p.site for p in places if p.site), None)
    if not purpose:
        draft.place = draft.place or _city_in_name(doc, sentence, head)


def is_occasion(sentence: Sentence, head: Word) -> bool:
    """`Au cours de son séjour, il a été invité aux finales à X`, `lors de sa tournée`: a trip the clause
    happens during; the clause's place is one stop of it, not where the trip goes."""
    governor = sentence.head_of(head)
    if sentence.case_of(head) in grammar_words("occasion_cases"):
        return True
    return (governor is not None and fold(governor.lemma) in grammar_words("occasion_nouns")
            and sentence.case_of(head) in GENITIVE)


def _venue_city(places: list[FoundPlace]) -> FoundPlace | None:
    """The first place, unless it is a name the gazetteer does not know followed by a city it
    knows (`au Palais du Sénat, à Phnom Penh`): GUIDELINES 4, a venue gives its city."""
    if not places:
        return None
    first = places[0]
    if first.place.country is None and not first.place.region:
        return next((p for p in places[1:] if p.place.is_city), first)
    return first


def _city_in_name(doc: Doc, sentence: Sentence, head: Word) -> FoundPlace | None:
    """`la Conférence de Munich`, `la Déclaration d'Alger`: an event named after the city it is held in."""
    for child in sentence.children(head):
        if child.deprel == "nmod" and child.upos == "PROPN" and sentence.case_of(child) in GENITIVE:
            found = place_of(sentence, child, doc.text)
            if found and found.place and found.place.is_city:
                return found
    return None


def tense_of(sentence: Sentence, head: Word) -> str | None:
    """past, future or present from the verb carrying the trigger (auxiliaries, modals, mood)."""
    verb = head if head.upos == "VERB" else sentence.governing_verb(head)
    if verb is None:
        return None
    if verb.feat("VerbForm") == "Inf":
        if any(fold(c.lemma) in grammar_words("purpose_marks") for c in sentence.children(verb) if c.deprel == "mark"):
            return "future"  # `pour parvenir à un accord`: what the clause aims at has not happened
        top = sentence.controller(verb)
        if top is verb:
            return None
        if fold(top.lemma) in MODALS:
            return "future"
        verb = top
    auxes = [c for c in sentence.children(verb) if c.deprel.startswith("aux")]
    if not auxes and _misread_present(verb):
        return "present"
    if any(fold(a.lemma) in MODALS for a in auxes):
        return "future"
    for aux in auxes:
        if aux.feat("Tense") == "Fut":
            return "future"
        if aux.feat("Mood") == "Cnd":
            # `un accord serait trouvé`, `l'audience qu'il aurait accordée`: the press's conditional
            # reports a past it cannot confirm; `il signerait`, `il devrait` are what is to come
            return "past"
    if auxes and verb.feat("VerbForm") == "Part":
        return "past"
    if verb.feat("Tense") == "Fut" or verb.feat("Mood") == "Cnd":
        return "future"
    if verb.feat("Tense") in ("Past", "Imp"):
        return "past"
    if verb.feat("Tense") == "Pres" and verb.feat("VerbForm") == "Fin":
        return "present"
    return None


def _has_planned_cue(match: TriggerMatch) -> bool:
    """prévu, projet de, se préparent à, mise en place, discussions futures, the invited trip."""
    sentence, head = match.sentence, match.head
    cues = word_set("triggers", "planned_cues")
    near = [*sentence.children(head), *[c for s in match.satellites for c in sentence.children(s)]]
    if any(keys(c) & cues for c in near if c.deprel in ("amod", "acl", "acl:relcl")):
        return True
    if is_occasion(sentence, head):
        return False  # `au cours de son séjour, il a été invité aux finales`: what the clause says is to come
    if _on_the_agenda(sentence, head):
        return True
    for hops, word in enumerate(sentence.ancestors(head)):
        if hops >= 3:
            break
        if keys(word) & cues:
            return True
        if word.upos == "VERB":
            top = sentence.controller(word)
            return top is not word and bool(keys(top) & cues)
    return False


def _on_the_agenda(sentence: Sentence, head: Word) -> bool:
    """`Au programme de cette visite figurent des audiences`, `le programme prévoit ...`: what a clause
    in the present or future puts on a programme or an agenda is to come."""
    verb = head if head.upos == "VERB" else sentence.governing_verb(head)
    if verb is None or verb.feat("Tense") not in ("Pres", "Fut") or verb.feat("VerbForm") != "Fin":
        return False
    return any(keys(c) & grammar_words("agenda_nouns") for c in sentence.children(verb))


def _misread_present(verb: Word) -> bool:
    """`séjourne` tagged a past participle: an -er verb's participle ends in -é(e)(s), so a form
    without the accent is the present the tagger missed."""
    form = verb.text.lower()
    return (
        verb.feat("VerbForm") == "Part"
        and fold(verb.lemma).endswith("er")
        and form.endswith(("e", "es", "ent"))
        and not form.endswith(("ée", "ées"))
    )


def _has_ongoing_cue(sentence: Sentence, head: Word) -> bool:
    """`actuellement`, `en cours` on its verb; or a noun whose verb says it takes place (`où se déroule
    une rencontre`), the caller having checked that verb's present tense."""
    cues = {fold(c) for c in load("triggers")["ongoing_cues"]}
    verb = head if head.upos == "VERB" else sentence.governing_verb(head)
    words = sentence.children(verb) if verb is not None else []
    if head.upos != "VERB" and verb is not None and head.deprel.startswith("nsubj") and sentence.head_of(head) is verb:
        if keys(verb) & word_set("triggers", "taking_place_verbs"):
            return True
    return any(fold(w.text) in cues for w in words)


def _set_time(doc: Doc, draft: Draft, siblings: list[TriggerMatch]) -> None:
    """The time expression this trigger owns: of those whose attachment path reaches it, the nearest
    in the tree (`dénoncer début mars l'accord signé en 1961`: 1961), the first of equals."""
    match = draft.match
    sentence = match.sentence
    offset = sentence.start_char
    sentence_text = doc.text[offset : sentence.end_char]
    owned, unowned = [], []
    for expression in timex.find_time_expressions(sentence_text, doc.date, draft.tense):
        words = [
            w
            for w in sentence.words
            if w.start_char < offset + expression.end and w.end_char > offset + expression.start
        ]
        if not words or (expression.value_start is None and expression.value_end is None):
            continue
        if _inside_since_phrase(sentence, words):
            continue
        owner, hops = _owner(sentence, words, siblings)
        if owner is match:
            owned.append((hops, len(owned), expression, words))
        elif owner is None and hops == 0 and _calendar_date(expression) and _dates_clause_of(sentence, words, match, siblings):
            unowned.append((0, 0, expression, words))
    if not owned and len(unowned) == 1:  # an event cited in passing, dated by its clause's year
        owned = unowned
    if not owned and doc.date:
        _date_by_anniversary(draft, doc.date)
    for _, _, expression, words in sorted(owned, key=lambda o: o[:2])[:1]:
        draft.start, draft.end = expression.value_start, expression.value_end
        local_tense = _local_tense(sentence, words, match)
        # `le mémorandum signé en janvier`: the participle's past, whatever the clause's tense
        if local_tense and local_tense != draft.tense:
            draft.start, draft.end = timex.normalise(expression.text, doc.date, local_tense)
        draft.time_evidence = Span(offset + expression.start, offset + expression.end, sentence_text)
        draft.year_written = bool(YEAR.search(expression.text))
        draft.said_past = bool(set(fold(expression.text).split()) & PAST_MARKERS)
        if _follows_since(sentence, words):  # `depuis le 3 juin`: begun, not over, even told in the past
            draft.end = None  # (`sont arrivés depuis jeudi pour une visite`)
            draft.ongoing = draft.ongoing or draft.tense != "future"
        elif _begun_on(sentence, words):  # `a entamé ce lundi une visite`: under way when begun the article's day
            draft.end = None
            draft.ongoing = draft.ongoing or draft.tense == "present" or draft.start == doc.date


def _local_tense(sentence: Sentence, words: list[Word], match: TriggerMatch) -> str | None:
    """Tense of a participle or relative clause inside the trigger's phrase that carries the date."""
    top = span_head(words)
    copula = _copula_of_day(sentence, top)
    if copula is not None:  # `le jeudi 6 octobre sera une journée ...`: the copula's tense
        return {"Fut": "future", "Past": "past", "Imp": "past", "Pres": "present"}.get(copula.feat("Tense") or "")
    for word in sentence.ancestors(top):
        if word.id in match.word_ids:
            return None
        if word.upos == "VERB":
            head = sentence.head_of(word)
            inside = word.deprel in ("acl", "acl:relcl") and head is not None and head.id in match.word_ids
            return tense_of(sentence, word) if inside else None
    return None


def _length_in_days(sentence: Sentence, match: TriggerMatch) -> int | None:
    """`une visite de deux jours`, `une visite d'État de deux jours`: the length the noun's `de` phrase gives."""
    if match.head.upos != "NOUN":
        return None
    units, numbers = load("timex")["length_units"], load("timex")["numbers"]
    for child in (c for w in match.words for c in sentence.children(w)):
        unit = next((units[k] for k in keys(child) if k in units), None)
        if unit is None or sentence.case_of(child) not in GENITIVE:
            continue
        for count in sentence.children(child):
            if count.deprel == "nummod":
                n = int(count.text) if count.text.isdigit() else numbers.get(fold(count.text))
                if n:
                    return n * unit
    return None


def _date_by_anniversary(draft: Draft, doc_date: str) -> None:
    """`le 60e anniversaire du traité` in an article of 2023: the treaty's year is 1963."""
    sentence, head = draft.match.sentence, draft.match.head
    governor = sentence.head_of(head)
    if governor is None or not keys(governor) & ANNIVERSARY or sentence.case_of(head) not in GENITIVE:
        return
    for child in sentence.children(governor):
        count = ORDINAL.fullmatch(child.text)
        if count and 0 < int(count.group(1)) < int(doc_date[:4]):
            draft.start = draft.end = str(int(doc_date[:4]) - int(count.group(1)))
            draft.year_written = True  # as good as written: the year is counted from the article's
            return


def _calendar_date(expression: timex.TimeExpression) -> bool:
    """An expression that writes its year or month (`en 1985`, `le 30 juin prochain`), not one counted
    from the article (`jeudi`, `hier`)."""
    return bool(YEAR.search(expression.text)) or bool(set(fold(expression.text).split()) & MONTHS)


def _dates_clause_of(sentence: Sentence, words: list[Word], match: TriggerMatch, matches: list[TriggerMatch]) -> bool:
    """The expression hangs on a verb above the trigger (`en 1985, la chorale a chanté à Lomé dans le
    cadre d'une tournée`), not inside a noun phrase (`le génocide de 1994`) or another clause, and no
    other trigger lies between them (`X, arrivée le 16 pour une visite`: the arrival's, not the clause's)."""
    top = span_head(words)
    verb = sentence.head_of(top)
    if verb is None or verb.upos not in ("VERB", "AUX"):
        return False
    others = {w.id for m in matches if m is not match for w in [m.head, *m.words]}
    for word in sentence.ancestors(match.head):
        if word.id == verb.id:
            return True
        if word.id in others:
            return False
    return False


def _depth_below(sentence: Sentence, head: Word, word: Word) -> int:
    """How many words up from the trigger's head `word` is (0 when it is the head)."""
    for depth, ancestor in enumerate([head, *sentence.ancestors(head)]):
        if ancestor.id == word.id:
            return depth
    return 0


def _takes_place_for(sentence: Sentence, clause: Word, matches: list[TriggerMatch]) -> bool:
    """`la session de l'Assemblée générale qui se tient du 13 au 23`, `le sommet sur les forêts
    qu'il coprésidera début mars`: a clause saying when something takes place or who takes part,
    hung on the trigger's complement, dates the trigger's event."""
    head = sentence.head_of(clause)
    verbs = word_set("triggers", "taking_place_verbs") | word_set("triggers", "participation_verbs")
    if not keys(clause) & verbs or head is None:
        return False
    described = _agreeing_noun(sentence, clause)
    return (head.deprel == "nmod" and any(_covers(m, head.head) for m in matches)) or (
        described is not None and any(_covers(m, described.id) for m in matches))


def _agreeing_noun(sentence: Sentence, participle: Word) -> Word | None:
    """`les sommets de la Communauté X et de l'Union Y tenus le 30`: the noun a participle describes
    is the nearest above its attachment, through `de` complements and conjuncts, that agrees with it
    in gender and number (the masculine plural sommets, not the Union it is hung on)."""
    gender, number = participle.feat("Gender"), participle.feat("Number")
    if participle.feat("VerbForm") != "Part" or not gender or not number:
        return None
    word = sentence.head_of(participle)
    while word is not None:
        if word.upos == "NOUN" and word.feat("Gender") == gender and word.feat("Number") == number:
            return word
        if word.deprel not in ("nmod", "conj"):
            return None
        word = sentence.head_of(word)
    return None


def _misattached_participle_noun(sentence: Sentence, participle: Word) -> Word | None:
    """`une tournée dans l'océan Indien, entamée lundi`: a participle hung on a noun it does not agree
    with describes the nearest noun before it that agrees in gender and number."""
    gender, number = participle.feat("Gender"), participle.feat("Number")
    head = sentence.head_of(participle)
    if participle.feat("VerbForm") != "Part" or not gender or not number or head is None or head.upos != "NOUN":
        return None
    if head.feat("Gender") in (gender, None) and head.feat("Number") in (number, None):
        return None
    earlier = [w for w in sentence.words if w.id < participle.id and w.upos == "NOUN"]
    return next((w for w in reversed(earlier) if w.feat("Gender") == gender and w.feat("Number") == number), None)


def _covers(match: TriggerMatch, word_id: int) -> bool:
    return word_id in match.word_ids or any(s.id == word_id for s in match.satellites)


def _follows_since(sentence: Sentence, words: list[Word]) -> bool:
    """`depuis le 3 juin`, whether or not the expression includes its preposition."""
    before = sentence.word(words[0].id - 1)
    return any(w is not None and fold(w.lemma) in SINCE for w in (words[0], before))


def _begun_on(sentence: Sentence, words: list[Word]) -> bool:
    """`une tournée entamée lundi`: the day a verb of beginning gives is when the event began."""
    top = span_head(words)
    verb = sentence.head_of(top)
    return verb is not None and verb.upos == "VERB" and bool(keys(verb) & BEGINNING_VERBS)


def _inside_since_phrase(sentence: Sentence, words: list[Word]) -> bool:
    """`depuis X en février 2006` dates X, the start of a period; not when the event happened."""
    top = span_head(words)
    head = sentence.head_of(top)
    siblings = sentence.children(head) if head is not None else []
    return not _follows_since(sentence, words) and any(
        sentence.case_of(w) in SINCE for w in [top, *siblings] if w.id < top.id or w is top
    )


def _copula_of_day(sentence: Sentence, top: Word) -> Word | None:
    """`le jeudi 6 octobre sera une journée ...`: the copula of the noun a date is said to be."""
    noun = sentence.head_of(top)
    if not top.deprel.startswith("nsubj") or noun is None or noun.upos != "NOUN":
        return None
    return next((c for c in sentence.children(noun) if c.deprel == "cop"), None)


def _day_given_to(sentence: Sentence, top: Word, matches: list[TriggerMatch]) -> tuple[TriggerMatch, int] | None:
    """`le jeudi 6 octobre sera une journée consacrée aux rencontres`: a date said to be a day (the
    subject of a copular noun) dates the event that day is given to, inside the noun's phrase."""
    if _copula_of_day(sentence, top) is None:
        return None
    noun = sentence.head_of(top)
    for match in matches:
        path = [match.head, *sentence.ancestors(match.head)]
        if any(w.id == noun.id for w in path[1:]):
            return match, next(i for i, w in enumerate(path) if w.id == noun.id)
    return None


def _owner(sentence: Sentence, words: list[Word], matches: list[TriggerMatch]) -> tuple[TriggerMatch | None, int]:
    """Climb from the expression; the first trigger on the path, or hanging on a word of the path
    (a trigger or a `signature` standing for an agreement), or carried by a verb of the path, owns it.
    With the owner, how many words the climb went up (the nearer expression dates the trigger); -1 when
    a relative clause on the way keeps the expression to what it describes."""
    top = span_head(words)
    described = _day_given_to(sentence, top, matches)
    if described is not None:
        return described
    for hops, word in enumerate([top, *sentence.ancestors(top)]):
        for match in matches:
            if _covers(match, word.id):
                return match, hops
        for child in sentence.children(word):
            for match in matches:
                if child.id == match.head.id or any(s.id == child.id for s in match.satellites):
                    return match, hops + 1
        holders = [m for m in matches if word in _argument_holders(sentence, m.head)]
        if holders:
            return holders[0], hops + _depth_below(sentence, holders[0].head, word)
        if word.deprel in ("acl", "acl:relcl") and not any(_covers(m, word.head) for m in matches):
            described = _misattached_participle_noun(sentence, word)
            owner = next((m for m in matches if described is not None and _covers(m, described.id)), None)
            if owner is not None:
                return owner, hops + 1
            if not _takes_place_for(sentence, word, matches):
                return None, -1  # a relative clause dates what it describes, not an event further up
    return None, 0

"""Participants named anywhere in a mention's sentence, for what the tree does not attach.

News sentences name an event's parties in appositions, relative clauses and lists that the
parser hangs far from the trigger; the development set showed most such parties in the
sentence itself. Persons only present (`en présence de`) are left out, as the guidelines say.
"""

from __future__ import annotations

import re

from evex.conllu import Word
from evex.extract.arguments import Draft
from evex.extract.doc import Doc, Sentence, keys, span_head, surface
from evex.extract.entities import (
    GENITIVE,
    demonym_after,
    is_title,
    local_body,
    of_states,
    participants_in,
    presence_words,
    titled_person,
)
from evex.extract.gazetteer import gazetteer
from evex.extract.grouping import EventDraft
from evex.extract.location import LOCATIVE_CASES, place_of
from evex.extract.resources import EventProfile, fold, fold_word, grammar_words, load, word_set
from evex.frames import Participant

CLAUSE_ARGUMENTS = ("nsubj", "nsubj:pass", "obl:agent")
PARTNERS = grammar_words("partner_cases")


def sentence_participants(
    doc: Doc, sentence: Sentence, own: Word, profile: EventProfile, others: set[int] = frozenset()
) -> list[Participant]:
    """Who the sentence of the trigger `own` names, but for those merely present and those who only
    report it (`X a annoncé que des négociations ...`). A trip's sentence names the countries one
    goes to, comes from or passes through: only a delegation's or a title's demonym there says who
    travels (the development sets: 3 of 22 such countries were parties). Nor does it take those
    named in the phrase of another event's mention, `others` (`une visite au cours de laquelle la
    délégation s'entretient avec X`: X is the meeting's)."""
    roots = presence_words(sentence) | _reporters(sentence, own) | others | _since(sentence)
    roots |= _participle_agents(doc, sentence, own)
    # who is under an excluded phrase, and the speakers' own words (not their relative clauses)
    excluded = {w.id for w in sentence.words if _under(sentence, w, roots)} | _speakers(sentence, own)
    found: list[Participant] = []
    for person in doc.persons.in_sentence(sentence.index):
        if person.words[0].id in excluded:
            continue
        evidence = doc.span(sentence, person.words)
        kind = "ORG" if person.club else "PER"
        found.append(Participant(doc.persons.full_name(person.name), kind, person.title, "sentence", evidence))
    found.extend(_described_persons(doc, sentence, excluded))
    found.extend(_taking_part(doc, sentence, own))
    if profile.has_destination or profile.attended:
        found.extend(_seat_holders(doc, sentence, own, excluded))
    found.extend(_paired_surnames(doc, sentence))
    found.extend(_organisations(doc, sentence, excluded))
    found.extend(_countries(doc, sentence, excluded, named=not profile.has_destination))
    return found


def _relative_on(sentence: Sentence, head: Word, trigger: set[int]) -> Word | None:
    """The relative clause on the trigger's words that the mention heads or is an argument of
    (`ce forum, où un protocole a été signé entre A et B`), if any."""
    for clause in (head, sentence.head_of(head)):
        if clause is not None and clause.deprel == "acl:relcl" and clause.head in trigger:
            return clause
    return None


def other_mentions(events: list[EventDraft], event: EventDraft, draft: Draft) -> set[int]:
    """Ids of the verbs of other-typed events' mentions in the draft's sentence that do not govern
    it (`une visite au cours de laquelle la délégation s'entretient avec X`, `lors duquel il a été
    reçu par X`), or that are relative clauses on it (`le forum dont le protocole conclu entre A et B`):
    those they name are that event's."""
    sentence = draft.match.sentence
    above = {w.id for w in sentence.ancestors(draft.match.head)}
    found = set()
    for other in events:
        if other is event or other.type == event.type:
            continue
        for d in other.drafts:
            if d.sentence_index != draft.sentence_index or d.match.head.id in above:
                continue
            head = d.match.head
            if head.upos == "VERB":
                found.add(head.id)
            elif relative := _relative_on(sentence, head, draft.match.word_ids):
                found.add(relative.id)  # `le forum de X dont le protocole conclu entre A et B`: A and B sign it
            elif head.upos == "NOUN":
                # `où il a eu des discussions approfondies avec X`: X is the meeting's, held during the trip,
                # whether the parser hangs `avec X` on the noun or on its support verb
                if any(sentence.case_of(c) in PARTNERS for c in sentence.children(head)):
                    found.add(head.id)
                support = sentence.head_of(head) if head.deprel == "obj" else None
                if support is not None and support.upos == "VERB" and support.id not in above:
                    partners = {c.id for c in sentence.children(support) if sentence.case_of(c) in PARTNERS}
                    found |= partners | ({head.id} if partners else set())
    return found


def _described_persons(doc: Doc, sentence: Sentence, excluded: set[int]) -> list[Participant]:
    """`le président laotien est arrivé`: the person the article names with that title and country.
    Read once events are grouped, so that a trip's later mentions do not join it through its traveller."""
    found = []
    for word in sentence.words:
        if is_title(word) and word.id not in excluded:
            referent = titled_person(doc, sentence, word)
            if referent:
                found.append(Participant(referent, "PER", word.text, "described", doc.span(sentence, [word])))
    return found


def _taking_part(doc: Doc, sentence: Sentence, own: Word) -> list[Participant]:
    """`Il participera jeudi au sommet`: the subject of a verb of taking part whose complement the
    trigger is (whatever obl the parser gives it) takes part, a pronoun for the person named before.
    Read once events are grouped: the trigger's own arguments stay as the parser has them."""
    verb = sentence.head_of(own)
    if verb is None or verb.upos != "VERB" or not own.deprel.startswith("obl"):
        return []
    if not keys(verb) & word_set("triggers", "participation_verbs"):
        return []
    verb = sentence.controller(verb)
    return [p for child in sentence.children(verb) if child.deprel.startswith("nsubj")
            for p in participants_in(doc, sentence, child, "taking part", set())]


def _seat_holders(doc: Doc, sentence: Sentence, own: Word, excluded: set[int]) -> list[Participant]:
    """`reçu au siège du RNI`, `lors de sa visite au siège de l'OIF`: the body whose seat a visit or
    a meeting of the trigger's clause is held at hosts it."""
    clause = sentence.governing_verb(own) or own
    within = {w.id for w in sentence.subtree(clause)}
    found: list[Participant] = []
    for seat in sentence.words:
        if seat.id not in within or seat.id in excluded or not keys(seat) & word_set("entities", "seat_nouns"):
            continue
        if sentence.case_of(seat) not in LOCATIVE_CASES:
            continue
        for holder in sentence.children(seat):
            if holder.deprel == "nmod" and sentence.case_of(holder) in GENITIVE:
                found.extend(participants_in(doc, sentence, holder, "seat", set()))
    return [p for p in found if p.kind == "ORG"]


def _paired_surnames(doc: Doc, sentence: Sentence) -> list[Participant]:
    """`la rencontre Akhannouch-Mélenchon`: surnames joined by a hyphen, each of a person the
    article names in full, are those persons."""
    by_surname = {fold(full.split()[-1]): full for full in doc.persons.canonical.values() if len(full.split()) > 1}
    found: list[Participant] = []
    for word in sentence.words:
        parts = [fold(part) for part in word.text.split("-")]
        if word.upos == "PROPN" and len(parts) > 1 and all(part in by_surname for part in parts):
            evidence = doc.span(sentence, [word])
            found.extend(Participant(by_surname[part], "PER", role="sentence", evidence=evidence) for part in parts)
    return found


def _reporters(sentence: Sentence, own: Word) -> set[int]:
    """Subjects of a reporting verb whose clause holds the trigger (`a annoncé que ...`)."""
    reporting = word_set("entities", "reporting_verbs")
    found: set[int] = set()
    for verb in sentence.ancestors(own):
        if verb.upos == "VERB" and keys(verb) & reporting:
            subjects = {c.id for c in sentence.children(verb) if c.deprel.startswith("nsubj")}
            shared = sentence.head_of(verb) if verb.deprel == "conj" else None
            if not subjects and shared is not None:  # `X n'a pas fourni de détails, mais a annoncé ...`
                subjects = {c.id for c in sentence.children(shared) if c.deprel.startswith("nsubj")}
            found |= subjects
    return found


def _speakers(sentence: Sentence, own: Word) -> set[int]:
    """`« ... le dialogue entre X et Y », a déclaré Z`, `a ajouté M. Z, lors de la cérémonie`: who
    speaks in a reporting clause (its subject, or the object a verb without subject inverts) only
    reports; the words of the speaker's phrase, not of a relative clause on it. Unless the trigger's
    clause is the speaker's own (`nous avons décidé de venir`)."""
    if own.upos == "VERB":
        clause = [own, sentence.controller(own)]
    else:
        governor = sentence.head_of(own)
        clause = [governor] if governor is not None and governor.upos == "VERB" else []
    if any(c.deprel.startswith("nsubj") and c.feat("Person") == "1" for v in clause for c in sentence.children(v)):
        return set()
    reporting = word_set("entities", "reporting_verbs")
    relatives = {w.id for w in sentence.words if w.deprel == "acl:relcl"}
    found: set[int] = set()
    for verb in sentence.words:
        if verb.upos != "VERB" or not keys(verb) & reporting:
            continue
        subjects = [c for c in sentence.children(verb) if c.deprel.startswith("nsubj")]
        inserted = _inserted(sentence, verb)
        if inserted:  # its subject follows it; one before it is the reported clause's, misread
            subjects = [c for c in subjects if c.id > verb.id]
        if inserted or not subjects:  # an inverted subject the parser takes for the object
            subjects += [c for c in sentence.children(verb) if c.deprel == "obj" and c.id > verb.id]
        for speaker in subjects:  # `la même source qui rappelle que ...`: not what it reports
            found |= {w.id for w in sentence.subtree(speaker, relatives)}
    return found


def _inserted(sentence: Sentence, verb: Word) -> bool:
    """`», a déclaré X`, `, ajoute la source`: a reporting verb right after a quote or a comma, its
    subject after it."""
    first = min([verb, *(c for c in sentence.children(verb) if c.deprel.startswith("aux"))], key=lambda w: w.id)
    before = sentence.word(first.id - 1)
    return before is not None and before.upos == "PUNCT"


def _participle_agents(doc: Doc, sentence: Sentence, own: Word) -> set[int]:
    """`un projet subsidié par X`, `un communiqué rendu public par Y`: the agent of a participle
    describing a thing (a common noun) acts on that thing, not in the event; a group's or an event's
    (`la délégation conduite par X`, `l'accord annoncé par Y`) is its member or party."""
    keep = word_set("entities", "group_nouns")
    found: set[int] = set()
    for participle in sentence.words:
        noun = sentence.head_of(participle)
        if participle.deprel != "acl" or participle.feat("VerbForm") != "Part" or noun is None or noun.upos != "NOUN":
            continue
        if noun.id == own.id or keys(noun) & keep or fold_word(noun.lemma) in doc.lexicon.by_first_word:
            continue
        found |= {c.id for c in sentence.children(participle) if c.deprel == "obl:agent"}
    return found


def _since(sentence: Sentence) -> set[int]:
    """`le premier à se rendre en Algérie depuis X en 2006`: who a `depuis` phrase names is the
    earlier occurrence's, a point in time for this one."""
    since = grammar_words("since_case")
    return {w.id for w in sentence.words if w.upos in ("PROPN", "NOUN") and sentence.case_of(w) in since}


def _under(sentence: Sentence, word: Word, excluded: set[int]) -> bool:
    return word.id in excluded or any(a.id in excluded for a in sentence.ancestors(word))


def _organisations(doc: Doc, sentence: Sentence, excluded: set[int]) -> list[Participant]:
    gaz = gazetteer()
    persons = {w.id for p in doc.persons.in_sentence(sentence.index) for w in p.words}
    event_names = {m.head.id for m in doc.triggers if m.sentence is sentence}  # `le Business Forum X`: the event
    found = []
    for span in sentence.entity_spans("ORG"):
        span = _trim(span)
        if not span or span[0].id in excluded or not _names_organisation(doc, span, persons):
            continue
        if event_names & {w.id for w in span}:
            continue
        if not _clause_argument(sentence, span) and not _sends_a_group(sentence, span_head(span)):
            continue
        name = surface(doc.text, span)
        if len(name) < 2 or gaz.lookup(name) or "http" in name:
            continue
        found.append(Participant(name, "ORG", role="sentence", evidence=doc.span(sentence, span)))
    return found


def _clause_argument(sentence: Sentence, span: list[Word]) -> bool:
    """An organisation that acts in the sentence as a subject or agent (`le Sénat a signé`, `la
    Banque mondiale, qui finance ...`, `à laquelle a pris part la Banque mondiale`, an inverted
    subject the parser takes for an object), not one that is acted on (`X, qui dirige la Société ...`)
    or only qualifies a noun (`le leader du Front National`, `le sommet Russie-Afrique`, `en
    provenance du RB Salzbourg`): those were mostly no parties in the development sets."""
    top = span_head(span)
    while top.deprel == "conj" and sentence.head_of(top) is not None:
        top = sentence.head_of(top)
    if top.deprel in ("obj", "iobj"):  # `à laquelle a pris part la Banque mondiale`: an inverted subject
        verb = sentence.head_of(top)
        return verb is not None and not any(c.deprel.startswith("nsubj") for c in sentence.children(verb))
    return top.deprel in CLAUSE_ARGUMENTS


def _sends_a_group(sentence: Sentence, word: Word) -> bool:
    """`des représentants de l'Institut X`, `une équipe de l'AFD`: the organisation a group of people
    (a plural title or group noun, or a collective one) comes from takes part with them; one person's
    title names a body only with its holder."""
    head = sentence.head_of(word)
    if word.deprel != "nmod" or sentence.case_of(word) not in GENITIVE or head is None:
        return False
    if keys(head) & word_set("entities", "collective_groups"):
        return True
    people = is_title(head) or bool(keys(head) & word_set("entities", "group_nouns"))
    # `des ministres des Affaires étrangères`: a portfolio, not a body; `dans le cadre du X`: no group
    return people and head.feat("Number") == "Plur" and not keys(head) & word_set("entities", "portfolio_titles")


def _names_organisation(doc: Doc, span: list[Word], persons: set[int]) -> bool:
    """An ORG span the tagger got right: not a person's title (`ministre de la Défense`), not a
    person, not an event (`Conférence ministérielle`), and with a proper noun or an organisation noun."""
    triggers = doc.lexicon.by_first_word
    org_nouns = word_set("entities", "org_nouns")
    if any(is_title(w) or w.id in persons for w in span) or fold_word(span[0].lemma) in triggers:
        return False
    return any(w.upos == "PROPN" or keys(w) & org_nouns for w in span)


def _trim(span: list[Word]) -> list[Word]:
    """No leading article, preposition or conjunction (`la`, `du`, `et` inside a NER span), and
    nothing from a verb on (`la Fédération tunisienne de boxe projette`: the tagger ran on)."""
    verb = next((i for i, w in enumerate(span) if w.upos in ("VERB", "AUX")), None)
    span = span[:verb] if verb else span
    while span and span[0].upos in ("DET", "ADP", "PUNCT", "CCONJ"):
        span = span[1:]
    while span and span[-1].upos in ("DET", "ADP", "PUNCT", "CCONJ"):
        span = span[:-1]
    return span


def _countries(doc: Doc, sentence: Sentence, excluded: set[int], named: bool) -> list[Participant]:
    """Countries named other than as a place (`à X`, `en X`) when `named`, and nationality adjectives
    of persons' titles and groups (`le ministre français`, `la délégation marocaine`)."""
    gaz = gazetteer()
    found = []
    for word in sentence.words:
        if word.id in excluded or doc.persons.person_at(sentence.index, word):
            continue  # `Maurice Tchamba`: a place's name inside a person's is the person's
        if word.upos == "PROPN" and _inside_organisation_name(sentence, word):
            continue
        if word.upos == "PROPN" and (named and not _placed(sentence, _name_head(sentence, word))
                                     and not _related_with(doc, sentence, word)
                                     or _represented(sentence, word)):
            place = place_of(sentence, word, doc.text)
            if place and place.place and place.place.is_country and not _locates_city(doc, sentence, word):
                found.append(Participant(place.place.name, "GPE", role="sentence", evidence=doc.span(sentence, [word])))
        elif is_title(word) and local_body(sentence, word, doc.text):
            found.append(Participant(local_body(sentence, word, doc.text), "GPE", role="sentence",
                                     evidence=doc.span(sentence, [word])))
        elif word.deprel == "amod" and not of_states(sentence, word):
            head = sentence.head_of(word)
            country = gaz.country_of_demonym(word.text, word.lemma)
            if country and head is not None and (is_title(head) or keys(head) & word_set("entities", "group_nouns")):
                found.append(Participant(country, "GPE", role="sentence", evidence=doc.span(sentence, [word])))
        elif demonym_after(sentence, word):
            found.append(
                Participant(demonym_after(sentence, word), "GPE", role="sentence", evidence=doc.span(sentence, [word]))
            )
    return found


def _placed(sentence: Sentence, word: Word) -> bool:
    """After a preposition of place; of two prepositions the parser stacked on one name (`à Ordos en
    Chine`), the one just before it counts."""
    if sentence.case_of(word) in LOCATIVE_CASES:
        return True
    marks = [c for c in sentence.children(word) if c.deprel == "case"]
    last = max(marks, key=lambda c: c.id, default=None)
    return (len(marks) > 1 and last is not None and not any(c.deprel == "fixed" for c in sentence.children(last))
            and fold(last.lemma) in LOCATIVE_CASES)


def _name_head(sentence: Sentence, word: Word) -> Word:
    """The first word of the name `word` is part of: `au Burkina Faso` marks `Burkina`, not `Faso`."""
    while word.deprel.startswith("flat") and (head := sentence.head_of(word)) is not None:
        word = head
    return word


def _inside_organisation_name(sentence: Sentence, word: Word) -> bool:
    """`la France insoumise`, `le collectif Frapp/France dégage`: a country's name inside the tagged
    name of an organisation is part of that name, not a party; a state's own name (`la République du
    Sénégal`) and a name of places alone (`Maroc-France`) are not an organisation's."""
    span = next((s for s in sentence.entity_spans("ORG") if word in s), None)
    if span is None or len(span) < 2 or keys(span[0]) & word_set("entities", "state_nouns"):
        return False
    return not all(gazetteer().lookup(w.text) for w in span if w.upos not in ("PUNCT", "DET", "ADP", "CCONJ"))


def _related_with(doc: Doc, sentence: Sentence, word: Word) -> bool:
    """`la coopération avec la Chine`, `les relations avec l'Algérie`: a country a noun other than an
    event's relates the subject to is a topic, not a party."""
    head = sentence.head_of(word)
    return (sentence.case_of(word) in grammar_words("with_case") and head is not None and head.upos == "NOUN"
            and fold_word(head.lemma) not in doc.lexicon.by_first_word)


def _represented(sentence: Sentence, word: Word) -> bool:
    """`une délégation de X`, `le président du Y`: the country a title or a group stands for, a party
    even of a trip, whose sentence's other countries are where one goes."""
    head = sentence.head_of(word)
    return (word.deprel == "nmod" and sentence.case_of(word) in GENITIVE and head is not None
            and (is_title(head) or bool(keys(head) & word_set("entities", "group_nouns"))))


def _locates_city(doc: Doc, sentence: Sentence, word: Word) -> bool:
    """`à Kinshasa (RDC)`, `New York, États-Unis`: a country hanging on a city's name says where the
    city is, not who takes part."""
    head = sentence.head_of(word)
    if head is None or head.upos != "PROPN":
        return False
    city = place_of(sentence, head, doc.text)
    return bool(city and city.place and city.place.is_city)


def organisation_acronyms(doc: Doc) -> dict[str, str]:
    """`l'Agence française de développement (AFD)`, or `la FTB` in an article that names the
    `Fédération tunisienne de boxe`: the acronym stands for the expanded name, the organisation's
    canonical name (GUIDELINES 4), wherever the article uses it; an organisation's short common name
    (`la Francophonie`) stands for the name the article gives it (expanded, else its acronym)."""
    found: dict[str, str] = {}
    names: list[str] = []
    for sentence in doc.sentences:
        for span in filter(None, map(_trim, sentence.entity_spans("ORG"))):
            names.append(surface(doc.text, span))
            expansion = _expanded_before_acronym(sentence, span)
            if expansion:
                acronym, words = expansion
                names.append(surface(doc.text, words))
                found.setdefault(acronym, names[-1])
    for acronym in filter(_may_abbreviate, names):
        expansion = next((n for n in names if len(n.split()) > 1 and _abbreviates(acronym, n)), None)
        if expansion:
            found.setdefault(acronym, expansion)
    for short in names:
        longer = next((n for n in names if fold(n).startswith(fold(short) + " ")), None)
        if longer:
            found.setdefault(short, longer)
    for short, forms in load("entities")["organisation_short_names"].items():
        written = next((f for f in forms if re.search(rf"\b{re.escape(f)}\b", doc.text, re.IGNORECASE)), None)
        if written:
            found.setdefault(short, written)
    return found


def _expanded_before_acronym(sentence: Sentence, span: list[Word]) -> tuple[str, list[Word]] | None:
    """`du Bureau de l'Association internationale des Maires francophones (AIMF)`, `le Réseau
    francophone des femmes responsables dans l'enseignement supérieur (RESUFF)`: an acronym in
    parentheses after an organisation's phrase names that phrase, from its first capitalised word that begins
    with the acronym's letter (the tagger may have run a containing body in, or stopped short of
    complements of the head it tagged) to the parenthesis."""
    top = span_head(span)
    phrase = list(span)
    following = sentence.word(span[-1].id + 1)
    while following is not None and following.upos != "PUNCT" and top in sentence.ancestors(following):
        phrase.append(following)
        following = sentence.word(following.id + 1)
    acronym, closing = sentence.word(phrase[-1].id + 2), sentence.word(phrase[-1].id + 3)
    if following is None or following.text != "(" or acronym is None or closing is None or closing.text != ")":
        return None
    if not is_acronym(acronym.text):
        return None
    starts = [i for i, w in enumerate(phrase) if w.text[:1].isupper() and fold(w.text)[:1] == fold(acronym.text)[:1]]
    return (acronym.text, phrase[starts[0]:]) if starts else None


def _abbreviates(short: str, name: str) -> bool:
    """`FTB` for `Fédération tunisienne de boxe`, `Fbvb` for `Fédération béninoise de volleyball`:
    the short form spells each content word's first letter in order, and may take more letters
    from inside a word (as Schwartz and Hearst match abbreviations)."""
    function_words = word_set("entities", "acronym_skipped_words")
    words = [w for w in re.split(r"[\s\-’']+", fold(name)) if w and w not in function_words]
    letters = fold(short)
    return bool(words) and _spells(letters, words)


def _spells(letters: str, words: list[str]) -> bool:
    if not words:
        return not letters
    if not letters or letters[0] != words[0][0]:
        return False
    rest = letters[1:]
    inner = words[0][1:]
    for taken in range(len(rest) + 1):  # letters taken from inside the first word, in order
        if _in_order(rest[:taken], inner) and _spells(rest[taken:], words[1:]):
            return True
    return False


def _in_order(letters: str, word: str) -> bool:
    position = 0
    for letter in letters:
        position = word.find(letter, position) + 1
        if not position:
            return False
    return True


def _may_abbreviate(token: str) -> bool:
    """An acronym, or one written as a capitalised word (`Fbvb`) that an expansion must then spell."""
    return is_acronym(token) or (3 <= len(token) <= 10 and token.isalpha() and token[0].isupper())


def is_acronym(token: str) -> bool:
    return 2 <= len(token) <= 10 and token.isalpha() and sum(c.isupper() for c in token) >= 2

"""Trigger detection: lexicon entries matched on lemmas, then the senses that are not events removed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from evex.conllu import Word
from evex.extract.doc import Doc, Sentence, keys
from evex.extract.gazetteer import gazetteer
from evex.extract.location import locative_places
from evex.extract.resources import Lexicon, TriggerEntry, fold, fold_in_place, grammar_words, load, word_set

MONTHS_AND_DAYS = frozenset(fold(w) for key in ("months", "weekdays") for w in load("timex")[key])
TIME_UNITS = frozenset(fold(w) for w in load("timex")["ago_units"])
NEGATION_PARTICLE = grammar_words("negation_particle")
NEGATION_ADVERBS = grammar_words("negation_adverbs")
GENITIVE = grammar_words("genitive_case")
WITH_CASE = grammar_words("with_case")


@dataclass
class TriggerMatch:
    """One trigger occurrence: the lexicon entry, its head word and the words its span covers."""

    sentence: Sentence
    head: Word
    words: list[Word]
    entry: TriggerEntry
    satellites: list[Word] = field(default_factory=list)  # words that stand for it (a signature)

    @property
    def type(self) -> str:
        return self.entry.type

    @property
    def word_ids(self) -> set[int]:
        return {w.id for w in self.words}


def find_triggers(doc: Doc) -> list[TriggerMatch]:
    matches: list[TriggerMatch] = []
    for sentence in doc.sentences:
        matches.extend(_sentence_triggers(doc, sentence, {m.type for m in matches}))
    return matches


def _sentence_triggers(doc: Doc, sentence: Sentence, earlier_types: set[str]) -> list[TriggerMatch]:
    text = doc.text
    raw = [m for m in lexicon_matches(sentence, doc.lexicon) if not _other_sense_in_genre(doc, m)]
    heads = {m.head.id for m in raw}
    has_signed_noun = any(m.entry.profile.signed and m.entry.pos == "NOUN" and m.entry.needs is None for m in raw)
    kept: list[TriggerMatch] = []
    satellites: list[Word] = []
    for match in raw:
        if match.entry.needs == "no_agreement_noun" and has_signed_noun:
            satellites.append(match.head)
            continue
        if _is_event_sense(match, text, heads - {match.head.id}, earlier_types):
            kept.append(match)
    kept = _absorb_nested(kept)
    for word in satellites:
        signed = [m for m in kept if m.entry.profile.signed]
        if signed:
            min(signed, key=lambda m: abs(m.head.id - word.id)).satellites.append(word)
    for match in kept:
        _extend_span(match)
    return kept


def lexicon_matches(sentence: Sentence, lexicon: Lexicon) -> list[TriggerMatch]:
    """Longest entries first at each position; a word belongs to one trigger at most."""
    words = sentence.words
    word_keys = [keys(w) for w in words]
    index = lexicon.by_first_word
    candidates: list[tuple[int, int, TriggerEntry]] = []
    for i, first in enumerate(word_keys):
        for key in first:
            for entry in index.get(key, ()):
                size = len(entry.words)
                window = word_keys[i : i + size]
                if (
                    len(window) == size
                    and _pos_fits(entry, words[i])
                    and all(p in k for p, k in zip(entry.words, window, strict=True))
                ):
                    candidates.append((-size, i, entry))
    used: set[int] = set()
    found: list[TriggerMatch] = []
    for negative_size, i, entry in sorted(candidates, key=lambda c: (c[0], c[1])):
        window = words[i : i - negative_size]
        if not any(w.id in used for w in window):
            found.append(TriggerMatch(sentence, window[0], list(window), entry))
            used.update(w.id for w in window)
    return sorted(found, key=lambda m: m.head.id)


def _pos_fits(entry: TriggerEntry, word: Word) -> bool:
    if entry.pos == "NOUN":
        return word.upos in ("NOUN", "PROPN")
    return word.upos == "VERB" or (word.upos == "ADJ" and word.feat("VerbForm") == "Part")


def _is_event_sense(match: TriggerMatch, text: str, other_heads: set[int], earlier_types: set[str]) -> bool:
    entry, sentence, head = match.entry, match.sentence, match.head
    if entry.needs and not _need_met(entry.needs, match, text, other_heads):
        if not (match.type in earlier_types and _names_the_one_told(match)):
            return False
    context = _context_keys(sentence, head)
    if context & entry.exclude:
        return False
    if _inside_idiom(match, text) or is_negated(sentence, head) or _is_habitual(sentence, head):
        return False
    if _is_proper_name(sentence, head) or _is_interview_heading(sentence, head) or _is_a_move(match):
        return False
    return not _is_unspecified_plural(sentence, head)



def _other_sense_in_genre(doc: Doc, match: TriggerMatch) -> bool:
    """In an article of a genre the entry names (`other_sense_in`), the word has that genre's sense
    (a sports report's `rencontre` is a match, `la formation de X` a team), unless its own phrase
    names a person it is held with (`sa rencontre avec le président de la fédération`)."""
    if not match.entry.other_sense_in & doc.genres:
        return False
    sentence, head = match.sentence, match.head
    governor = sentence.head_of(head)
    phrases = sentence.children(head) + (  # `a eu une rencontre avec X`, `avec X` hung on the support verb
        [c for c in sentence.children(governor) if c.id > head.id] if governor is not None and governor.upos == "VERB" else [])
    return not any(sentence.case_of(c) in grammar_words("between_cases")
                   and any(sentence.entity_kind(w) == "PER" for w in sentence.subtree(c))
                   for c in phrases)


def _is_interview_heading(sentence: Sentence, head: Word) -> bool:
    """`Entretien avec le réalisateur X`, `Bilan et projets : entretien avec le maire`, `Entretien.`: a
    verbless heading titles an interview."""
    return (bool(keys(head) & word_set("triggers", "interview_headings"))
            and not any(w.upos in ("VERB", "AUX") for w in sentence.words))


def _is_a_move(match: TriggerMatch) -> bool:
    """`a quitté le club pour aller à X`, `fuient leur pays pour rejoindre X`: going somewhere to leave
    somewhere else is a move, not a trip (a motion verb whose purpose clause hangs on a leaving verb);
    `rejoindre` a club or a person is joining it."""
    sentence, head = match.sentence, match.head
    if match.entry.pos != "VERB" or match.entry.needs != "destination":
        return False
    if fold(head.lemma) in grammar_words("join_verbs") and any(
            c.deprel == "obj" and sentence.entity_kind(c) in ("ORG", "PER") for c in sentence.children(head)):
        return True
    if not any(fold(c.lemma) in grammar_words("purpose_marks") for c in sentence.children(head) if c.deprel == "mark"):
        return False
    leaving = grammar_words("leaving_verbs")
    return any(fold(w.lemma) in leaving for w, _ in zip(sentence.ancestors(head), range(2)))


def _is_proper_name(sentence: Sentence, head: Word) -> bool:
    """`handisport Réunion`, `de La Réunion`: a trigger word inside a name the tagger marks as an
    entity, capitalised mid-sentence with no common determiner (`le Sommet`, `ce Forum` stay events),
    or one that names a known place whatever its determiner (`la Réunion`)."""
    if head.id == sentence.words[0].id or not head.text[:1].isupper():
        return False
    if gazetteer().lookup(head.text):
        return True  # `la Réunion`, the island
    if sentence.entity_kind(head) is None:
        return False
    if _names_an_organisation(sentence, head):
        return True
    det = sentence.determiner(name_opening(sentence, head))
    return det is None or (det.text[:1].isupper() and det.id != sentence.words[0].id)


def name_opening(sentence: Sentence, head: Word) -> Word:
    """The capitalised first word of a name the trigger closes in English order (`du Business Forum`,
    `au Peace Forum`): the determiner of that word is the name's; else the trigger itself."""
    governor = sentence.head_of(head)
    if governor is None or governor.id > head.id or head.id - governor.id > 2:
        return head
    between = [sentence.word(i) for i in range(governor.id, head.id)]
    if all(w.text[:1].isupper() and sentence.entity_goes_on(w, sentence.word(w.id + 1)) for w in between):
        return governor
    return head


def _names_an_organisation(sentence: Sentence, head: Word) -> bool:
    """`l'association des Rencontres méditerranéennes du cinéma`: a capitalised trigger opening a name
    that goes on past it, as the `de` complement of an organisation noun, is that organisation's name."""
    governor = sentence.head_of(head)
    following = sentence.word(head.id + 1) if head.id < len(sentence.words) else None
    return (governor is not None and bool(keys(governor) & word_set("entities", "org_nouns"))
            and sentence.case_of(head) in GENITIVE
            and following is not None and sentence.entity_goes_on(head, following))


def _context_keys(sentence: Sentence, head: Word) -> set[str]:
    """The trigger's children and governor; for a noun, also an `avec` phrase right after it that the
    parser hung on the governor (`a sanctionné cette rencontre avec les médias`)."""
    context: set[str] = set()
    for child in sentence.children(head):
        context |= keys(child)
        if child.upos == "ADV" or child.deprel == "advmod":  # `a rencontré de plus en plus de difficultés`: what is counted
            context |= {k for w in sentence.subtree(child, set()) if sentence.case_of(w) in GENITIVE for k in keys(w)}
    governor = sentence.head_of(head)
    if governor is not None:
        context |= keys(governor)
        if head.upos == "NOUN":
            for sibling in sentence.children(governor):
                if sibling.id > head.id and sentence.case_of(sibling) in WITH_CASE and _follows(sentence, head, sibling):
                    context |= keys(sibling)
    return context


def _follows(sentence: Sentence, head: Word, sibling: Word) -> bool:
    """Only the trigger's own phrase lies between it and the sibling's phrase."""
    inside = {w.id for w in sentence.subtree(head, set())} | {w.id for w in sentence.subtree(sibling, set())}
    return all(i in inside for i in range(head.id, sibling.id + 1))


# The conditions a lexicon entry's `needs:` names (data/triggers.yaml), one predicate each:
# (match, text, heads of the sentence's other triggers) -> whether the word is an event in this sense.
Need = Callable[[TriggerMatch, str, set[int]], bool]
NEEDS: dict[str, Need] = {}
# `no_agreement_noun` is checked on the whole sentence's matches (`_sentence_triggers`), not on one.
SENTENCE_NEEDS = frozenset({"no_agreement_noun"})


def need(name: str) -> Callable[[Need], Need]:
    def register(predicate: Need) -> Need:
        NEEDS[name] = predicate
        return predicate

    return register


def _need_met(name: str, match: TriggerMatch, text: str, other_heads: set[int]) -> bool:
    predicate = NEEDS.get(name)
    return predicate is None or predicate(match, text, other_heads)


def unknown_needs(lexicon: Lexicon) -> list[str]:
    """Entries whose `needs:` names no predicate, as `words (needs)`."""
    return [f"{' '.join(e.words)} ({e.needs})" for e in lexicon.entries
            if e.needs and e.needs not in NEEDS and e.needs not in SENTENCE_NEEDS]


@need("reflexive")
def _reflexive(match: TriggerMatch, text: str, other_heads: set[int]) -> bool:
    """A reflexive pronoun (se rendre, s'entretenir)."""
    return match.sentence.has_reflexive(match.head)


@need("destination")
def _destination(match: TriggerMatch, text: str, other_heads: set[int]) -> bool:
    """A named place introduced by à/en/au/dans/vers (motion verbs, mission)."""
    sentence, head = match.sentence, match.head
    children = sentence.children(head)
    if head.upos == "VERB" and any(c.deprel == "xcomp" and c.feat("VerbForm") == "Inf" for c in children):
        return False  # `nous allons travailler`, `je suis venu réaffirmer`: not a trip
    if head.upos == "VERB" and any(c.upos in ("VERB", "AUX") and any(fold(m.lemma) in GENITIVE for m in sentence.children(c)
                                                                    if m.deprel == "mark") for c in children):
        return False  # `vient d'être considérée`, `vient de signer`: the recent past, not a trip
    return bool(locative_places(sentence, head, text, other_heads, through_purpose=True)) or (
        fold(head.lemma) in grammar_words("join_verbs") and any(c.deprel == "obj" and c.upos == "PROPN" for c in children)
    )


@need("awaited")
def _awaited(match: TriggerMatch, text: str, other_heads: set[int]) -> bool:
    """A named place introduced by à/en/au/dans/vers after it (`est attendu samedi à X`)."""
    sentence, head = match.sentence, match.head
    return any(p.word.id > head.id for p in locative_places(sentence, head, text, other_heads))


@need("trained_group")
def _trained_group(match: TriggerMatch, text: str, other_heads: set[int]) -> bool:
    """`20 officiers ont été formés`, `11 fusiliers ... ont été instruits par le détachement`: a
    passive training verb whose subject is a counted group reports one session; `le joueur formé à
    l'Académie`, `former ses cadres` are training as an activity."""
    sentence, head = match.sentence, match.head
    children = sentence.children(head)
    if not any(c.deprel == "aux:pass" for c in children):
        return False
    subjects = [c for c in children if c.deprel == "nsubj:pass"]
    governor = sentence.head_of(head)
    if head.deprel == "acl:relcl" and governor is not None:  # `20 officiers qui ont été formés`
        subjects.append(governor)
    if not subjects:  # `A la base de X 11 fusiliers ont été instruits`: the subject hung on the place before it
        before = [w for w in sentence.words[: head.id - 1] if w.upos in ("NOUN", "VERB")]
        subjects = before[-1:] if before and before[-1].upos == "NOUN" else []
    return any(s.upos == "NUM" or any(c.deprel == "nummod" for c in sentence.children(s)) for s in subjects)


@need("person_object")
def _person_object(match: TriggerMatch, text: str, other_heads: set[int]) -> bool:
    """A person or delegation as object (recevoir)."""
    sentence, head = match.sentence, match.head
    children = sentence.children(head)
    governor = sentence.head_of(head)
    gathered = (  # `les ministres réunis à Yaoundé`: the participle says who were brought together
        head.feat("VerbForm") == "Part" and head.deprel == "acl" and governor is not None
        and _names_people(sentence, governor)
    )
    return gathered or sentence.has_reflexive(head) or _person_after(sentence, head) or any(
        c.deprel in ("obj", "nsubj:pass", "obl:agent") and _names_people(sentence, c) for c in children
    )


@need("counterpart")
def _counterpart(match: TriggerMatch, text: str, other_heads: set[int]) -> bool:
    """An `avec` complement (`avec qui il a discuté`: the relative's `avec`), or a plural or
    coordinated subject (`ont discuté`, `discuteront`) (discuter)."""
    sentence, head = match.sentence, match.head
    children = sentence.children(head)
    between = grammar_words("between_cases")
    if _plural_subject(sentence, head):
        return True
    return any(sentence.case_of(c) in between and _is_party(sentence, c) for c in children) or any(
        (c.deprel.startswith("nsubj") and any(g.deprel == "conj" for g in sentence.children(c)))
        or (c.deprel.startswith("aux") and c.feat("Number") == "Plur")
        or (c.deprel == "mark" and head.deprel == "acl:relcl" and fold(c.lemma) in between)
        for c in children
    )


def _plural_subject(sentence: Sentence, verb: Word) -> bool:
    """`les ministres discuteront`, `... et discuteront` (a subject shared with the verb before): a
    plural subject, or a finite verb in the third person plural, told by its ending when the tagger
    misses it (the verbs that need a counterpart are of the first group: -ent, -ont are plural)."""
    if any(c.deprel.startswith("nsubj") and c.upos == "NOUN" and c.feat("Number") == "Plur"
           for c in sentence.children(verb)):
        return True
    return verb.feat("VerbForm") == "Fin" and (
        verb.feat("Number") == "Plur" or fold(verb.text).endswith(("ent", "ont")))


@need("anchor")
def _anchor(match: TriggerMatch, text: str, other_heads: set[int]) -> bool:
    """Its own date, place or named participant (formation, stage)."""
    sentence, head = match.sentence, match.head
    if any(_trainees(sentence, c) for c in sentence.children(head)):
        return False  # `la formation des cadres`: training as an activity, not one session
    return any(
        w.id != head.id
        and (w.upos == "PROPN" or _dating_number(sentence, w, head) or fold(w.lemma) in MONTHS_AND_DAYS
             or (w.deprel.startswith("acl") and w.head == head.id))
        for w in sentence.subtree(head, other_heads)
    )


def _dating_number(sentence: Sentence, word: Word, head: Word) -> bool:
    """A number that dates or times a session (`le 12`, `2023`, `de trois jours`), not one counting the
    sessions (`les deux formations`) or something else in its phrase (`des 552 établissements`)."""
    if word.upos != "NUM":
        return False
    counted = sentence.head_of(word)
    if word.deprel != "nummod" or counted is None:
        return True
    return counted.id != head.id and bool(keys(counted) & TIME_UNITS)


@need("plural")
def _plural(match: TriggerMatch, text: str, other_heads: set[int]) -> bool:
    """Only the plural is an event (les débats, les échanges), or a singular with the parties it is
    held with (`cet échange avec les résidents`; not `l'échange entre générations`, a practice)."""
    sentence, head = match.sentence, match.head
    if head.feat("Number") == "Plur" or head.text.lower().endswith(("s", "x")):
        return True
    return any(sentence.case_of(c) in WITH_CASE and _is_party(sentence, c) for c in sentence.children(head))


@need("joint")
def _joint(match: TriggerMatch, text: str, other_heads: set[int]) -> bool:
    """A modifier saying several forces or parties take part (exercice conjoint)."""
    joint = word_set("triggers", "joint_modifiers")
    return any(keys(c) & joint for c in match.sentence.children(match.head) if c.deprel in ("amod", "nmod"))


def _names_the_one_told(match: TriggerMatch) -> bool:
    """A noun without its own anchor or destination that names again an event of its type already
    told: `la formation`, `ce stage` (an anchor's need), `cette mission`, `sa mission`, `son arrivée`
    after a trip (a destination's need: the trip told is where it went)."""
    sentence, head = match.sentence, match.head
    if match.entry.needs == "anchor":
        return _refers_back(sentence, head)
    if match.entry.needs != "destination" or match.entry.pos != "NOUN" or head.feat("Number") == "Plur":
        return False
    det = sentence.determiner(head)
    return det is not None and fold(det.lemma) in grammar_words("definite_determiners")


def _refers_back(sentence: Sentence, head: Word) -> bool:
    """`la formation`, `ce stage` after an event of the type: the definite noun names that event,
    so it needs no anchor of its own; `la formation des cadres` is still the activity."""
    det = sentence.determiner(head)
    return (
        det is not None
        and fold(det.lemma) in grammar_words("anaphoric_determiners")
        and head.feat("Number") != "Plur"
        and not any(_trainees(sentence, c) for c in sentence.children(head))
    )


def _trainees(sentence: Sentence, child: Word) -> bool:
    """A `de` complement naming whom or what is trained (`des cadres`), not a duration (`de trois jours`)."""
    return (
        child.deprel.startswith("nmod")
        and child.upos == "NOUN"
        and sentence.case_of(child) in GENITIVE
        and not any(c.deprel == "nummod" for c in sentence.children(child))
    )


def _person_after(sentence: Sentence, verb: Word) -> bool:
    """A person or a title named after an active verb, before the next verb, with no preposition of its
    own: the object the parser attached elsewhere (`a reçu ce 6 octobre à Rabat, Jean-Luc Mélenchon`,
    taken as a conjunct of Rabat; `a reçu à X au Palais Y, ministre de ...`, run into the palace's name)."""
    if any(c.deprel in ("aux:pass", "obj") for c in sentence.children(verb)):
        return False  # passive, or an object of its own (`a reçu un appel de ... Elisabeth Borne`)
    titles = word_set("entities", "titles")
    for word in sentence.words[verb.id:]:
        if word.upos in ("VERB", "AUX"):
            return False
        if sentence.begins_entity(word, "PER"):
            return not sentence.case_of(word)
        if word.upos == "NOUN" and keys(word) & titles and not sentence.case_of(word):
            return True
    return False


def _is_party(sentence: Sentence, word: Word) -> bool:
    """A phrase that can name who one talks with: people, an organisation, a country, a pronoun, or a
    plural (`avec les syndicats`); not a singular thing (`négocier notre identité avec la modernité`)."""
    return (word.upos == "PRON" or word.feat("Number") == "Plur" or _names_people(sentence, word)
            or bool(keys(word) & word_set("entities", "org_nouns"))
            or any(w.upos == "PROPN" or sentence.entity_kind(w) for w in sentence.subtree(word)))


def _names_people(sentence: Sentence, word: Word) -> bool:
    people = word_set("entities", "group_nouns") | word_set("entities", "titles") | word_set("entities", "honorifics")
    return word.upos == "PROPN" or sentence.entity_kind(word) == "PER" or bool(keys(word) & people)


def _inside_idiom(match: TriggerMatch, text: str) -> bool:
    lo = max(0, match.head.start_char - 30)
    window = fold_in_place(text[lo : match.head.end_char + 30])
    head_start, head_end = match.head.start_char - lo, match.head.end_char - lo
    for idiom in load("triggers")["idioms"]:
        needle = fold_in_place(idiom)
        pos = window.find(needle)
        while pos >= 0:
            if pos < head_end and pos + len(needle) > head_start:
                return True
            pos = window.find(needle, pos + 1)
    return False


def is_negated(sentence: Sentence, head: Word) -> bool:
    """n'a pas rencontré, aucune visite, la visite a été annulée."""
    negators = word_set("triggers", "negators")
    det = sentence.determiner(head)
    if det is not None and keys(det) & negators:
        return True
    governor = sentence.head_of(head)
    if governor is not None and keys(governor) & negators and governor.upos in ("VERB", "NOUN"):
        return True
    verbs = [v for v in (head if head.upos == "VERB" else None, sentence.predicate_of(head)) if v is not None]
    for verb in verbs:
        chain = [verb, *[a for a in sentence.ancestors(verb) if verb.deprel == "xcomp"][:1]]
        for candidate in chain:
            kids = sentence.children(candidate)
            has_ne = any(fold(k.lemma) in NEGATION_PARTICLE for k in kids)
            if has_ne and any(fold(k.lemma) in NEGATION_ADVERBS for k in kids):
                return True
    return False


def _is_habitual(sentence: Sentence, head: Word) -> bool:
    habitual = word_set("triggers", "habitual")
    if any(keys(c) & habitual for c in sentence.children(head) if c.deprel in ("amod", "advmod")):
        return True
    verb = head if head.upos == "VERB" else sentence.governing_verb(head)
    return verb is not None and any(keys(c) & habitual for c in sentence.children(verb) if c.deprel == "advmod")


def _is_unspecified_plural(sentence: Sentence, head: Word) -> bool:
    """`de nouveaux contrats`, `plusieurs réunions`, `des échanges` as a subject (nobody named), `pour
    des séjours` (no person or organisation named): a set, not one occurrence."""
    if head.upos != "NOUN" or head.feat("Number") != "Plur":
        return False
    generic = word_set("triggers", "generic_plural_modifiers")
    children = sentence.children(head)
    if any(c.deprel == "nummod" for c in children):
        return False
    if any(keys(c) & generic for c in children if c.deprel in ("amod", "det")):
        return True
    if _judged(sentence, head):
        return True
    vague = word_set("triggers", "vague_quantifiers")
    det = sentence.determiner(head)
    adverbs = [a for a in _quantifying_adverbs(sentence, head, det) if a is not None and a.upos == "ADV"]
    quantified = any(keys(w) & vague for w in [*adverbs, *(c for c in children if c.deprel in ("amod", "det"))])
    indefinite = det is not None and fold(det.lemma) in grammar_words("indefinite_determiners")
    bare_subject = head.deprel.startswith("nsubj") and indefinite
    if indefinite and sentence.case_of(head) in grammar_words("purpose_case"):  # `pour des séjours`: occurrences aimed at
        return not any(sentence.entity_kind(w) in ("PER", "ORG") for w in _own_phrases(sentence, head))
    if not (quantified or bare_subject):
        return False
    return not any(w.upos == "PROPN" for w in _own_phrases(sentence, head))


def _quantifying_adverbs(sentence: Sentence, head: Word, det: Word | None) -> list[Word | None]:
    """Where an adverb quantifying a noun through `de` sits: before its determiner (`il y a beaucoup
    de contrats`) or above it (`Beaucoup de contrats nous condamnent`, `de` as a case mark)."""
    governor = sentence.head_of(head) if sentence.case_of(head) in GENITIVE else None
    return [sentence.word(det.id - 1) if det is not None else None, governor]


def _own_phrases(sentence: Sentence, head: Word) -> list[Word]:
    """The words of a trigger noun's phrase and, under a support verb, of that verb's complements
    (`a eu plusieurs entretiens avec A`, however the parser hangs `avec A`); not its subject."""
    words = sentence.subtree(head, set())
    governor = sentence.head_of(head)
    if governor is not None and governor.upos == "VERB":
        for child in sentence.children(governor):
            if child.id != head.id and child.deprel.startswith(("obl", "obj")):
                words += sentence.subtree(child, set())
    return words


def _judged(sentence: Sentence, plural: Word) -> bool:
    """`ces visites (et ces rencontres) sont extrêmement importantes`: a plural judged by an
    adjective speaks of such events in general."""
    subject = sentence.head_of(plural) if plural.deprel == "conj" else plural
    if subject is None or subject.deprel != "nsubj":
        return False
    governor = sentence.head_of(subject)
    return governor is not None and governor.upos == "ADJ" and any(
        c.deprel == "cop" for c in sentence.children(governor)
    )


def _absorb_nested(matches: list[TriggerMatch]) -> list[TriggerMatch]:
    """`ateliers de dialogue`, `session du Dialogue`, `reçu en audience`: one trigger, not two."""
    by_head = {m.head.id: m for m in matches}
    absorbed: set[int] = set()
    for match in matches:
        sentence, head = match.sentence, match.head
        governor = by_head.get(head.head)
        if governor is None or governor is match:
            continue
        nested_noun = governor.entry.pos == "NOUN" and head.deprel == "nmod" and sentence.case_of(head) in GENITIVE
        bare_complement = (
            governor.entry.pos == "VERB"
            and governor.type == match.type
            and head.deprel.startswith("obl")
            and sentence.determiner(head) is None
        )
        if nested_noun or bare_complement:
            first = min(w.id for w in governor.words)
            governor.words.extend(w for w in sentence.words if first <= w.id <= head.id and w not in governor.words)
            absorbed.add(head.id)
    return [m for m in matches if m.head.id not in absorbed]


def _extend_span(match: TriggerMatch) -> None:
    """Noun: from the first word of a name it closes (`Business Forum`), with its directly following
    adjectives (visite officielle); verb: from its reflexive pronoun."""
    sentence, head = match.sentence, match.head
    if match.entry.pos == "NOUN":
        opening = name_opening(sentence, head)
        match.words.extend(sentence.word(i) for i in range(opening.id, head.id))
        nxt = head.id + len(match.entry.words)
        for child in sorted(sentence.children(head), key=lambda w: w.id):
            if child.id == nxt and child.deprel == "amod" and child.upos == "ADJ":
                match.words.append(child)
                nxt += 1
    else:
        for child in sentence.children(head):
            reflexive = child.deprel.startswith("expl") and child.deprel != "expl:subj"  # not `Il` read as impersonal
            if child.upos == "PRON" and child.id < head.id and reflexive:
                match.words.append(child)
    match.words.sort(key=lambda w: w.id)

"""Places in a clause: where an event happens or where a visitor goes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from evex.conllu import Word
from evex.extract.doc import Sentence, keys, surface
from evex.extract.gazetteer import Place, gazetteer
from evex.extract.resources import fold, grammar_words, word_set

LOCATIVE_CASES = grammar_words("locative_cases")
# A wire story's dateline opens its first paragraph: `Kinshasa, 8 juillet 2022 (ACP).-` (place, date,
# agency in capitals) or `PORT-AU-PRINCE –` (the place in capitals, a dash).
_PLACE_WORDS = r"[^\W\d_][^\W\d_'’-]*(?:[ '’-][^\W\d_]+){0,3}"
DATELINE = re.compile(
    rf"^[ \t]*(?P<agency_place>{_PLACE_WORDS})[ \t]*,[^\n()]{{1,30}}?\([ \t]*[A-Z][A-Z/ -]*\)[ \t]*\.?[ \t]*[-–—]"
    rf"|^[ \t]*(?P<caps_place>{_PLACE_WORDS})[ \t]+[-–—][ \t]",
    re.M,
)
DATELINE_LINES = 6  # the headline, a date line, a byline, then the first paragraph
PLACE_NOUNS = grammar_words("place_nouns")
GENITIVE_CASES = grammar_words("genitive_case")
DESTINATION_NOUNS = grammar_words("destination_nouns")
OBJECT_RELATIVES = grammar_words("object_relatives")
SEQUENCE_CONJUNCTIONS = grammar_words("sequence_conjunctions")
LIST_CONJUNCTIONS = grammar_words("list_conjunctions")
HYPHENATED_LOCALITY_COUNTRIES = grammar_words("hyphenated_locality_countries")
LEADING_PLACE_ARTICLES = grammar_words("leading_place_articles")


@dataclass(frozen=True)
class FoundPlace:
    place: Place | None  # None for a named site that is no city or country (a memorial, a base)
    site: str | None
    word: Word

    @property
    def name(self) -> str | None:
        return self.place.name if self.place else None


def proper_chain(sentence: Sentence, word: Word) -> list[Word]:
    """The proper-noun run a word belongs to (Washington DC, Afrique du Nord, Mémorial des Martyrs)."""
    words = sentence.words
    i = word.id - 1
    lo = hi = i
    while lo > 0 and _continues_name(sentence, words[lo - 1], words[lo]):
        lo -= 1
    while hi + 1 < len(words) and _continues_name(sentence, words[hi], words[hi + 1]):
        hi += 1
    return words[lo : hi + 1]


def _continues_name(sentence: Sentence, left: Word, right: Word) -> bool:
    if right.start_char - left.end_char > 1 and right.start_char != left.start_char:
        return False
    both_proper = left.upos == "PROPN" and right.upos == "PROPN"
    return sentence.entity_goes_on(left, right) or both_proper


def place_of(sentence: Sentence, word: Word, text: str) -> FoundPlace | None:
    """The place a nominal names: a gazetteer entry, an unknown LOC entity, or a named site
    (remembered on the sentence: `text` is its article's)."""
    return sentence.remember("place", word, lambda: _place_of(sentence, word, text))


def _place_of(sentence: Sentence, word: Word, text: str) -> FoundPlace | None:
    gaz = gazetteer()
    if fold(word.lemma) in PLACE_NOUNS:
        for child in sentence.children(word):
            if child.upos == "PROPN" and child.deprel in ("appos", "nmod", "flat:name", "flat"):
                named = place_of(sentence, child, text)
                if named is not None and named.place is None:  # `la ville de X`: X is a locality
                    return FoundPlace(Place(named.site, "LOC", None), None, child)
                return named
        return None
    if word.upos not in ("PROPN", "NOUN", "X") or (word.upos == "NOUN" and not word.text[:1].isupper()):
        return None
    chain = proper_chain(sentence, word)
    name = surface(text, chain)
    place = gaz.lookup(name) or leading_place(text, [w for w in chain if w.id >= word.id])[1]
    if place is None:
        scanned = gaz.scan(name)
        place = scanned[0] if len(scanned) == 1 and fold(scanned[0].name) == fold(name.split()[0]) else None
    if place:
        return FoundPlace(place, None, word)
    if any(sentence.entity_kind(w) == "LOC" for w in chain) and word.upos == "PROPN":
        country = _country_after(sentence, chain[-1])
        return FoundPlace(Place(locality_spelling(name, country) if country else name, "LOC", country), None, word)
    if word.text[:1].isupper() and not keys(word) & word_set("entities", "titles"):
        return FoundPlace(None, name, word)
    return None


def _country_after(sentence: Sentence, last: Word) -> str | None:
    """The country written just after a locality (`à Villers Cotterêts, en France`)."""
    words = sentence.words
    i, skipped = _past_place_glue(words, last.id, 1)
    if i >= len(words) or skipped == 0 or words[i].upos != "PROPN":
        return None
    place = gazetteer().lookup(words[i].text)
    return place.name if place is not None and place.is_country else None


def _past_place_glue(words: list[Word], index: int, step: int) -> tuple[int, int]:
    """From `words[index]`, going by `step` (1: on, -1: back), past up to three prepositions, articles
    or commas (`Villers Cotterêts, en France`): the index of the next other word and how many were passed."""
    skipped = 0
    while 0 <= index < len(words) and skipped < 3 and (words[index].upos in ("ADP", "DET") or words[index].text == ","):
        index, skipped = index + step, skipped + 1
    return index, skipped


def leading_place(text: str, words: list[Word]) -> tuple[int, Place | None]:
    """The longest gazetteer name the words begin with and how many words it takes (`Guinée
    Bissau Umaro Sissoco Embaló`: the tagger ran a country and a name into one run)."""
    gaz = gazetteer()
    for size in range(min(len(words), gaz.longest), 0, -1):
        place = gaz.lookup(surface(text, words[:size]))
        if place is not None:
            return size, place
    return 0, None


def locative_places(
    sentence: Sentence, root: Word, text: str, stop: set[int], through_purpose: bool = False,
    through_modifiers: bool = False,
) -> list[FoundPlace]:
    """Places introduced by à/en/dans/vers on the root itself or on its relative clauses
    (`rencontre, qui s'est déroulée à Alger`), and for a trip on its purpose clause
    (`arrive pour déposer une couronne au Mémorial`), and for an event noun, when asked, on the
    common nouns of its `de` complements. Deeper places describe something else."""
    clause_deprels = ("acl", "acl:relcl", "advcl") if through_purpose else ("acl", "acl:relcl")
    modifiers = _noun_modifiers(sentence, root, stop) if through_modifiers else []
    holders = [root, *modifiers,
               *[c for c in sentence.children(root) if c.deprel in clause_deprels and c.id not in stop],
               *(_object_clauses(sentence, root, stop) if through_modifiers else [])]
    found: list[FoundPlace] = []
    for holder in holders:
        for child in sentence.children(holder):
            if child.id in stop or sentence.case_of(child) not in LOCATIVE_CASES:
                continue
            if holder is not root or through_purpose or through_modifiers:
                place = place_of(sentence, child, text)
            else:
                place = place_of(sentence, _last_stop(sentence, child), text)
            if place is None or (not through_purpose and _listed_with_countries(sentence, place, text)):
                continue
            found.append(locality_before(sentence, place, text))
            if place.site:
                found.extend(_places_inside(sentence, child, text))
    return found


def _listed_with_countries(sentence: Sentence, found: FoundPlace, text: str) -> bool:
    """A country written in a list of countries (`au Cambodge, au Laos et au Vietnam`), whatever
    the parser hangs each on: what is said of several countries places no one event in one of them."""
    if found.place is None or not found.place.is_country:
        return False
    words = sentence.words
    phrase = sorted([found.word, *(c for c in sentence.children(found.word) if c.deprel in ("case", "det"))],
                    key=lambda w: w.id)
    neighbours = []
    i = phrase[0].id - 2  # the word before the phrase
    if i >= 1 and (words[i].text == "," or fold(words[i].lemma) in LIST_CONJUNCTIONS):
        neighbours.append(words[i - 1])
    j = found.word.id  # the word after the name
    if j < len(words) and (words[j].text == "," or fold(words[j].lemma) in LIST_CONJUNCTIONS):
        k = j + 1
        while k < len(words) and words[k].upos in ("ADP", "DET"):
            k += 1
        if k < len(words):
            neighbours.append(words[k])
    for neighbour in neighbours:
        other = place_of(sentence, neighbour, text) if neighbour.upos == "PROPN" else None
        if other is not None and other.place is not None and other.place.is_country:
            return True
    return False


def _last_stop(sentence: Sentence, place: Word) -> Word:
    """The last of places told in sequence (`se rendre au Gabon puis en Angola pour le sommet`): an
    event the trip's verb is for is held at the last stop, where the trip ends."""
    stops = [c for c in sentence.children(place) if c.deprel == "conj"
             and any(fold(m.lemma) in SEQUENCE_CONJUNCTIONS for m in sentence.children(c) if m.deprel == "cc")]
    return stops[-1] if stops else place


def _noun_modifiers(sentence: Sentence, noun: Word, stop: set[int]) -> list[Word]:
    """The common nouns of an event noun's `de` complements (`une visite de travail de trois jours
    à Paris`: the parser hangs the place on `jours`), not a person's title (`du ministre à Paris`)."""
    if noun.upos != "NOUN":
        return []
    titles = word_set("entities", "titles")
    found = []
    for child in sentence.children(noun):
        if (child.id not in stop and child.upos == "NOUN" and child.deprel.startswith("nmod")
                and sentence.case_of(child) in GENITIVE_CASES and child.text[:1].islower()
                and not keys(child) & titles):
            found.extend([child, *_noun_modifiers(sentence, child, stop)])
    return found


def _object_clauses(sentence: Sentence, noun: Word, stop: set[int]) -> list[Word]:
    """Relative clauses whose object is the event noun but which the parser hangs on one of its
    complements (`le sommet pour un nouveau Pacte qu'il accueillera en France`: on `Pacte`)."""
    if noun.upos != "NOUN":
        return []
    return [
        clause
        for child in sentence.children(noun)
        if child.deprel.startswith("nmod") and child.upos == "NOUN" and child.id not in stop
        for clause in sentence.children(child)
        if clause.deprel == "acl:relcl" and clause.id not in stop
        and any(fold(w.lemma) in OBJECT_RELATIVES and w.deprel in ("obj", "mark") for w in sentence.children(clause))
    ]


def locality_before(sentence: Sentence, found: FoundPlace, text: str) -> FoundPlace:
    """A country written just after a name the gazetteer does not know, in a place phrase (`à
    destination de Maryland, aux USA`, `à l'Université de Coimbra au Portugal`): that name is a
    locality of the country, where the event is (GUIDELINES 4: the city, else the country).
    Otherwise the place as found."""
    if found.place is None or not found.place.is_country:
        return found
    words = sentence.words
    i, skipped = _past_place_glue(words, found.word.id - 2, -1)
    if i < 0 or skipped == 0 or words[i].upos != "PROPN" or not words[i].text[:1].isupper():
        return found
    last = words[i]
    if sentence.entity_kind(last) == "PER":
        return found
    if not _in_place_phrase(sentence, last):
        return found  # `la visite de Tebboune en France`, `la société Total, au Mozambique`
    run = [last]
    while run[0].id > 1 and words[run[0].id - 2].upos == "PROPN" and words[run[0].id - 2].text[:1].isupper():
        run.insert(0, words[run[0].id - 2])
    name = surface(text, run)
    if gazetteer().lookup(name) is not None or gazetteer().venue_city(name) is not None:
        return found
    return FoundPlace(Place(locality_spelling(name, found.place.name), "LOC", found.place.name), None, last)


def locality_spelling(name: str, country: str) -> str:
    """A locality's canonical spelling: in a country whose communes join their words with hyphens,
    the words after a leading article joined (`à Villers Cotterêts, en France` -> Villers-Cotterêts;
    `Le Mans` keeps its article apart)."""
    words = name.split()
    if fold(country) not in HYPHENATED_LOCALITY_COUNTRIES or len(words) < 2:
        return name
    article = words[:1] if fold(words[0]) in LEADING_PLACE_ARTICLES else []
    rest = words[len(article):]
    return " ".join([*article, "-".join(rest)]) if rest else name


def _in_place_phrase(sentence: Sentence, word: Word) -> bool:
    """A name written where a place goes: after à/en/dans (or a location tag with no preposition, as
    a headline drops it), or as the `de` complement of a named site (`l'Université de Coimbra`), a
    place noun (`la ville de X`) or a destination (`à destination de X`); never inside a title
    (`le ministre des Armées`)."""
    titles = word_set("entities", "titles")
    head = sentence.head_of(word)
    if any(keys(w) & titles for w in [word, *sentence.ancestors(word)][:3]):
        return False
    case = sentence.case_of(word)
    if case in LOCATIVE_CASES or (not case and sentence.entity_kind(word) == "LOC"):
        return True
    return case in GENITIVE_CASES and head is not None and head.upos == "NOUN" and (
        head.text[:1].isupper() or fold(head.lemma) in PLACE_NOUNS | DESTINATION_NOUNS)


def _places_inside(sentence: Sentence, site: Word, text: str) -> list[FoundPlace]:
    """`au Mémorial des Martyrs dans la capitale Alger`: the city a named site lies in; or the
    locality its name gives (`au Centre de conférences de Diamniadio`, `l'Université de Coimbra`),
    never a country (`l'ambassade de France` is no event in France)."""
    found = [
        place
        for child in sentence.children(site)
        if sentence.case_of(child) in LOCATIVE_CASES
        and (place := place_of(sentence, child, text)) is not None
        and place.place is not None
    ]
    named = [
        place
        for word in _genitive_names(sentence, site)
        if (place := place_of(sentence, word, text)) is not None
        and place.place is not None
        and not place.place.is_country
        and not place.place.region
    ]
    return sorted(named + found, key=lambda p: p.word.id)


def _genitive_names(sentence: Sentence, word: Word) -> list[Word]:
    """Proper nouns in the `de` complements of a name, however nested (`du génocide de Kigali`)."""
    names = []
    for child in sentence.children(word):
        if child.deprel.startswith("nmod") and sentence.case_of(child) in GENITIVE_CASES:
            if child.upos == "PROPN":
                names.append(child)
            names.extend(_genitive_names(sentence, child))
    return names


def _coordinated_places(sentence: Sentence, word: Word, text: str) -> bool:
    """A place coordinated with another country (`en Tunisie et en France`)."""
    partners = [c for c in sentence.children(word) if c.deprel == "conj"]
    head = sentence.head_of(word)
    if word.deprel == "conj" and head is not None:
        partners.append(head)
    found = [place_of(sentence, p, text) for p in partners if p.upos == "PROPN"]
    return any(f is not None and f.place is not None and f.place.is_country for f in found)


def sentence_places(sentence: Sentence, text: str, near: Word, received: bool = False) -> list[FoundPlace]:
    """Every city, country or region a sentence puts something in (`à X`, `en X`, `au X`), nearest
    to `near` first: where the parse does not hang the place on the event itself. A post's place
    (`l'ambassadeur à Washington`) is no event's, unless `received`: the post-holder is an argument
    of the event's own clause (`a reçu l'ambassadeur de France au Togo`: where an envoy is posted
    is where one receives or meets them)."""
    titles = word_set("entities", "titles")
    found = []
    for word in sentence.words:
        if word.upos != "PROPN" or sentence.case_of(word) not in LOCATIVE_CASES:
            continue
        governor = sentence.head_of(word)
        if governor is not None and keys(governor) & titles and not (received and _received(sentence, governor, near)):
            continue
        if _coordinated_places(sentence, word, text):  # `en Tunisie et en France`: no one place
            continue
        if _in_a_noun_participle(sentence, word, near):
            continue
        place = place_of(sentence, word, text)
        if place is not None and place.place is not None and not _listed_with_countries(sentence, place, text):
            found.append(locality_before(sentence, place, text))
    return sorted(found, key=lambda p: abs(p.word.id - near.id))


def _in_a_noun_participle(sentence: Sentence, word: Word, near: Word) -> bool:
    """`après deux années passées au Tchad`: a place in a participle describing a common noun other
    than the event's, agreeing with it (`la réunion des ministres tenue à X` is placed), tells where
    that thing was, not where the event is."""
    above = {near.id, *(w.id for w in sentence.ancestors(near))}
    for current in sentence.ancestors(word):
        if current.id in above:
            return False
        head = sentence.head_of(current)
        if (current.upos == "VERB" and current.deprel == "acl" and current.feat("VerbForm") == "Part"
                and head is not None and head.id not in above and head.upos == "NOUN" and head.text[:1].islower()
                and all(current.feat(f) == head.feat(f)
                        for f in ("Gender", "Number") if current.feat(f) and head.feat(f))):
            return True
    return False


def _received(sentence: Sentence, word: Word, trigger: Word) -> bool:
    """A nominal the trigger's clause receives or meets: an argument of the trigger or of its verb
    other than the active subject (who may only announce it)."""
    clause = {trigger.id}
    verb = sentence.governing_verb(trigger)
    if verb is not None:
        clause.add(verb.id)
    while word.deprel == "conj" and (first := sentence.head_of(word)) is not None:
        word = first  # a conjunct is what its first conjunct is to the clause
    return word.head in clause and word.deprel != "nsubj"


@dataclass(frozen=True)
class Dateline:
    place: Place
    name: tuple[int, int]  # the offsets of the place as written
    start: int  # the offsets of its paragraph in the article text
    end: int


@lru_cache(maxsize=8)
def dateline(text: str) -> Dateline | None:
    """The place a wire story is filed from, when a gazetteer city opens one of its first lines
    in dateline form; the paragraph it opens is the story's lead. Remembered for the last articles:
    the rules ask for it once per proper name they weigh as a participant, and again to place events."""
    offset = 0
    for line in text.splitlines(keepends=True)[:DATELINE_LINES]:
        match = DATELINE.match(line)
        if match:
            group = "agency_place" if match.group("agency_place") else "caps_place"
            name = match.group(group)
            place = gazetteer().lookup(name) if group == "agency_place" or name.isupper() else None
            if place is not None and place.is_city:
                written = (offset + match.start(group), offset + match.end(group))
                return Dateline(place, written, offset, offset + len(line))
        offset += len(line)
    return None

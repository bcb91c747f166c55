"""Participants: persons, organisations and countries named in an argument phrase.

Persons are found document-wide first (PROPN runs with a PER tag or a title), so that a surname
alone (`M. Esper`) resolves to the full name first given and a person keeps the country of the
title he was introduced with (`le ministre américain ... Mark Esper` -> États-Unis).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from evex.conllu import Word
from evex.extract.doc import Doc, Sentence, keys, span_head, surface
from evex.extract.gazetteer import gazetteer
from evex.extract.location import LOCATIVE_CASES, dateline, leading_place, place_of, proper_chain
from evex.extract.resources import fold, fold_word, grammar_words, load, word_set
from evex.frames import Participant

SUBJECT_PRONOUNS = grammar_words("subject_pronouns")
OBJECT_PRONOUNS = grammar_words("object_pronouns")
NARRATOR_PRONOUNS = grammar_words("narrator_pronouns")
QUOTES = ("«", "»", '"', "“", "”")
PAIR_NOUNS = word_set("grammar", "pair_nouns")
GENITIVE = grammar_words("genitive_case")
PAIR = "<les deux pays>"  # placeholder for `les deux pays`, resolved once the event is known


@dataclass
class PersonMention:
    sentence_index: int
    words: list[Word]
    name: str
    title: str | None
    country: str | None
    title_id: int | None = None  # id of the title word in its sentence
    subject: bool = False  # the name or its title is a clause subject: what `il` most likely refers to

    @property
    def club(self) -> bool:
        """`Santos FC`, `Brocéliande Volley`: the tagger's person is a club, an organisation."""
        return bool(keys(self.words[-1]) & word_set("entities", "team_name_words"))


@dataclass
class DocEntities:
    """Persons of a document with their canonical names, and what pronouns can refer to."""

    text: str
    persons: list[PersonMention] = field(default_factory=list)
    canonical: dict[str, str] = field(default_factory=dict)  # folded name as written -> full name
    countries: dict[str, str] = field(default_factory=dict)  # full name -> country of the title
    first_copy: dict[int, int] = field(default_factory=dict)  # sentence index -> index of its first copy
    genders: dict[str, str] = field(default_factory=dict)  # full name -> Masc or Fem, from a title (Mme, la ministre)
    # indexed on the first question, once all persons are found
    _by_sentence: dict[int, list[PersonMention]] | None = field(default=None, init=False, repr=False)
    _by_word: dict[tuple[int, int], PersonMention] | None = field(default=None, init=False, repr=False)

    def in_sentence(self, sentence_index: int) -> list[PersonMention]:
        """The persons named in one sentence, in the order they are named."""
        if self._by_sentence is None:
            self._index()
        return self._by_sentence.get(sentence_index, [])

    def person_at(self, sentence_index: int, word: Word) -> PersonMention | None:
        if self._by_word is None:
            self._index()
        return self._by_word.get((sentence_index, word.id))

    def _index(self) -> None:
        self._by_sentence, self._by_word = {}, {}
        for person in self.persons:
            self._by_sentence.setdefault(person.sentence_index, []).append(person)
            for word in person.words:
                self._by_word.setdefault((person.sentence_index, word.id), person)

    def names_person(self, sentence: Sentence, word: Word) -> bool:
        """A word that is a person's name or a title introducing one (`le général Michael Langley`)."""
        if self.person_at(sentence.index, word):
            return True
        return is_title(word) and any(
            self.person_at(sentence.index, c) for c in sentence.children(word) if c.upos == "PROPN"
        )

    def full_name(self, name: str) -> str:
        return self.canonical.get(fold(name), name)

    def person_before(
        self, sentence_index: int, offset: int, excluded: frozenset[str] = frozenset(), gender: str | None = None
    ) -> PersonMention | None:
        """The last person named before a pronoun, other than the excluded names and than those a title
        gives the other gender (`Mme X ... il`); a repeated paragraph resolves like its first copy."""
        original = self.first_copy.get(sentence_index, sentence_index)
        if original != sentence_index:
            return self.person_before(original, -1, excluded, gender)
        candidates = [
            p
            for p in self.persons
            if not p.club and self.full_name(p.name) not in excluded
            and (gender is None or self.genders.get(self.full_name(p.name), gender) == gender) and (
                p.sentence_index < sentence_index
                or (p.sentence_index == sentence_index and (offset < 0 or p.words[-1].end_char <= offset))
            )
        ]
        recent_subjects = [p for p in candidates if p.subject and p.sentence_index >= sentence_index - 1]
        if recent_subjects:
            return recent_subjects[-1]
        return candidates[-1] if candidates else None


def presence_words(sentence: Sentence) -> set[int]:
    """Ids of the `présence` words: who is listed `en présence de` attends without taking part (GUIDELINES 4)."""
    return {w.id for w in sentence.words if fold(w.lemma) in grammar_words("presence_nouns")}


def is_title(word: Word) -> bool:
    return not keys(word).isdisjoint(_titles_and_honorifics())


@cache
def _titles_and_honorifics() -> frozenset[str]:
    return word_set("entities", "titles") | word_set("entities", "honorifics")


def _name_token(sentence: Sentence, word: Word) -> bool:
    if is_title(word) or not word.text[:1].isupper():
        return False
    return word.upos == "PROPN" or (sentence.entity_kind(word) == "PER" and word.upos in ("NOUN", "X"))


_LINK = re.compile(r"(?:https?://|www\.)\S*")
_GLUED_WORD = re.compile(r"^([A-ZÀ-Ý][a-zà-ÿ]+)(?=[A-ZÀ-Ý][a-zà-ÿ])")


def _unglued(name: str) -> str:
    """`ArméeThierry Burkhard`, `MonsieurEmmanuel Macron`, `ÉtatMacky Sall`: the archive glued the word
    before onto the name. A glued word of five letters or more, or a title's or an institution's word,
    is cut off; a shorter one is a name particle (`DeShawn`, `MacArthur`)."""
    glued = _GLUED_WORD.match(name)
    if glued is None:
        return name
    known = ("titles", "honorifics", "org_nouns", "state_nouns", "group_nouns")
    if len(glued.group(1)) >= 5 or fold_word(glued.group(1)) in set().union(*(word_set("entities", k) for k in known)):
        return name[glued.end():]
    return name


def _is_honorific(word: Word) -> bool:
    """`M.`, `Mme`, `Dr`; also `M,` for `M.`, a typo the tokeniser keeps in one word."""
    honorifics = word_set("entities", "honorifics")
    return bool(keys(word) & honorifics) or (word.text.endswith(",") and fold_word(word.text[:-1] + ".") in honorifics)


def _runs(sentence: Sentence) -> list[list[Word]]:
    """Runs of name words; capitalised particles and words inside a PER entity continue a run
    (`Jean-Yves Le Drian`), and so does an honorific the tagger put inside one (`Jean Pierre Mr
    Suitat`), which `_name_words` then leaves out of the name."""
    runs: list[list[Word]] = []
    for word in sentence.words:
        open_run = bool(runs) and runs[-1][-1].id == word.id - 1
        inside_person = open_run and sentence.continues_entity(word, "PER")
        following = sentence.word(word.id + 1)
        if inside_person and _is_honorific(word) and following is not None and sentence.continues_entity(following, "PER"):
            runs[-1].append(word)
            continue
        particle = (
            open_run
            and word.upos in ("DET", "ADP")
            and word.text[:1].isupper()
            and following is not None
            and following.upos == "PROPN"
        )
        if _name_token(sentence, word) or particle or (inside_person and not is_title(word)):
            if runs and runs[-1][-1].id == word.id - 1 and word.start_char - runs[-1][-1].end_char <= 1:
                runs[-1].append(word)
            else:
                runs.append([word])
    return runs


def _after_colon(run: list[Word]) -> list[Word]:
    """`Gabon: Ali BONGO ONDIMBA reçoit ...`: a headline's topic the tokeniser kept glued to its colon
    comes before the name, it is no part of it."""
    glued = [i for i, w in enumerate(run[:-1]) if w.text.endswith(":")]
    return run[glued[-1] + 1:] if glued else run


def _name_words(run: list[Word]) -> list[Word]:
    """The run without the honorifics inside it."""
    return [w for w in run if not _is_honorific(w)]


def _names_places(text: str, run: list[Word]) -> bool:
    """`Maroc-France` (le comité d'amitié Maroc-France) joins two places: no person's name."""
    gaz = gazetteer()
    parts = surface(text, run).split("-")
    return len(parts) > 1 and all(gaz.lookup(part) for part in parts)


def _without_leading_organisation(run: list[Word]) -> list[Word]:
    """`Sénat Herimanana Razafimahefa` (président du Sénat ...), `République Mohamed Bazoum`
    (Président de la République ...): the tagger ran the institution or the state into the name;
    the person is the rest."""
    org_nouns = word_set("entities", "org_nouns") | word_set("entities", "state_nouns")
    while len(run) > 1 and keys(run[0]) & org_nouns:
        run = run[1:]
    return run


def _without_leading_country(sentence: Sentence, text: str, run: list[Word]) -> list[Word]:
    """`Guinée Bissau Umaro Sissoco Embaló` (le Président de la Guinée Bissau ...): the tagger ran the
    country a title names into the name; the person is the rest, two name words or more that name
    no place. A run the tagger reads as one person (`Maurice Kamto`) is a name."""
    if _place_as_name(sentence, run):
        return run
    size, place = leading_place(text, run)
    rest = run[size:]
    if place is None or not place.is_country or len(rest) < 2:
        return run
    return run if any(gazetteer().lookup(w.text) for w in rest) else rest


def _title_word(sentence: Sentence, run: list[Word]) -> Word | None:
    """The title or honorific introducing a name: the nearest one before it in the same phrase
    (`le Ministre algérien des Affaires étrangères, Ramtane Lamamra`), else the one it hangs on."""
    for offset in range(1, 13):
        word = sentence.word(run[0].id - offset)
        if word is None or word.upos in ("VERB", "AUX") or word.text in (";", ":", ".", "«", "»", "(", ")"):
            break
        if is_title(word):
            return word
    top = span_head(run)
    for hops, head in enumerate(sentence.ancestors(top)):
        if hops >= 3 or head.upos not in ("NOUN", "PROPN"):
            break
        if is_title(head):
            return head
    return _title_after(sentence, run)


def _title_after(sentence: Sentence, run: list[Word]) -> Word | None:
    """`Mahamat Idriss Déby, le président de la transition tchadienne, séjourne`, `Bounnhang Vorachith,
    président de la République démocratique populaire lao`: a title in apposition right after the
    name (a comma, an article or none, the title), read from the words."""
    comma, title = sentence.word(run[-1].id + 1), sentence.word(run[-1].id + 2)
    if title is not None and title.upos == "DET":
        title = sentence.word(title.id + 1)
    if comma is None or comma.text != "," or title is None:
        return None
    following = sentence.word(title.id + 1)
    if following is not None and _name_token(sentence, following):
        return None  # `X, le ministre Y`: a list of persons, the title is Y's
    return title if is_title(title) and not _is_honorific(title) else None


def _follows_honorific(sentence: Sentence, run: list[Word]) -> bool:
    before = sentence.word(run[0].id - 1)
    return before is not None and bool(keys(before) & word_set("entities", "honorifics"))


def _is_title_part(sentence: Sentence, run: list[Word], text: str) -> bool:
    """`Etat` in `secrétaire d'Etat` is part of a title, not a name."""
    start = sentence.word(run[0].id - 2)
    if start is None:
        return False
    phrase = fold(text[start.start_char : run[-1].end_char])
    return phrase in {fold(t) for t in load("entities")["titles"]}


def _after_article(sentence: Sentence, run: list[Word]) -> bool:
    """A name right after a definite article is a thing's (`de la Pêche Maritime`), not a person's."""
    before = sentence.word(run[0].id - 1)
    return before is not None and before.upos == "DET" and before.feat("Definite") == "Def"


def _heads_town(sentence: Sentence, run: list[Word]) -> bool:
    """`le maire de Plouzané`: the name after a local title and `de` is the town, whatever its tag."""
    before = sentence.word(run[0].id - 1)
    if before is not None and before.upos == "DET":
        before = sentence.word(before.id - 1)
    title = sentence.word(before.id - 1) if before is not None and fold(before.lemma) in GENITIVE else None
    return title is not None and bool(keys(title) & word_set("entities", "local_titles"))


def _named_after(sentence: Sentence, run: list[Word]) -> bool:
    """`la galerie parisienne Frédéric Roulette`, `le stade Demba Diop`, `le lycée Victor Hugo`: a
    person's name right after a venue's or an institution's noun (and its adjectives) names that
    place or body, not someone who takes part."""
    before = sentence.word(run[0].id - 1)
    while before is not None and before.upos == "ADJ" and before.start_char < run[0].start_char:
        before = sentence.word(before.id - 1)
    return before is not None and before.upos == "NOUN" and fold(before.lemma) in grammar_words("named_after_nouns")


def _place_of_origin(sentence: Sentence, run: list[Word]) -> bool:
    """`originaire de Boulogne-sur-Mer`, `le natif de Três Corações`: the name one comes from is a place."""
    before = sentence.word(run[0].id - 1)
    origin = sentence.word(before.id - 1) if before is not None and fold(before.lemma) in GENITIVE else None
    return origin is not None and fold(origin.lemma) in grammar_words("origin_words")


def _named_as_place(sentence: Sentence, run: list[Word]) -> bool:
    """`aux finales départementales à Saint Malo`: a name a locative preposition introduces, with no
    title, is a place the gazetteer does not know, not a person."""
    top = span_head(run)
    return sentence.case_of(top) in LOCATIVE_CASES


def local_body(sentence: Sentence, title: Word, text: str) -> str | None:
    """`le maire de Dardilly`, `le gouverneur de Jalisco`, `la Maire de Tunis`: the town or state a local
    title heads, read from the words alone (`de`, an article, a name that is not an organisation's)."""
    if not keys(title) & word_set("entities", "local_titles"):
        return None
    word = sentence.word(title.id + 1)
    if word is None or fold(word.lemma) not in GENITIVE:
        return None
    word = sentence.word(word.id + 1)
    if word is not None and word.upos == "DET":
        word = sentence.word(word.id + 1)
    capitalised = word is not None and word.text[:1].isupper() and word.upos in ("NOUN", "X")  # `MAIRE DE X`
    if word is None or not (word.upos == "PROPN" or capitalised) or sentence.entity_kind(word) == "ORG":
        return None
    chain = [w for w in proper_chain(sentence, word) if w.id >= word.id]
    number = sentence.word(chain[-1].id + 1)
    if number is not None and number.upos == "NUM" and number.start_char - chain[-1].end_char == 1:
        chain.append(number)  # `Zio 2`: a numbered commune
    if any(keys(w) & word_set("entities", "org_nouns") for w in chain):
        return None
    name = surface(text, chain)
    place = gazetteer().lookup(name)
    return place.name if place else name[:1].upper() + name[1:]


def demonym_after(sentence: Sentence, word: Word) -> str | None:
    """The country of a demonym right after a title or a state noun, however the tagger read it
    (`la Ministre Rwandaise`, `la République française`: a capitalised demonym is often a PROPN)."""
    before = sentence.word(word.id - 1)
    if before is None or not (keys(before) & (word_set("entities", "titles") | word_set("entities", "state_nouns"))):
        return None
    return gazetteer().country_of_demonym(word.text, word.lemma)


def _title_country(
    sentence: Sentence, title: Word | None, run: list[Word], text: str, local: bool = True
) -> str | None:
    """Country stated in a title: a demonym (ministre algérien) or `de X` (ambassadrice des États-Unis);
    the town or state a local title heads (`le maire de X`) when the title is the name's own."""
    if title is None:
        return None
    body = local_body(sentence, title, text) if local else None
    if body is not None:
        return body
    following = sentence.word(title.id + 1)
    country = demonym_after(sentence, following) if following is not None and following not in run else None
    if country is not None:
        return country
    gaz = gazetteer()
    blocked = {w.id for w in run} | {c.id for c in sentence.children(title) if c.deprel in ("conj", "acl:relcl")}
    for word in sentence.subtree(title, blocked):
        # `le Chef de l'Etat Togolais`: a capitalised demonym the parser ran into a name as a flat part
        if of_states(sentence, word):
            continue  # `l'Organisation des États Américains`: states of a continent, no one country
        if word.deprel == "amod" or (word.deprel.startswith("flat") and word.upos == "PROPN"):
            country = gaz.country_of_demonym(word.text, word.lemma)
            if country:
                return country
        if word.deprel == "nmod" and sentence.case_of(word) in GENITIVE:
            found = place_of(sentence, word, text)
            if found and found.place and found.place.is_country:
                return found.place.name
    governor = sentence.head_of(title)
    if title.deprel == "appos" and governor is not None and governor.upos == "NOUN":
        # `son homologue rwandais, le Président Paul Kagamé`: the noun the title stands beside has it
        return next((country for _, country in _demonyms(sentence, governor)), None)
    return None


def of_states(sentence: Sentence, word: Word) -> bool:
    """A demonym qualifying a plural `États` (`des États Américains`, `les États africains`) names a
    group of states, not the country of the demonym."""
    head = sentence.head_of(word)
    return head is not None and fold_word(head.lemma) == "etat" and head.feat("Number") == "Plur"


def find_persons(doc: Doc) -> DocEntities:
    text = doc.text
    entities = DocEntities(text=text)
    seen_sentences: dict[str, int] = {}
    gaz = gazetteer()
    candidates: list[tuple[int, list[Word], Word | None]] = []
    for sentence in doc.sentences:
        key = fold(sentence.text)
        entities.first_copy[sentence.index] = seen_sentences.setdefault(key, sentence.index)
        for run in map(_without_leading_organisation, map(_after_colon, _runs(sentence))):
            run = _without_leading_country(sentence, text, _name_words(run))
            if not run or gaz.lookup(surface(text, run)) or run[-1].text[:1].islower():
                # `conseiller Outre-mer du Président`: a tag running on into a phrase names no one
                continue
            if any(gaz.lookup(w.text) for w in run) and not _place_as_name(sentence, run):
                continue
            if _names_places(text, run):
                continue
            if _is_title_part(sentence, run, text) or _after_article(sentence, run) or _heads_town(sentence, run):
                continue
            if _named_after(sentence, run) or _place_of_origin(sentence, run):
                continue
            title = _title_word(sentence, run)
            if title is not None and _is_honorific(title):
                # `M. X, ministre de l'Agriculture`: the title in apposition says what he is, not `M.`
                title = _title_after(sentence, run) or title
            if title is None and _named_as_place(sentence, run):
                continue
            candidates.append((sentence.index, run, title))
    surnames = {
        fold(run[-1].text)
        for index, run, title in candidates
        if _tagged_person(doc.sentences[index], run) or (title is not None and len(run) > 1)
    }
    for index, run, title in candidates:
        sentence = doc.sentences[index]
        tagged = _tagged_person(sentence, run) or title is not None
        other_entity = len(run) == 1 and sentence.entity_kind(run[0]) not in (None, "PER")
        honorific = _follows_honorific(sentence, run)
        if other_entity and not honorific and fold(run[-1].text) not in surnames:
            continue
        if not tagged and fold(run[-1].text) not in surnames:
            continue
        name = _LINK.sub("", surface(text, run)).strip()  # `Macronhttps://t.co`: a tweet's link glued on
        name = _unglued(name)
        if not name:
            continue
        country = _title_country(sentence, title, run, text)
        if country is None and title is not None and _is_honorific(title):  # `l'ambassadeur de France, M. X`
            # `le gouverneur de X, Mme Y a signé`: the title before an honorific may be another person's
            country = _title_country(sentence, _title_word(sentence, [title]), run, text, local=False)
        subject = any(w.deprel.startswith("nsubj") for w in [*run, *([title] if title else [])])
        entities.persons.append(
            PersonMention(
                index, run, name, title.text if title else None, country, title.id if title else None, subject
            )
        )
    _canonicalise(entities)
    _genders(doc, entities)
    _described_countries(doc, entities)
    _host_ministers(doc, entities)
    _dateline_ministers(doc, entities)
    return entities


def _genders(doc: Doc, entities: DocEntities) -> None:
    """A person's gender when a title says it, one way only (`Mme`, `la ministre`, `ambassadrice`; `M.`)."""
    said: dict[str, set[str]] = {}
    for person in entities.persons:
        if person.title_id is None:
            continue
        sentence = doc.sentences[person.sentence_index]
        title = sentence.word(person.title_id)
        gender = (
            "Fem" if fold(title.text) in grammar_words("feminine_honorifics")
            else "Masc" if fold(title.text) in grammar_words("masculine_honorifics")
            else title.feat("Gender")
        )
        if gender in ("Masc", "Fem"):
            said.setdefault(entities.full_name(person.name), set()).add(gender)
    entities.genders = {name: genders.pop() for name, genders in said.items() if len(genders) == 1}


_POSTED_TO = re.compile(r"\s+(?:de|d['’])\s*(?:la\s+|l['’]\s*)?\S+(?:\s+\S+)?\s+(?:à|en|au|aux)\s+(?:la\s+|l['’]\s*)?"
                        r"([A-ZÀ-Ý][\w'’-]*(?:\s+[A-ZÀ-Ý][\w'’-]*)?)")


def _host_ministers(doc: Doc, entities: DocEntities) -> None:
    """`l'ambassadeur de France à Madagascar, X, a été reçu par le ministre des Sports, Y`: a
    minister or president with no country stated, named in the sentence of an ambassador posted to
    a country, is of that country (read from the words: the sentence may have no tree)."""
    gaz = gazetteer()
    government = word_set("entities", "government_titles")
    for sentence in doc.sentences:
        persons = entities.in_sentence(sentence.index)
        host = None
        for word in sentence.words:
            if fold_word(word.lemma) not in ("ambassadeur", "ambassadrice"):
                continue
            posted = _POSTED_TO.match(doc.text, word.end_char, sentence.end_char)
            place = gaz.lookup(posted.group(1)) if posted else None
            if place is None and posted:
                place = gaz.lookup(posted.group(1).split()[0])
            host = host or (place.country if place is not None else None)
        if host is None:
            continue
        for person in persons:
            full = entities.full_name(person.name)
            if person.title and fold_word(person.title) in government and full not in entities.countries:
                entities.countries[full] = host


def _dateline_ministers(doc: Doc, entities: DocEntities) -> None:
    """A wire story filed from a capital (`Kinshasa, 11 sept. (ACP).-`), or a story whose headline
    opens on a country (`Gabon : le président reçoit ...`), names its own government's members
    without their country: a minister or president with none stated is of that country."""
    filed = dateline(doc.text)
    country = filed.place.country if filed is not None else _headline_country(doc)
    if country is None:
        return
    government = word_set("entities", "government_titles")
    for person in entities.persons:
        full = entities.full_name(person.name)
        if person.title and fold_word(person.title) in government and full not in entities.countries:
            entities.countries[full] = country


def pair_side_ministers(entities: DocEntities, pair: list[str]) -> None:
    """`M. X, ministre de l'Agriculture` beside `le ministre français, M. Y` in an article on two
    countries (`la coopération entre le Maroc et la France`): where the named persons stand for one
    country of the pair and none for the other, a minister or president with no country stated is
    of the other one."""
    if len(pair) != 2:
        return
    held = set(entities.countries.values())
    unheld = [country for country in pair if country not in held]
    if len(unheld) != 1:
        return
    government = word_set("entities", "government_titles")
    for person in entities.persons:
        full = entities.full_name(person.name)
        if person.title and fold_word(person.title) in government and full not in entities.countries:
            entities.countries[full] = unheld[0]


_HEADLINE_TOPIC = re.compile(r"\s*([^:\n]{2,40}?)\s*:")


def _headline_country(doc: Doc) -> str | None:
    """The country a headline opens on, before a colon (`Algérie : vers une visite ...`), also
    under a section label."""
    for index in sorted(doc.headline):
        sentence = doc.sentences[index]
        topic = _HEADLINE_TOPIC.match(doc.text, sentence.start_char, sentence.end_char)
        place = gazetteer().lookup(topic.group(1)) if topic else None
        if place is not None and place.is_country:
            return place.name
    return None


def _described_countries(doc: Doc, entities: DocEntities) -> None:
    """`le Premier ministre burkinabè` with no name, where the article names exactly one person with
    that title and gives nobody that title and country: that person's country. Read from the words
    alone (a title and the demonym right after it), as the sentence may have no tree."""
    gaz = gazetteer()
    titles = word_set("entities", "titles")
    for sentence in doc.sentences:
        for word in sentence.words:
            following = sentence.word(word.id + 1)
            wanted = keys(word) & titles
            if not wanted or following is None or following.upos != "ADJ":
                continue
            country = gaz.country_of_demonym(following.text, following.lemma)
            if country is None or any(p.title_id == word.id for p in entities.in_sentence(sentence.index)):
                continue
            if any(p.country == country for p in entities.in_sentence(sentence.index)):
                continue  # `le ministre français de l'Agriculture, M. X`: X's own title, behind the honorific
            holders = {entities.full_name(p.name) for p in entities.persons if p.title and fold_word(p.title) in wanted}
            if all(entities.countries.get(h) not in (None, country) for h in holders):
                # `le président français` where the only presidents named are of other countries
                untitled = _untitled_person(entities, country)
                holders = {untitled} if untitled is not None else holders
            if len(holders) != 1 or any(entities.countries.get(h) == country for h in holders):
                continue
            entities.countries.setdefault(holders.pop(), country)


def _untitled_person(entities: DocEntities, country: str) -> str | None:
    """`Emmanuel Macron reçoit ... le président français`, `son homologue nigérien, X ... le Premier
    ministre nigérien`: whom a title with a country that no named holder has refers to, among the
    persons named with no title of an office: the one of that country, else the one of none."""
    relational = word_set("entities", "relational_titles")
    officed = {entities.full_name(p.name) for p in entities.persons if p.title and fold_word(p.title) not in relational}
    candidates = {entities.full_name(p.name) for p in entities.persons} - officed
    for wanted in (country, None):
        names = {n for n in candidates if entities.countries.get(n) == wanted}
        if names:
            return names.pop() if len(names) == 1 else None
    return None


def _place_as_name(sentence: Sentence, run: list[Word]) -> bool:
    """`François Hollande`, `Maurice Kamto`: a place's name inside a run the tagger reads as one
    person, after or before a given name, is part of the name."""
    return len(run) > 1 and all(sentence.entity_kind(w) == "PER" for w in run)


def _tagged_person(sentence: Sentence, run: list[Word]) -> bool:
    return any(sentence.entity_kind(w) == "PER" for w in run)


def _canonicalise(entities: DocEntities) -> None:
    full_names: list[str] = []
    for person in entities.persons:
        if len(person.name.split()) > 1 and person.name not in full_names:
            full_names.append(person.name)
    spellings = _usual_spellings(full_names, Counter(p.name for p in entities.persons))
    for person in entities.persons:
        folded = fold(person.name)
        full = next((f for f in full_names if _longer_name_of(fold(f).split(), folded.split())), None)
        full = full or _by_leading_names(full_names, folded)
        full = full or next((f for f in full_names if _same_person(fold(f).split(), folded.split())), None)
        full = full or _by_given_name(full_names, folded) or person.name
        full = spellings.get(full, full)
        entities.canonical.setdefault(folded, full)
        if person.country:
            entities.countries.setdefault(full, person.country)


def _usual_spellings(full_names: list[str], uses: Counter[str]) -> dict[str, str]:
    """`Paul Kagamee` beside `Paul Kagamé`: a full name one letter off another with the same given
    name is a typo of it; the spelling the article uses most (the first, on a tie) is the name."""
    found: dict[str, str] = {}
    for name in full_names:
        words = fold(name).split()
        for other in full_names:
            others = fold(other).split()
            if other == name or len(others) != len(words) or others[:-1] != words[:-1]:
                continue
            if min(len(words[-1]), len(others[-1])) >= 5 and _one_letter_off(words[-1], others[-1]):
                usual = max((name, other), key=lambda n: (uses[n], -full_names.index(n)))
                if usual != name:
                    found[name] = usual
    return found


def _one_letter_off(a: str, b: str) -> bool:
    """One letter replaced, added or removed."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _by_given_name(full_names: list[str], folded: str) -> str | None:
    """`Emmanuel doit se rendre au Gabon` in an article that names `Emmanuel Macron`: a lone word
    that begins exactly one full name (and ends none) is that person's given name, not a name of its own."""
    if " " in folded or any(fold(f).split()[-1] == folded for f in full_names):
        return None
    owners = [f for f in full_names if fold(f).split()[0] == folded]
    return owners[0] if len(owners) == 1 else None


def _by_leading_names(full_names: list[str], folded: str) -> str | None:
    """`Tony Mwaba` after `Tony Mwaba Kazadi`: a name of two words or more that begins exactly one
    longer full name is that person named without the last of his names."""
    words = folded.split()
    if len(words) < 2:
        return None
    owners = [f for f in full_names if len(fold(f).split()) > len(words) and fold(f).split()[: len(words)] == words]
    return owners[0] if len(owners) == 1 else None


def _longer_name_of(full: list[str], name: list[str]) -> bool:
    """`Jean Emmanuel Ouédraogo` after `Rimtalba Jean Emmanuel Ouédraogo`: a name of two words or
    more that ends a longer full name is that name cut of its first given names."""
    return 1 < len(name) < len(full) and full[-len(name):] == name


def _same_person(full: list[str], name: list[str]) -> bool:
    """`Pautot` and `J-L Mélenchon` are `Serge Pautot` and `Jean-Luc Mélenchon`; `Louisette Pautot`
    is not `Serge Pautot`: a given name, when there is one, starts as the full name's does."""
    return full[-1] == name[-1] and (len(name) == 1 or full[0][:1] == name[0][:1])


def participants_in(
    doc: Doc, sentence: Sentence, word: Word, role: str, stop: set[int]
) -> list[Participant]:
    """Persons, organisations and countries an argument phrase names (coordinations included)."""
    found: dict[tuple[str, str], Participant] = {}
    for head in _coordinated(sentence, word, stop):
        for participant in _phrase_participants(doc, sentence, head, role, stop):
            found.setdefault((participant.name, participant.kind), participant)
    return list(found.values())


def _coordinated(sentence: Sentence, word: Word, stop: set[int]) -> list[Word]:
    """The phrase and the phrases coordinated with it (also when the parser hangs them on the name)."""
    heads = [word]
    holders = [word, *[c for c in sentence.children(word) if c.upos == "PROPN" and c.deprel in ("nmod", "flat:name")]]
    for holder in holders:
        for child in sentence.children(holder):
            if (
                child.deprel in ("conj", "appos")
                and child.id not in stop
                and not _is_name_complement(sentence, word, child)
            ):
                heads.extend(_coordinated(sentence, child, stop))
    return heads


def _is_name_complement(sentence: Sentence, head: Word, conj: Word) -> bool:
    """`bureau de la sécurité et de la non-prolifération`: a `de` complement coordinated to an
    organisation noun belongs to its name, it is not a second participant."""
    org_nouns = word_set("entities", "org_nouns")
    return (
        bool(keys(head) & org_nouns)
        and not keys(conj) & org_nouns
        and conj.deprel == "conj"
        and sentence.case_of(conj) in GENITIVE
        and conj.upos == "NOUN"
    )


def known_organisation(sentence: Sentence, word: Word, text: str) -> list[Word] | None:
    """The words of a well-known organisation's name (`Union européenne`, `ONU`) headed by this word."""
    names = {fold(n) for n in load("entities")["organisations"]}
    following = [c for c in sentence.children(word) if c.deprel in ("amod", "flat:name", "flat") and c.id > word.id]
    for words in (proper_chain(sentence, word), [word, *following], [word]):
        if fold(surface(text, words)) in names:
            return words
    return None


def _phrase_participants(
    doc: Doc, sentence: Sentence, word: Word, role: str, stop: set[int]
) -> list[Participant]:
    person = doc.persons.person_at(sentence.index, word)
    if person is not None:
        return [person_participant(doc, sentence, person, role)]
    organisation = known_organisation(sentence, word, doc.text)
    if organisation is not None:
        return [
            Participant(surface(doc.text, organisation), "ORG", role=role, evidence=doc.span(sentence, organisation))
        ]
    if word.upos == "PRON" and fold(word.text) in SUBJECT_PRONOUNS and word.deprel.startswith("nsubj"):
        antecedent = doc.persons.person_before(sentence.index, word.start_char, gender=word.feat("Gender"))
        if antecedent is None or not (antecedent.subject and antecedent.sentence_index >= sentence.index - 1):
            organisations = _organisation_subject_before(doc, sentence, role)
            if organisations:
                return organisations
        return [person_participant(doc, sentence, antecedent, role)] if antecedent else []
    if word.upos == "PRON" and word.deprel.startswith("nsubj") and fold(word.lemma) in NARRATOR_PRONOUNS:
        return _narrator(doc, sentence, role)
    if word.upos == "PRON" and word.deprel in ("obj", "iobj") and fold(word.lemma) in OBJECT_PRONOUNS:
        return _object_antecedent(doc, sentence, word, role)
    if is_title(word) or keys(word) & word_set("entities", "group_nouns"):
        return _described_participants(doc, sentence, word, role, stop)
    if keys(word) & word_set("entities", "org_nouns"):
        return _organisations(doc, sentence, word, role, stop)
    if word.upos == "PROPN" or (word.upos == "NOUN" and word.text[:1].isupper()):
        return _proper_participants(doc, sentence, word, role)
    if fold(word.lemma) in grammar_words("demonstrative_pronouns"):
        return [
            p
            for c in sentence.children(word)
            if c.deprel == "nmod"
            for p in participants_in(doc, sentence, c, role, stop)
        ]
    return []


def _organisation_subject_before(doc: Doc, sentence: Sentence, role: str) -> list[Participant]:
    """`Le RESUFF promeut l'égalité. Il organisera un atelier`: with no person subject just before, a
    subject pronoun is the organisation named before the previous sentence's first verb, outside a
    prepositional phrase (that sentence is tagged, not parsed: its subject read from word order)."""
    if sentence.index == 0:
        return []
    previous = doc.sentences[sentence.index - 1]
    verb = next((w for w in previous.words if w.upos == "VERB"), None)
    if verb is None:
        return []
    subjects = [
        span
        for span in previous.entity_spans("ORG")
        if span[-1].id < verb.id and all(w.upos == "PROPN" for w in span)
        and not any(w.upos == "ADP" for w in previous.words if span[0].id - 3 <= w.id < span[0].id)
    ]
    if not subjects:
        return []
    span = subjects[-1]
    return [Participant(surface(doc.text, span), "ORG", role=role, evidence=doc.span(previous, span))]


def _narrator(doc: Doc, sentence: Sentence, role: str) -> list[Participant]:
    """`Saâd Karmous, que j'ai rencontré au café`: outside quotation marks, an article's `je` is the one
    person its headline names (a memoir, an interview); inside them, someone quoted."""
    if any(q in doc.text[sentence.start_char:sentence.end_char] for q in QUOTES):
        return []
    named = {doc.persons.full_name(p.name): p for i in doc.headline for p in doc.persons.in_sentence(i) if not p.club}
    if len(named) != 1:
        return []
    return [person_participant(doc, sentence, next(iter(named.values())), role)]


def _object_antecedent(doc: Doc, sentence: Sentence, word: Word, role: str) -> list[Participant]:
    """`le ministre l'a reçu`, `je l'ai rencontré`: an object pronoun is the last person named before it
    other than the clause's subject."""
    verb = sentence.head_of(word)
    subjects = [c for c in sentence.children(verb) if c.deprel.startswith("nsubj")] if verb is not None else []
    excluded = frozenset(
        p.name for s in subjects for p in _phrase_participants(doc, sentence, s, role, set()) if p.kind == "PER"
    )
    antecedent = doc.persons.person_before(sentence.index, word.start_char, excluded)
    return [person_participant(doc, sentence, antecedent, role)] if antecedent else []


def person_participant(doc: Doc, sentence: Sentence, person: PersonMention, role: str) -> Participant:
    return Participant(
        name=doc.persons.full_name(person.name),
        kind="ORG" if person.club else "PER",
        title=person.title,
        role=role,
        evidence=doc.span(sentence, person.words),
    )


def _country(doc: Doc, sentence: Sentence, name: str, word: Word, role: str) -> Participant:
    return Participant(name=name, kind="GPE", role=role, evidence=doc.span(sentence, [word]))


def _proper_participants(doc: Doc, sentence: Sentence, word: Word, role: str) -> list[Participant]:
    """A country, a capital standing for its government, every country of `Maroc-Etats-Unis`, or an ORG."""
    gaz = gazetteer()
    filed = dateline(doc.text)
    if filed is not None and filed.name[0] <= word.start_char < filed.name[1]:
        return []  # `Lomé, 10 mai (ATOP).- ...`: where the story is filed from takes no part
    found = place_of(sentence, word, doc.text)
    if found and found.place:
        country = found.place.name if found.place.is_country else gaz.capital_country(found.place.name)
        return [_country(doc, sentence, country, word, role)] if country else []
    scanned = [p for p in gaz.scan(word.text) if p.is_country]
    if scanned:
        return [_country(doc, sentence, p.name, word, role) for p in scanned]
    if sentence.entity_kind(word) in ("ORG", "MISC") and word.upos == "PROPN":
        if _in_portfolio(sentence, word) or _files_the_story(doc.text, word):
            return []
        return [Participant(word.text, "ORG", role=role, evidence=doc.span(sentence, [word]))]
    return []


_AFTER_WIRE_AGENCY = re.compile(r"[ \t]*\)[ \t]*\.?[ \t]*[-–—]")


def _files_the_story(text: str, word: Word) -> bool:
    """`Kinshasa, 30 mai 2022 (ACP).- Le chanteur ...`: the agency in parentheses before a dateline's
    dash files the story; it takes part in nothing the story tells."""
    opened = text[max(word.start_char - 3, 0):word.start_char].rstrip().endswith("(")
    return opened and bool(_AFTER_WIRE_AGENCY.match(text, word.end_char))


def _in_portfolio(sentence: Sentence, word: Word) -> bool:
    """`Sports` in the tagged `ministre de la Jeunesse et des Sports`: a word of a name the tagger made
    of a minister's title is the portfolio, not a party."""
    portfolio = word_set("entities", "portfolio_titles")
    span = next((s for s in sentence.entity_spans(sentence.entity_kind(word)) if word in s), [word])
    if len(span) > 1 and span[0] is not word and bool(keys(span[0]) & portfolio):
        return True
    # `les ministres des Affaires étrangères et des Armées`: a `de` complement, or one coordinated
    # with it, of a minister's title
    current = word
    for head in sentence.ancestors(word):
        if current.deprel not in ("nmod", "conj") or head.upos not in ("NOUN", "PROPN"):
            return False
        if keys(head) & portfolio:
            return current.deprel == "conj" or sentence.case_of(current) in GENITIVE
        current = head
    return False


def _demonyms(sentence: Sentence, word: Word) -> list[tuple[Word, str]]:
    """Nationality adjectives of a noun with their countries, coordinated ones included
    (`forces armées malgaches et françaises`)."""
    gaz = gazetteer()
    found: list[tuple[Word, str]] = []
    pending = [c for c in sentence.children(word) if c.deprel == "amod"]
    while pending:
        adj = pending.pop(0)
        country = gaz.country_of_demonym(adj.text, adj.lemma)
        if country:
            found.append((adj, country))
        pending.extend(c for c in sentence.children(adj) if c.deprel == "conj" and c.upos == "ADJ")
    return found


def _described_participants(
    doc: Doc, sentence: Sentence, word: Word, role: str, stop: set[int]
) -> list[Participant]:
    """`le ministre algérien X`, `les délégués américains du bureau de ...`, `les deux pays`."""
    found: list[Participant] = []
    if is_pair(sentence, word):
        return [Participant(PAIR, "GPE", role=role)]
    named = _named_person_below(doc, sentence, word, stop)
    if named is not None:
        found.append(person_participant(doc, sentence, named, role))
    elif is_title(word):
        country = _title_country(sentence, word, [], doc.text)  # `le chef de la diplomatie française`
        if country:
            found.append(_country(doc, sentence, country, word, role))
    found.extend(_country(doc, sentence, country, adj, role) for adj, country in _demonyms(sentence, word))
    for child in sentence.children(word):
        if child.id in stop:
            continue
        if child.deprel == "nmod" and sentence.case_of(child) in GENITIVE | grammar_words("with_case"):
            if named is not None and not _names_body(sentence, word, child):
                continue
            found.extend(participants_in(doc, sentence, child, role, stop))
    return found


def _names_body(sentence: Sentence, title: Word, word: Word) -> bool:
    """The body a named person's title belongs to (`le président de la FIFA, X`), not the portfolio
    of the title (`le ministre de la Jeunesse et des Sports, X`): a tagged name that the lemmatiser
    does not take for a capitalised common noun, or a tagged name opening on a capitalised organisation
    noun (`l'Organisation des États Américains`), after a title that has no portfolio."""
    if keys(title) & word_set("entities", "portfolio_titles"):
        return False
    if word.upos == "NOUN" and word.text[:1].isupper() and keys(word) & word_set("entities", "org_nouns"):
        return sentence.begins_entity(word, "ORG")
    return word.upos == "PROPN" and sentence.entity_kind(word) in ("ORG", "MISC") and not word.lemma.islower()


def titled_person(doc: Doc, sentence: Sentence, title: Word) -> str | None:
    """`le président laotien`, `le chef de l'Etat burundais` with no name: the one person the article
    names with that title and that country; `la ministre` with no country: the one minister it names."""
    determiner = sentence.determiner(title)
    if determiner is None or determiner.deprel != "det" or fold(determiner.lemma) != "le":
        return None
    if title.feat("Number") == "Plur":  # `les deux ministres`: not one person
        return None
    if _named_person_below(doc, sentence, title, set()) is not None:
        return None
    country = _title_country(sentence, title, [], doc.text)
    if country is None and not keys(title) & word_set("entities", "portfolio_titles"):
        return None  # `le président`, `le roi` without a country: often one the article does not name
    wanted = keys(title) & word_set("entities", "titles")
    entities = doc.persons
    names = {
        entities.full_name(p.name)
        for p in entities.persons
        if p.title and fold_word(p.title) in wanted
        and (country is None or entities.countries.get(entities.full_name(p.name)) == country)
    }
    if not names and country is not None and all(
        entities.countries.get(entities.full_name(p.name)) not in (None, country)
        for p in entities.persons if p.title and fold_word(p.title) in wanted
    ):
        untitled = _untitled_person(entities, country)
        return untitled if untitled is not None and entities.countries.get(untitled) == country else None
    return names.pop() if len(names) == 1 else None


def _named_person_below(doc: Doc, sentence: Sentence, word: Word, stop: set[int]) -> PersonMention | None:
    """The name a title introduces, not crossing into coordinated or relative phrases; else the
    name that follows the title in the text when the parser hung it elsewhere."""
    blocked = set(stop) | {c.id for c in sentence.children(word) if c.deprel in ("conj", "acl:relcl", "acl")}
    for candidate in sentence.subtree(word, blocked):
        person = doc.persons.person_at(sentence.index, candidate)
        if person is not None:
            return person
    return next((p for p in doc.persons.in_sentence(sentence.index) if p.title_id == word.id), None)


def _organisations(
    doc: Doc, sentence: Sentence, word: Word, role: str, stop: set[int]
) -> list[Participant]:
    """An organisation named by a common noun phrase, without nationality adjectives unless it is
    written as a name (`le ministère algérien de la Défense`, but `la Fédération française de boxe`).

    A plural head shares its coordinated complements (`départements de la défense et du commerce`
    -> two departments); a singular head keeps them (`bureau de la sécurité et de la non-prolifération`).
    """
    gaz = gazetteer()
    org_nouns = word_set("entities", "org_nouns")
    found: list[Participant] = []
    demonyms = [adj for adj, _ in _demonyms(sentence, word)]
    found.extend(_country(doc, sentence, country, adj, role) for adj, country in _demonyms(sentence, word))
    complements = [c for c in sentence.children(word) if c.deprel in ("nmod", "flat:name", "flat") and c.id not in stop]
    if any(is_pair(sentence, w) for c in complements for w in sentence.subtree(c, stop)):
        return found + [Participant(PAIR, "GPE", role=role)]
    if not complements:
        return found
    as_written = word.text[:1].isupper()  # a proper name keeps its adjective (`Fédération française de boxe`)
    blocked = set(stop) | (set() if as_written else {d.id for d in demonyms})
    blocked |= {
        c.id
        for c in sentence.children(word)
        if c.deprel in ("appos", "acl", "acl:relcl", "punct", "det", "case", "cc")
        or (c.deprel == "conj" and not _is_name_complement(sentence, word, c))
    }

    def trimmed(root: Word, extra: set[int]) -> list[Word]:
        inner = blocked | extra
        inner |= {w.id for w in sentence.subtree(root, inner) if w.id != root.id and _parenthesised(sentence, w)}
        # `le Réseau des femmes responsables dans la recherche qui a pour mission ...`: a relative
        # clause describes the organisation, wherever the parser hangs it, and is no part of its name
        inner |= {w.id for w in sentence.subtree(root, inner) if w.deprel == "acl:relcl"}
        for w in sentence.subtree(root, inner):
            if w.id != root.id and keys(w) & org_nouns and w.deprel in ("nmod", "conj"):
                inner |= {w.id}
                if w.deprel == "conj":
                    coordinated.append(w)
        words = sentence.subtree(root, inner)
        if as_written:
            return words
        return [w for w in words if not (w.deprel == "amod" and gaz.country_of_demonym(w.text, w.lemma))]

    coordinated: list[Word] = []  # organisations coordinated inside the phrase, named on their own
    plural = word.feat("Number") == "Plur"
    nominal = [c for c in complements if c.deprel == "nmod"]
    if plural and nominal and any(g.deprel == "conj" for g in sentence.children(nominal[0])):
        first = nominal[0]
        parts = [first, *[g for g in sentence.children(first) if g.deprel == "conj"]]
        conj_ids = {p.id for p in parts}
        for part in parts:
            words = trimmed(part, conj_ids - {part.id})
            words = [w for w in words if not (w.deprel == "cc" and sentence.head_of(w) is part)]
            name = f"{word.lemma} {surface(doc.text, words)}"
            found.append(Participant(name, "ORG", role=role, evidence=doc.span(sentence, [word, *words])))
    else:
        words = trimmed(word, set())
        found.append(Participant(surface(doc.text, words), "ORG", role=role, evidence=doc.span(sentence, words)))
    for other in coordinated:
        found.extend(_organisations(doc, sentence, other, role, stop))
    return found


def _parenthesised(sentence: Sentence, word: Word) -> bool:
    """`(AIMF)` after `Association internationale des Maires francophones`: an alias in parentheses
    is no part of the name (the acronyms component maps it to the name)."""
    return any(c.text == "(" and c.id < word.id for c in sentence.children(word))


def is_pair(sentence: Sentence, word: Word) -> bool:
    return fold_word(word.lemma) in PAIR_NOUNS and any(
        c.deprel == "nummod" and fold(c.lemma) in grammar_words("pair_numeral") for c in sentence.children(word)
    )

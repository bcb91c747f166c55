"""What the event filter knows of one extracted event: named features read from the article's parse.

Each feature is a name and a number (a one-hot feature is `name=value` with 1.0), so that the model
is a plain weight per name, stored as data. The features say how the text speaks of the event:
the trigger's word and determiner, the tense and mood of the clause that carries it, negation,
where in the article it sits, what the rules found around it (participants, place, own date,
status) and how many other events the article yields. No word list: the model learns which
trigger lemmas, determiners and tenses mark a specific occurrence.
"""

from __future__ import annotations

from collections.abc import Iterable

from evex.conllu import Word
from evex.extract.doc import Sentence
from evex.frames import EventFrame

Features = dict[str, float]


def _first_word(sentence: Sentence, start: int) -> Word | None:
    """The trigger's first word: the one its character offset falls in."""
    return next((w for w in sentence.words if w.start_char <= start < w.end_char), None)


def _verb_form(sentence: Sentence, verb: Word | None) -> str:
    """Tense and mood of the clause, compound tenses read from their auxiliary (a passé composé is
    `Pres` on the auxiliary and a past participle)."""
    if verb is None:
        return "none"
    auxiliaries = [w for w in sentence.children(verb) if w.deprel.startswith("aux")]
    marked = auxiliaries[0] if auxiliaries else verb
    parts = [marked.feat("VerbForm") or "", marked.feat("Mood") or "", marked.feat("Tense") or ""]
    if auxiliaries and verb.feat("VerbForm") == "Part":
        parts.append("compound")
    if any(w.deprel == "aux:pass" for w in auxiliaries):
        parts.append("passive")
    return "-".join(p for p in parts if p) or "bare"


def _determiner(sentence: Sentence, word: Word) -> str:
    """The trigger noun's determiner, by its features (definite, indefinite, possessive, demonstrative)."""
    det = next((w for w in sentence.children(word) if w.deprel == "det"), None)
    if det is None:
        return "none"
    if det.feat("Poss") == "Yes":
        return "poss"
    return det.feat("PronType") or det.feat("Definite") or det.lemma.lower()


def _negated(sentence: Sentence, verb: Word | None) -> bool:
    return verb is not None and any(w.feat("Polarity") == "Neg" for w in sentence.children(verb))


def _year(iso: str | None) -> int | None:
    return int(iso[:4]) if iso and iso[:4].isdigit() else None


def _mention_features(sentences: list[Sentence], frame: EventFrame, headline: frozenset[int]
                      ) -> Iterable[tuple[str, float]]:
    first = min(frame.mentions, key=lambda m: m.sentence_index)
    yield "sentence_position", first.sentence_index / max(len(sentences), 1)
    yield "first_sentences", float(first.sentence_index < 4)
    yield "in_headline", float(any(m.sentence_index in headline for m in frame.mentions))
    for mention in frame.mentions[:3]:
        sentence = sentences[mention.sentence_index]
        word = _first_word(sentence, mention.start)
        lemma = (mention.lemma or mention.trigger).lower()
        yield f"lemma={frame.type}:{lemma}", 1.0
        if word is None:
            continue
        verb = sentence.governing_verb(word)
        yield f"upos={word.upos}", 1.0
        yield f"number={word.feat('Number') or 'none'}", 1.0
        yield f"determiner={_determiner(sentence, word)}", 1.0
        yield f"clause={_verb_form(sentence, verb)}", 1.0
        yield f"deprel={word.deprel.split(':')[0]}", 1.0
        yield "negated", float(_negated(sentence, verb))
        head = sentence.head_of(word)
        yield f"head={head.lemma.lower() if head else 'root'}", 1.0
        if verb is not None and verb is not word:
            yield f"verb={verb.lemma.lower()}", 1.0
        for child in sentence.children(word):
            if child.deprel.split(":")[0] in ("nmod", "amod", "obl", "obj"):
                name = child.lemma.lower() if child.upos != "PROPN" else sentence.entity_kind(child) or "O"
                yield f"child={name}", 1.0
        yield "sentence_words", min(len(sentence.words), 80) / 80


def article_features(sentences: list[Sentence], doc_date: str | None) -> Features:
    """How the whole article speaks: first person (an interview, an opinion), past narrative tenses
    (a portrait, a history), years long before its date, questions. The genre, read off the parse."""
    words = [w for s in sentences for w in s.words]
    verbs = [w for w in words if w.upos in ("VERB", "AUX") and w.feat("VerbForm") == "Fin"]
    doc_year = _year(doc_date)
    years = [int(w.text) for w in words if w.upos == "NUM" and len(w.text) == 4 and w.text.isdigit()]
    share = lambda part, whole: len(part) / len(whole) if whole else 0.0  # noqa: E731
    return {
        "article_first_person": share([w for w in words if w.upos == "PRON" and w.feat("Person") == "1"], words) * 20,
        "article_narrative_past": share([v for v in verbs if v.feat("Tense") in ("Imp", "Past")], verbs),
        "article_old_years": share([y for y in years if doc_year and doc_year - y > 5], years),
        "article_questions": share([w for w in words if w.text == "?"], sentences),
    }


def event_features(sentences: list[Sentence], frame: EventFrame, doc_date: str | None, frames: list[EventFrame],
                   headline: frozenset[int]) -> Features:
    """The features of one event of an article (`sentences`: its parse, `frames`: all its events,
    `headline`: its headline's sentence indices). Mention-level features are averaged over the event's first three mentions."""
    features: Features = {f"type={frame.type}": 1.0, f"status={frame.status}": 1.0}
    counts: dict[str, float] = {}
    n_mentions = min(len(frame.mentions), 3)
    for name, value in _mention_features(sentences, frame, headline):
        per_mention = name not in ("sentence_position", "first_sentences", "in_headline")
        counts[name] = counts.get(name, 0.0) + (value / n_mentions if per_mention else value)
    features.update(counts)
    kinds = [p.kind for p in frame.participants]
    features["mentions"] = min(len(frame.mentions), 5) / 5
    features["participants"] = min(len(kinds), 6) / 6
    for kind in ("PER", "ORG", "GPE", "LOC"):
        features[f"has_{kind}"] = float(kind in kinds)
    features["has_location"] = float(frame.location is not None)
    features["has_own_date"] = float(frame.time_evidence is not None)
    start_year, doc_year = _year(frame.start), _year(doc_date)
    features["years_before_article"] = (
        min(max(doc_year - start_year, 0), 50) / 50 if start_year is not None and doc_year is not None else 0.0)
    features["article_events"] = min(len(frames), 10) / 10
    features["article_sentences"] = min(len(sentences), 100) / 100
    features["same_type_events"] = min(sum(f.type == frame.type for f in frames), 5) / 5
    return features

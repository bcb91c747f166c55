"""The scorer of FORMAT.md on small hand-made gold/prediction pairs with known scores."""

import json

import pytest

from evex.evaluate import (
    content_words,
    date_matches,
    fold,
    format_scores,
    mentions_match,
    names_match,
    same_sentence,
    score_docs,
    score_files,
)

SENTENCE = "Le ministre s’est rendu à Alger pour une visite officielle."


def event(event_id, type_, mentions, participants=(), location=None, start=None, end=None, status="occurred"):
    return {
        "event_id": event_id,
        "type": type_,
        "participants": [{"name": n, "kind": "PER"} for n in participants],
        "location": location,
        "start": start,
        "end": end,
        "status": status,
        "mentions": [{"trigger": t, "sentence": s} for t, s in mentions],
    }


def test_fold_ignores_case_accents_quotes_and_spaces():
    assert fold("  L’Algérie   « EST » ") == fold('l\'algerie "est"')


def test_content_words_drop_articles_prepositions_and_auxiliaries():
    assert content_words("s’est longuement entretenu") == {"longuement", "entretenu"}
    assert content_words("protocole d’accord") == {"protocole", "accord"}


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (SENTENCE, SENTENCE.upper(), True),
        (SENTENCE, "Titre. " + SENTENCE, True),
        (SENTENCE, "Une autre phrase.", False),
        ("", SENTENCE, False),
    ],
)
def test_same_sentence_compares_folded_text_or_containment(a, b, expected):
    assert same_sentence(a, b) is expected


def test_mentions_match_needs_a_shared_content_word_in_the_same_sentence():
    gold = {"trigger": "visite officielle", "sentence": SENTENCE}
    assert mentions_match({"trigger": "visite", "sentence": SENTENCE}, gold)
    assert not mentions_match({"trigger": "rendu", "sentence": SENTENCE}, gold)
    assert not mentions_match({"trigger": "visite", "sentence": "Autre."}, gold)


@pytest.mark.parametrize(
    ("pred", "gold", "expected"),
    [
        ("Kerry", "John Kerry", True),
        ("John Kerry", "Kerry", True),
        ("Etats-Unis", "États-Unis", True),
        ("John Smith", "John Kerry", False),
        ("John", "John Kerry", False),
    ],
)
def test_names_match_allows_a_surname_alone(pred, gold, expected):
    assert names_match(pred, gold) is expected


@pytest.mark.parametrize(
    ("pred", "gold", "expected"),
    [
        ("2023-03-14", "2023-03", True),
        ("2023-03", "2023-03-14", False),
        ("2023-04-01", "2023-03", False),
        (None, None, True),
        ("2023", None, False),
        (None, "2023", False),
    ],
)
def test_dates_are_exact_at_the_gold_granularity(pred, gold, expected):
    assert date_matches(pred, gold) is expected


def test_perfect_prediction_scores_one_everywhere():
    doc = {
        "doc_id": "d",
        "events": [event("e1", "VISIT", [("visite", SENTENCE)], ["John Kerry"], "Alger", "2023-03-01", "2023-03-01")],
    }
    scores = score_docs({"d": doc}, {"d": doc})
    assert scores["mentions"]["f1"] == scores["events"]["f1"] == scores["participants"]["f1"] == 1.0
    assert scores["location"] == scores["start"] == scores["status"] == scores["overall"] == 1.0


def test_partial_prediction_counts_each_level_separately():
    gold = {
        "doc_id": "d",
        "events": [
            event(
                "e1",
                "VISIT",
                [("visite officielle", SENTENCE), ("rendu", SENTENCE)],
                ["John Kerry", "Ali Ben"],
                "Alger",
            ),
            event("e2", "MEETING", [("rencontre", "Une rencontre a eu lieu.")]),
        ],
    }
    pred = {
        "doc_id": "d",
        "events": [
            event("p1", "VISIT", [("visite", SENTENCE)], ["Kerry", "Paul Roe"], "Algérie", status="planned"),
            event("p2", "AGREEMENT", [("rencontre", "Une rencontre a eu lieu.")]),
        ],
    }
    scores = score_docs({"d": gold}, {"d": pred})
    assert scores["mentions"]["tp"] == 1 and scores["mentions"]["pred"] == 2 and scores["mentions"]["gold"] == 3
    assert scores["events"]["tp"] == 1 and scores["events"]["f1"] == pytest.approx(0.5)
    assert scores["participants"]["tp"] == 1 and scores["participants"]["f1"] == pytest.approx(0.5)
    assert scores["location"] == 0.0 and scores["status"] == 0.0 and scores["start"] == 1.0


def test_one_to_one_alignment_does_not_reuse_a_gold_mention():
    gold = {"doc_id": "d", "events": [event("e1", "MEETING", [("rencontre", "La rencontre.")])]}
    pred = {
        "doc_id": "d",
        "events": [event("p1", "MEETING", [("rencontre", "La rencontre."), ("rencontre", "La rencontre.")])],
    }
    assert score_docs({"d": gold}, {"d": pred})["mentions"]["tp"] == 1


def test_missing_document_counts_as_all_missed():
    gold = {"doc_id": "d", "events": [event("e1", "MEETING", [("rencontre", "La rencontre.")])]}
    scores = score_docs({"d": gold}, {})
    assert scores["mentions"]["recall"] == 0.0 and scores["events"]["gold"] == 1


def test_score_files_reads_jsonl_and_format_scores_prints_a_table(tmp_path):
    doc = {"doc_id": "d", "doc_date": None, "events": [event("e1", "MEETING", [("rencontre", "La rencontre.")])]}
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps(doc) + "\n", encoding="utf-8")
    scores = score_files(path, path)
    assert scores["overall"] == pytest.approx((1 + 1 + 0 + 1 + 1 + 1) / 6)
    table = format_scores(scores)
    assert "mentions" in table and "overall" in table and "1.000" in table

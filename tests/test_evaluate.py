"""The scorer of FORMAT.md on small hand-made gold/prediction pairs with known scores."""

import json

import pytest
from typer.testing import CliRunner

from evex.cli import app
from evex.evaluate import (
    content_words,
    date_matches,
    error_breakdown,
    explain,
    fold,
    format_scores,
    mentions_match,
    names_match,
    same_sentence,
    score_by_type,
    score_docs,
    score_files,
)

SENTENCE = "Le ministre s’est rendu à Alger pour une visite officielle."


def event(event_id, type_, mentions, participants=(), location=None, start=None, end=None, status="occurred"):
    """A participant is a name (a PER) or a (name, kind) pair."""
    return {
        "event_id": event_id,
        "type": type_,
        "participants": [dict(zip(("name", "kind"), (p, "PER") if isinstance(p, str) else p)) for p in participants],
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


# Invented sentences: real articles must not be copied into the repository.
TALKS = "Les deux ministres ont tenu une réunion à Oran."
TALKS_AGAIN = "Cette réunion a porté sur la coopération."
SIGNING = "Un accord de pêche a été signé à Tunis."
FORUM = "Un atelier sur l’eau se tiendra à Rabat."


def doc(doc_id, *events):
    return {"doc_id": doc_id, "events": list(events)}


def test_score_by_type_scores_each_type_on_its_own_events():
    meeting = [("réunion", TALKS)]
    gold = {"d": doc("d", event("e1", "MEETING", meeting), event("e2", "AGREEMENT", [("accord", SIGNING)]))}
    pred = {"d": doc("d", event("p1", "MEETING", meeting), event("p2", "WORKSHOP", [("atelier", FORUM)]))}
    by_type = score_by_type(gold, pred)
    assert list(by_type) == ["MEETING", "VISIT", "AGREEMENT", "WORKSHOP"]
    assert by_type["MEETING"]["events"]["f1"] == 1.0 and score_docs(gold, pred)["events"]["f1"] == 0.5
    assert (by_type["AGREEMENT"]["events"]["gold"], by_type["AGREEMENT"]["events"]["tp"]) == (1, 0)
    assert (by_type["WORKSHOP"]["events"]["pred"], by_type["WORKSHOP"]["events"]["tp"]) == (1, 0)
    assert by_type["VISIT"]["events"]["pred"] == by_type["VISIT"]["events"]["gold"] == 0


def test_a_second_predicted_copy_of_a_matched_event_is_a_split():
    first, second = ("réunion", TALKS), ("réunion", TALKS_AGAIN)
    gold = {"d": doc("d", event("e1", "MEETING", [first, second]))}
    pred = {"d": doc("d", event("p1", "MEETING", [first]), event("p2", "MEETING", [second]))}
    errors = error_breakdown(gold, pred)
    assert errors["events"] == {"missed": 0, "merged": 0, "split": 1, "wrong_type": 0, "spurious": 0}
    assert errors["mentions"]["false_positive"] == errors["mentions"]["missed"] == 0
    assert "d split pred p2 MEETING (copy of gold e1) 'réunion' | Cette réunion" in explain(gold, pred)


def test_a_gold_event_folded_into_a_prediction_matched_elsewhere_is_merged():
    first, second = ("réunion", TALKS), ("réunion", TALKS_AGAIN)
    gold = {"d": doc("d", event("e1", "MEETING", [first]), event("e2", "MEETING", [second]))}
    pred = {"d": doc("d", event("p1", "MEETING", [first, second]))}
    errors = error_breakdown(gold, pred)
    assert errors["events"] == {"missed": 1, "merged": 1, "split": 0, "wrong_type": 0, "spurious": 0}
    assert explain(gold, pred).splitlines() == [
        "d e1 MEETING: matched pred p1",
        f"d e2 MEETING: MISSED (merged into pred p1) 'réunion' | {TALKS_AGAIN}",
    ]


def test_unmatched_predictions_are_spurious_unless_a_mention_matches_gold_under_another_type():
    gold = {"d": doc("d", event("e1", "MEETING", [("réunion", TALKS)]))}
    pred = {
        "d": doc("d", event("p1", "AGREEMENT", [("réunion", TALKS)]), event("p2", "WORKSHOP", [("atelier", FORUM)]))
    }
    errors = error_breakdown(gold, pred)
    assert errors["events"] == {"missed": 1, "merged": 0, "split": 0, "wrong_type": 1, "spurious": 1}
    assert errors["mentions"] == {
        "false_positive": 2,
        "missed": 1,
        "type_confusion": {"MEETING": {"AGREEMENT": 1}},
    }
    text = explain(gold, pred)
    assert "d e1 MEETING: MISSED (pred p1 has it as AGREEMENT)" in text
    assert "d wrong-type pred p1 AGREEMENT (gold e1 is MEETING)" in text
    assert "d spurious pred p2 WORKSHOP 'atelier' | " + FORUM in text


def test_location_and_dates_of_matched_events_are_correct_missing_wrong_or_spurious():
    def pair(doc_id, gold_value, pred_value):
        mention = [("réunion", TALKS)]
        return (
            doc(doc_id, event("e1", "MEETING", mention, location=gold_value[0], start=gold_value[1])),
            doc(doc_id, event("p1", "MEETING", mention, location=pred_value[0], start=pred_value[1])),
        )

    cases = {
        "correct": (("Oran", "2023-03"), ("ORAN", "2023-03-14")),
        "missing": (("Oran", "2023-03"), (None, None)),
        "wrong": (("Oran", "2023-03"), ("Algérie", "2023-04")),
        "spurious": ((None, None), ("Oran", "2023")),
    }
    gold, pred = {}, {}
    for doc_id, (gold_value, pred_value) in cases.items():
        gold[doc_id], pred[doc_id] = pair(doc_id, gold_value, pred_value)
    errors = error_breakdown(gold, pred)
    assert errors["location"] == errors["start"] == {"correct": 1, "missing": 1, "wrong": 1, "spurious": 1}
    assert errors["end"] == {"correct": 4, "missing": 0, "wrong": 0, "spurious": 0}
    assert score_docs(gold, pred)["location"] == 0.25
    text = explain(gold, pred)
    assert "location: gold 'Oran' pred 'Algérie'" in text and "start: gold '2023-03' pred null" in text
    assert "location: gold null pred 'Oran'" in text and "end:" not in text


def test_participants_missed_and_spurious_are_counted_by_kind():
    gold_participants = [("John Kerry", "PER"), ("Algérie", "GPE"), ("ONU", "ORG"), ("Oran", "LOC")]
    pred_participants = [("Kerry", "PER"), ("Paul Roe", "PER"), ("Maroc", "GPE"), ("Oran", "LOC")]
    gold = {"d": doc("d", event("e1", "MEETING", [("réunion", TALKS)], gold_participants))}
    pred = {"d": doc("d", event("p1", "MEETING", [("réunion", TALKS)], pred_participants))}
    errors = error_breakdown(gold, pred)
    assert errors["participants"]["missed"] == {"PER": 0, "ORG": 1, "GPE": 1, "LOC": 0}
    assert errors["participants"]["spurious"] == {"PER": 1, "ORG": 0, "GPE": 1, "LOC": 0}
    text = explain(gold, pred)
    assert "  missing participants: Algérie/GPE, ONU/ORG" in text
    assert "  spurious participants: Paul Roe/PER, Maroc/GPE" in text


def test_status_confusion_counts_gold_against_predicted_status():
    gold = {
        "d": doc(
            "d",
            event("e1", "MEETING", [("réunion", TALKS)], status="occurred"),
            event("e2", "AGREEMENT", [("accord", SIGNING)], status="planned"),
            event("e3", "WORKSHOP", [("atelier", FORUM)], status="planned"),
        )
    }
    pred = {
        "d": doc(
            "d",
            event("p1", "MEETING", [("réunion", TALKS)], status="planned"),
            event("p2", "AGREEMENT", [("accord", SIGNING)], status="planned"),
            event("p3", "WORKSHOP", [("atelier", FORUM)], status="ongoing"),
        )
    }
    assert error_breakdown(gold, pred)["status"] == {
        "occurred": {"planned": 1},
        "planned": {"planned": 1, "ongoing": 1},
    }
    text = explain(gold, pred)
    assert "d e1 MEETING: matched pred p1\n  status: gold occurred pred planned\n" in text
    assert "d e2 AGREEMENT: matched pred p2\nd e3" in text  # nothing wrong, nothing listed


def test_explain_lists_the_missed_mentions_of_a_matched_event_clipped_to_60_characters():
    long_sentence = "Cette réunion " + "très " * 20 + "longue."
    gold = {"d": doc("d", event("e1", "MEETING", [("réunion", TALKS), ("réunion", long_sentence)]))}
    pred = {"d": doc("d", event("p1", "MEETING", [("réunion", TALKS)]))}
    assert error_breakdown(gold, pred)["mentions"]["missed"] == 1
    assert explain(gold, pred).splitlines()[1] == f"  missed mention 'réunion' | {long_sentence[:59]}…"


@pytest.fixture
def merged_files(tmp_path):
    first, second = ("réunion", TALKS), ("réunion", TALKS_AGAIN)
    gold = doc("d", event("e1", "MEETING", [first]), event("e2", "MEETING", [second]))
    pred = doc("d", event("p1", "MEETING", [first, second], location="Oran"))
    paths = tmp_path / "gold.jsonl", tmp_path / "pred.jsonl"
    for path, content in zip(paths, (gold, pred)):
        path.write_text(json.dumps(content, ensure_ascii=False) + "\n", encoding="utf-8")
    return [str(path) for path in paths]


def test_cli_evaluate_prints_the_table_then_the_errors_and_explanation(merged_files):
    runner = CliRunner()
    plain = runner.invoke(app, ["evaluate", *merged_files])
    assert plain.exit_code == 0, plain.output
    assert plain.output == format_scores(score_files(*merged_files)) + "\n"
    explained = runner.invoke(app, ["evaluate", *merged_files, "--explain", "--by-type"])
    assert explained.exit_code == 0, explained.output
    assert explained.output.startswith(plain.output)
    assert "\nMEETING:\n" in explained.output and "\nWORKSHOP:\n" in explained.output
    assert "events        missed 1, merged 1, split 0, wrong_type 0, spurious 0" in explained.output
    assert "d e1 MEETING: matched pred p1\n  location: gold null pred 'Oran'\nd e2 MEETING: MISSED (merged" in (
        explained.output
    )


def test_cli_evaluate_json_has_scores_errors_and_what_the_flags_add(merged_files):
    runner = CliRunner()
    result = runner.invoke(app, ["evaluate", *merged_files, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert set(report) == {"scores", "errors"}
    assert report["scores"]["events"]["tp"] == 1 and report["scores"]["events"]["gold"] == 2
    assert report["errors"]["events"]["merged"] == 1 and report["errors"]["location"]["spurious"] == 1
    full = json.loads(runner.invoke(app, ["evaluate", *merged_files, "--json", "--by-type", "--explain"]).output)
    assert full["by_type"]["MEETING"]["events"]["gold"] == 2 and full["by_type"]["VISIT"]["events"]["gold"] == 0
    assert full["explanation"][0] == "d e1 MEETING: matched pred p1"

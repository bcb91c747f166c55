"""The codes other event data speaks (evex/codes.py, evex/data/codes.yaml): the codebook entry by entry,
its checks, the ISO alpha-3 codes, and the codes a load, a second load and `evex reextract` store, on
SQLite and Postgres."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

import models
from evex.codes import CODEBOOK_FILE, CodebookError, alpha3, codebook, is_third_location, read_codebook
from evex.db import get_engine
from evex.extract.resources import load
from evex.geocode import geocoder
from evex.load import count_rows, load_batch, replace_frames
from evex.query import run_query
from tests.test_queries import article, frame

# Each event type and status, with and without the cues that refine a code: the CAMEO code, the
# PLOVER category and mode the codebooks give it (CAMEO 1.1b3 ch. 2; PLOVER 0.7b1 ch. 2, CAMEO2PLOVER).
EXPECTED = [
    # type, status, negotiation, third location -> CAMEO, PLOVER, mode
    ("MEETING", "occurred", False, False, "040", "CONSULT", None),
    ("MEETING", "occurred", False, True, "044", "CONSULT", "third-party"),
    ("MEETING", "occurred", True, False, "046", "CONSULT", None),
    ("MEETING", "occurred", True, True, "046", "CONSULT", None),  # the talks, wherever they are held
    ("MEETING", "ongoing", False, False, "040", "CONSULT", None),
    ("MEETING", "ongoing", False, True, "044", "CONSULT", "third-party"),
    ("MEETING", "ongoing", True, False, "046", "CONSULT", None),
    ("MEETING", "planned", False, False, "036", "AGREE", None),
    ("MEETING", "planned", True, True, "036", "AGREE", None),
    ("VISIT", "occurred", False, False, "042", "CONSULT", "visit"),
    ("VISIT", "occurred", False, True, "042", "CONSULT", "visit"),
    ("VISIT", "ongoing", False, False, "042", "CONSULT", "visit"),
    ("VISIT", "planned", False, False, "036", "AGREE", None),
    ("AGREEMENT", "occurred", False, False, "057", "SUPPORT", None),
    ("AGREEMENT", "occurred", True, True, "057", "SUPPORT", None),
    ("AGREEMENT", "ongoing", False, False, "046", "CONSULT", None),
    ("AGREEMENT", "planned", False, False, "030", "AGREE", None),
    ("WORKSHOP", "occurred", False, False, None, None, None),
    ("WORKSHOP", "ongoing", True, True, None, None, None),
    ("WORKSHOP", "planned", False, False, None, None, None),
]
CAMEO_NAMES = {"030": "Express intent to cooperate, not specified below", "036": "Express intent to meet or negotiate",
               "040": "Consult, not specified below", "042": "Make a visit", "044": "Meet at a 'third' location",
               "046": "Engage in negotiation", "057": "Sign formal agreement"}


@pytest.mark.parametrize("event_type, status, negotiation, third_location, cameo, plover, mode", EXPECTED)
def test_each_type_and_status_gets_its_codebook_code(event_type, status, negotiation, third_location, cameo, plover,
                                                     mode):
    code = codebook().code(event_type, status, negotiation=negotiation, third_location=third_location)
    assert (code and (code.code, code.plover, code.mode)) == (cameo and (cameo, plover, mode))


@pytest.mark.parametrize("cameo, name", sorted(CAMEO_NAMES.items()))
def test_each_code_carries_the_codebooks_name(cameo, name):
    assert codebook().cameo[cameo].name == name


def test_every_code_in_the_file_is_one_the_rules_give():
    given = {code for *_, code, _, _ in EXPECTED if code}
    assert set(codebook().cameo) == given == set(CAMEO_NAMES)


@pytest.mark.parametrize("words, negotiation", [
    (["négociations", "negociation"], True), (["Pourparlers", ""], True), (["", "negocier"], True),
    (["rencontre", "rencontre"], False), (["réunion", ""], False), (["entretien", "entretien"], False),
])
def test_negotiation_is_told_by_the_trigger_or_its_lemma(words, negotiation):
    """(trigger as written, lexicon lemma as stored): a frame may come without its lemma."""
    assert codebook().is_negotiation(words) is negotiation


@pytest.mark.parametrize("place, participants, third", [
    ("CH", {"RU", "US"}, True),  # Geneva talks between Russia and the United States
    ("US", {"DZ", "US"}, False),  # one side at home
    ("CH", {"RU"}, False),  # the other side's home unknown
    (None, {"RU", "US"}, False),  # no place
    ("CH", set(), False),
])
def test_a_third_location_is_no_participants_home(place, participants, third):
    assert is_third_location(place, participants) is third


@pytest.mark.parametrize("alpha2, code", [
    ("DZ", "DZA"), ("US", "USA"), ("FR", "FRA"), ("CD", "COD"), ("CG", "COG"), ("PS", "PSE"), ("SS", "SSD"),
    ("RO", "ROU"), ("TL", "TLS"), ("KP", "PRK"), ("KR", "KOR"), ("CI", "CIV"),
    ("XK", None), ("EU", None), (None, None),  # Kosovo: ISO assigns no code; the EU is no country
])
def test_alpha3_codes_are_isos(alpha2, code):
    assert alpha3(alpha2) == code


def test_every_country_the_gazetteer_names_has_an_alpha3_code_but_kosovo():
    missing = [entry["name"] for entry in load("gazetteer")["countries"]
               if not alpha3(geocoder().country_code(entry["name"]))]
    assert missing == ["Kosovo"]


def broken(tmp_path: Path, change) -> Path:
    data = yaml.safe_load(CODEBOOK_FILE.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "codes.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("change, reason", [
    (lambda d: d["cameo"]["042"].update(plover="VISIT"), "cameo 042: PLOVER category 'VISIT' is not one of"),
    (lambda d: d["cameo"]["042"].update(mode="host"), "cameo 042: 'host' is no mode of PLOVER CONSULT"),
    (lambda d: d["cameo"].update({42: d["cameo"].pop("042")}), "cameo: 42 is not a CAMEO event code"),
    (lambda d: d["cameo"]["057"].pop("name"), "cameo 057: no name"),
    (lambda d: d["events"]["VISIT"].pop("ongoing"), "events: no rule for VISIT ongoing"),
    (lambda d: d["events"]["AGREEMENT"]["planned"].update(code="0311"), "code '0311' is not listed under `cameo`"),
    (lambda d: d["events"]["MEETING"]["occurred"]["when"].append(["by_phone", "040"]),
     "condition 'by_phone' is not one of"),
    (lambda d: d["events"]["MEETING"]["occurred"]["when"].append(["negotiation"]), "events MEETING occurred: not"),
    (lambda d: d["events"].update(CALL=d["events"]["MEETING"]), "events: ['CALL'] are no evex event types"),
    (lambda d: d.pop("negotiation_triggers"), "no `negotiation_triggers`"),
])
def test_a_broken_codebook_is_refused_naming_the_file_and_the_entry(tmp_path, change, reason):
    path = broken(tmp_path, change)
    with pytest.raises(CodebookError) as error:
        read_codebook(path)
    assert str(error.value).startswith(f"{path}: ") and reason in str(error.value)


def test_the_shipped_codebook_reads_back_unchanged(tmp_path):
    assert read_codebook(broken(tmp_path, lambda d: None)) == read_codebook()


# Hand-written sentences: talks in Geneva told by two articles (the second names the other side),
# negotiations, a visit, agreements under negotiation and to be signed, a workshop.
GENEVA_1 = "Le ministre russe a rencontré à Genève l'envoyé de l'ONU le 3 mars."
GENEVA_2 = "La rencontre de Genève a réuni la Russie et les États-Unis le 3 mars."
TALKS = "Les négociations entre le Mali et l'Algérie se sont ouvertes à Alger le 5 mars."
OTHERS = ("Le président sénégalais a visité Rabat le 6 mars. Un accord de pêche est en cours de négociation. "
          "Un accord sera signé en avril. Un atelier s'est tenu à Dakar le 7 mars.")
RU, US, UN = ("Russie", "GPE"), ("États-Unis", "GPE"), ("ONU", "ORG")


def first_article():
    return article("g1", GENEVA_1, "2024-03-04", "https://example.org/g1", [
        frame("e1", "MEETING", "rencontré", GENEVA_1, [RU, UN], "Genève", "2024-03-03"),
    ])


def second_batch():
    return [
        article("g2", GENEVA_2, "2024-03-04", "https://example.net/g2", [
            frame("e1", "MEETING", "rencontre", GENEVA_2, [RU, US], "Genève", "2024-03-03"),
        ]),
        article("t", TALKS, "2024-03-05", None, [
            frame("e1", "MEETING", "négociations", TALKS, [("Mali", "GPE"), ("Algérie", "GPE")], "Alger",
                  "2024-03-05"),
        ]),
        article("o", OTHERS, "2024-03-07", None, [
            frame("e1", "VISIT", "visité", OTHERS, [("Sénégal", "GPE"), ("Maroc", "GPE")], "Rabat", "2024-03-06"),
            frame("e2", "AGREEMENT", "accord de pêche", OTHERS, [("Sénégal", "GPE")], None, None, status="ongoing"),
            frame("e3", "AGREEMENT", "accord sera", OTHERS, [("Sénégal", "GPE")], None, "2024-04", status="planned"),
            frame("e4", "WORKSHOP", "atelier", OTHERS, [("Sénégal", "GPE")], "Dakar", "2024-03-07"),
        ]),
    ]


def codes(url: str) -> list[tuple]:
    return run_query(url, "SELECT location, type, status, country_alpha3, participant_countries, cameo_code, "
                          "plover_type, plover_mode FROM event_overview ORDER BY event_id").rows


CODED = [
    ("Genève", "MEETING", "occurred", "CHE", "RUS, USA", "044", "CONSULT", "third-party"),
    ("Alger", "MEETING", "occurred", "DZA", "MLI, DZA", "046", "CONSULT", None),
    ("Rabat", "VISIT", "occurred", "MAR", "SEN, MAR", "042", "CONSULT", "visit"),
    (None, "AGREEMENT", "ongoing", None, "SEN", "046", "CONSULT", None),
    (None, "AGREEMENT", "planned", None, "SEN", "030", "AGREE", None),
    ("Dakar", "WORKSHOP", "occurred", "SEN", "SEN", None, None, None),
]


def test_a_load_codes_its_events_and_recodes_an_event_another_article_reports(migrated_url):
    engine = get_engine(migrated_url)
    load_batch(engine, None, [first_article()])
    assert codes(migrated_url) == [("Genève", "MEETING", "occurred", "CHE", "RUS", "040", "CONSULT", None)]
    load_batch(engine, None, second_batch())  # the second Geneva article names the other side: a third location
    assert codes(migrated_url) == CODED


def test_loading_again_and_reextracting_keep_the_codes_without_duplicates(migrated_url):
    engine = get_engine(migrated_url)
    load_batch(engine, None, [first_article(), *second_batch()])
    assert codes(migrated_url) == CODED
    before = count_rows(engine)
    assert before["event_codes"] == 5 and before["countries"] == 7  # none for the workshop; CH RU US DZ ML MA SN
    load_batch(engine, None, [first_article(), *second_batch()])
    assert (count_rows(engine), codes(migrated_url)) == (before, CODED)
    with Session(engine) as session:
        ids = dict(session.execute(select(models.Article.doc_id, models.Article.id)).all())
    for doc_id, item in (("g1", first_article()), *((a.article.doc_id, a) for a in second_batch())):
        replace_frames(engine, ids[doc_id], item.frames)
    assert codes(migrated_url) == CODED
    assert count_rows(engine) == before | {"pipeline_runs": 0}


def test_reextracting_recodes_what_changed(migrated_url):
    engine = get_engine(migrated_url)
    load_batch(engine, None, [first_article(), *second_batch()])
    with Session(engine) as session:
        geneva_2 = session.scalar(select(models.Article.id).where(models.Article.doc_id == "g2"))
        talks = session.scalar(select(models.Article.id).where(models.Article.doc_id == "t"))
    replace_frames(engine, geneva_2, [])  # the article that named the other side now reports nothing
    replace_frames(engine, talks, [frame("e1", "MEETING", "négociations", TALKS, [("Mali", "GPE")], "Alger",
                                         "2024-03-05", status="planned")])
    recoded = codes(migrated_url)
    assert recoded[0] == ("Genève", "MEETING", "occurred", "CHE", "RUS", "040", "CONSULT", None)
    assert ("Alger", "MEETING", "planned", "DZA", "MLI", "036", "AGREE", None) in recoded
    with Session(engine) as session:
        stored = session.scalars(select(models.EventCode.event_id)).all()
        events = session.scalars(select(models.Event.id).where(models.Event.type != "WORKSHOP")).all()
    assert sorted(stored) == sorted(events)  # one code per event, none left for a deleted event

"""French temporal expressions: the normalisation table of the annotation guidelines, whole sentences, robustness."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evex.extract.resources import load
from evex.extract.timex import find_time_expressions, normalise, parse_iso

NONE = (None, None)

# (expression, doc_date, tense, expected (start, end))
CASES = [
    # absolute
    ("le 1er octobre 2020", None, None, ("2020-10-01", "2020-10-01")),
    ("le premier mai 2021", None, None, ("2021-05-01", "2021-05-01")),
    ("le 4 décembre 2023", None, None, ("2023-12-04", "2023-12-04")),
    ("jeudi 3 octobre 2019", None, None, ("2019-10-03", "2019-10-03")),
    ("le 3 sept. 2020", None, None, ("2020-09-03", "2020-09-03")),
    ("LE 3 DÉCEMBRE 2023", None, None, ("2023-12-03", "2023-12-03")),
    ("le 3 decembre 2023", None, None, ("2023-12-03", "2023-12-03")),
    ("en février 2023", None, None, ("2023-02", "2023-02")),
    ("en fevrier 2023", None, None, ("2023-02", "2023-02")),
    ("en aout 2021", None, None, ("2021-08", "2021-08")),
    ("février 2006", None, None, ("2006-02", "2006-02")),
    ("depuis Donald Rumsfeld en février 2006", None, None, ("2006-02", "2006-02")),
    ("en 2022", None, None, ("2022", "2022")),
    # past centuries, cited in passing (a treaty, a tour)
    ("le 23 mars 1870", "2023-05-01", "past", ("1870-03-23", "1870-03-23")),
    ("le traité du 12 mai 1881", "2023-05-01", None, ("1881-05-12", "1881-05-12")),
    ("en 1881", None, None, ("1881", "1881")),
    ("qu'en 2022", "2023-12", None, ("2022", "2022")),
    ("qu’en 2022", "2023-12", None, ("2022", "2022")),
    ("depuis 2019", None, None, ("2019", "2019")),
    ("dès 2019, Alger a", None, None, ("2019", "2019")),
    ("d'ici 2030", None, None, ("2030", "2030")),
    ("l'année 2023", None, None, ("2023", "2023")),
    ("12/03/2024", None, None, ("2024-03-12", "2024-03-12")),
    ("2024-03-12", None, None, ("2024-03-12", "2024-03-12")),
    ("31/02/2024", None, None, NONE),
    ("le 29 février 2024", None, None, ("2024-02-29", "2024-02-29")),
    ("le 29 février 2023", None, None, ("2023-02", "2023-02")),  # an impossible day keeps its month
    ("le 31 avril", "2024-05-10", None, NONE),
    # day and month without a year
    ("le 4 décembre", "2023-12", None, ("2023-12-04", "2023-12-04")),
    ("le 4 décembre", None, "past", NONE),
    ("le 28 décembre", "2024-01-05", "past", ("2023-12-28", "2023-12-28")),
    ("le 28 décembre", "2024-01-05", None, ("2023-12-28", "2023-12-28")),  # no tense: the nearest occurrence
    ("le 15 novembre", "2023-02-16", None, ("2022-11-15", "2022-11-15")),
    ("le 3 mars", "2023-02-16", None, ("2023-03-03", "2023-03-03")),
    ("le 3 janvier", "2023-12-20", "future", ("2024-01-03", "2024-01-03")),
    ("le 15 mars", "2024-03-10", "future", ("2024-03-15", "2024-03-15")),
    ("le 15 mars", "2024-03-10", "past", ("2023-03-15", "2023-03-15")),
    ("le 29 février", "2024-03-10", None, ("2024-02-29", "2024-02-29")),
    ("le 29 février", "2025-03-10", "past", ("2024-02-29", "2024-02-29")),
    # ranges
    ("du 3 au 6 décembre", "2023-12", None, ("2023-12-03", "2023-12-06")),
    ("du 4 au 6 de décembre en cours", "2023-12-05", None, ("2023-12-04", "2023-12-06")),
    ("du 28 février au 2 mars 2024", None, None, ("2024-02-28", "2024-03-02")),
    ("du 28 décembre au 3 janvier", "2024-01-10", "past", ("2023-12-28", "2024-01-03")),
    ("du 30 décembre 2023 au 2 janvier 2024", None, None, ("2023-12-30", "2024-01-02")),
    ("du 30 au 2 décembre", "2023-12", None, ("2023-11-30", "2023-12-02")),
    ("entre le 3 et le 5 mai", "2024-06-01", "past", ("2024-05-03", "2024-05-05")),
    ("les 4 et 5 décembre", "2023-12", None, ("2023-12-04", "2023-12-05")),
    ("de mars à mai 2024", None, None, ("2024-03", "2024-05")),
    ("de 2019 à 2022", None, None, ("2019", "2022")),
    ("entre 2019 et 2022", None, None, ("2019", "2022")),
    ("en 2022-2023", None, None, ("2022", "2023")),
    # dernier, prochain, current period
    ("le 7 mars dernier", "2024-03-10", None, ("2024-03-07", "2024-03-07")),
    ("le 10 mars dernier", "2024-03-10", None, ("2023-03-10", "2023-03-10")),
    ("le 7 mars prochain", "2024-03-10", None, ("2025-03-07", "2025-03-07")),
    ("mars dernier", "2024-05-10", None, ("2024-03", "2024-03")),
    ("en mars dernier", "2024-03-10", None, ("2023-03", "2023-03")),
    ("le mois dernier", "2024-01-15", None, ("2023-12", "2023-12")),
    ("le mois prochain", "2023-12-15", None, ("2024-01", "2024-01")),
    ("l'année dernière", "2024-03-10", None, ("2023", "2023")),
    ("l'an dernier", "2024-03", None, ("2023", "2023")),
    ("l’année prochaine", "2024-03-10", None, ("2025", "2025")),
    ("l'an prochain", "2024", None, ("2025", "2025")),
    ("cette année", "2024-03", None, ("2024", "2024")),
    ("ce mois-ci", "2024-03-10", None, ("2024-03", "2024-03")),
    ("ce mois-ci", "2024", None, NONE),
    ("la semaine dernière", "2024-03-10", None, ("2024-02-26", "2024-03-03")),
    ("il y a trois ans", "2024-03-10", None, ("2021", "2021")),
    ("dans deux jours", "2024-02-28", None, ("2024-03-01", "2024-03-01")),
    # weekdays
    ("jeudi", "2020-10-01", "past", ("2020-10-01", "2020-10-01")),
    ("jeudi soir", "2014-04-03", "past", ("2014-04-03", "2014-04-03")),
    ("vendredi", "2014-04-03", "future", ("2014-04-04", "2014-04-04")),
    ("jeudi", "2014-04-03", "future", ("2014-04-03", "2014-04-03")),
    ("vendredi", "2014-04-03", "past", ("2014-03-28", "2014-03-28")),
    ("vendredi", "2014-04-03", None, ("2014-03-28", "2014-03-28")),
    ("lundi dernier", "2014-04-03", None, ("2014-03-31", "2014-03-31")),
    ("lundi prochain", "2014-04-03", None, ("2014-04-07", "2014-04-07")),
    ("jeudi dernier", "2014-04-03", None, ("2014-03-27", "2014-03-27")),
    ("jeudi", "2014-04", "past", ("2014-04", "2014-04")),  # an article known to the month: that month (month hedge)
    ("jeudi", None, "past", NONE),
    # days around the article's date
    ("hier", "2024-03-01", None, ("2024-02-29", "2024-02-29")),
    ("hier soir", "2024-01-01", None, ("2023-12-31", "2023-12-31")),
    ("aujourd'hui", "2024-03-10", None, ("2024-03-10", "2024-03-10")),
    ("aujourd’hui", "2024-03-10", None, ("2024-03-10", "2024-03-10")),
    ("demain", "2023-12-31", None, ("2024-01-01", "2024-01-01")),
    ("avant-hier", "2024-03-10", None, ("2024-03-08", "2024-03-08")),
    ("après-demain", "2024-03-10", None, ("2024-03-12", "2024-03-12")),
    ("hier", "2024-03", None, ("2024-03", "2024-03")),  # an article known to the month: that month (month hedge)
    # parts of a period
    ("début 2024", "2023-12-05", None, ("2024", "2024")),
    ("au début de 2024", "2023-12-05", None, ("2024", "2024")),
    ("début de 2024", None, None, ("2024", "2024")),
    ("fin 2023", None, None, ("2023", "2023")),
    ("mi-mars", "2024-05-01", None, ("2024-03", "2024-03")),
    ("début mars", "2024-05-01", None, ("2024-03", "2024-03")),
    ("fin février 2023", None, None, ("2023-02", "2023-02")),
    ("au début de l'année 2024", "2023-12-05", None, ("2024", "2024")),
    ("d’ici la fin de l’année", "2024-03-10", None, ("2024", "2024")),
    # month without a year
    ("en janvier", "2024-03-10", "past", ("2024-01", "2024-01")),
    ("le mémorandum signé en janvier", "2024-03-10", "past", ("2024-01", "2024-01")),
    ("en novembre", "2024-03-10", "past", ("2023-11", "2023-11")),
    ("en novembre", "2024-03-10", "future", ("2024-11", "2024-11")),
    ("en janvier", None, "past", NONE),
    # seasons and quarters
    ("au printemps 2024", None, None, ("2024", "2024")),
    ("au premier trimestre 2023", None, None, ("2023", "2023")),
    ("au printemps", "2024-03-10", None, NONE),
    # not dates
    ("2 000 touristes", "2023-12-05", None, NONE),
    ("15 ans", "2023-12-05", None, NONE),
    ("3 ateliers", "2023-12-05", None, NONE),
    ("plus de 2000 touristes", "2023-12-05", None, NONE),
    ("pendant trois jours", "2023-12-05", None, NONE),
    ("depuis plusieurs années", "2023-12-05", None, NONE),
    ("depuis 2000 ans", "2023-12-05", None, NONE),
    ("une mission vers Mars", "2023-12-05", None, NONE),
    ("cette année-là", "2023-12-05", None, NONE),
    ("ce soir-là", "2023-12-05", None, NONE),
    ("des 2000 manifestants", "2023-12-05", None, NONE),
    ("en 2000 euros", "2023-12-05", None, NONE),
    ("la France d'aujourd'hui", "2023-12-05", None, NONE),
]


@pytest.mark.parametrize(("expression", "doc_date", "tense", "expected"), CASES, ids=[c[0] for c in CASES])
def test_normalise(expression: str, doc_date: str | None, tense: str | None, expected: tuple) -> None:
    assert normalise(expression, doc_date, tense) == expected


@pytest.mark.parametrize(("name", "number"), load("timex")["months"].items())
def test_every_month_name_is_read(name: str, number: int) -> None:
    assert normalise(f"en {name} 2020", None) == (f"2020-{number:02d}",) * 2


def _found(text: str, doc_date: str | None, tense: str | None = None) -> list[tuple[str, str | None, str | None]]:
    found = find_time_expressions(text, doc_date, tense)
    for expression in found:
        assert text[expression.start : expression.end] == expression.text
    return [(e.text, e.value_start, e.value_end) for e in found]


def test_range_is_one_expression() -> None:
    sentence = "Cette rencontre, qui s’est déroulée du 3 au 6 décembre à Alger, a mis en lumière l’engagement commun."
    assert _found(sentence, "2023-12", "past") == [("du 3 au 6 décembre", "2023-12-03", "2023-12-06")]


def test_several_expressions_left_to_right() -> None:
    sentence = (
        "Le général Langley, en Algérie en février 2023, a rappelé qu’en 2022, l’Algérie a accueilli "
        "le dernier dialogue militaire, et la table ronde s’est tenue le 4 décembre."
    )
    assert _found(sentence, "2023-12-05", "past") == [
        ("en février 2023", "2023-02", "2023-02"),
        ("en 2022", "2022", "2022"),
        ("le 4 décembre", "2023-12-04", "2023-12-04"),
    ]


def test_weekdays_follow_the_tense() -> None:
    assert _found("John Kerry est arrivé jeudi soir à Rabat.", "2014-04-03", "past") == [
        ("jeudi soir", "2014-04-03", "2014-04-03")
    ]
    assert _found("Il doit coprésider vendredi avec son homologue marocain.", "2014-04-03", "future") == [
        ("vendredi", "2014-04-04", "2014-04-04")
    ]


def test_weekend_follows_the_tense_and_its_marker() -> None:
    thursday = "2025-11-20"
    assert _found("Le sommet se déroule ce week-end à Johannesburg.", thursday, "present") == [
        ("ce week-end", "2025-11-22", "2025-11-23")
    ]
    assert _found("Il s'est envolé le week end pour Ordos.", thursday, "past") == [
        ("le week end", "2025-11-15", "2025-11-16")
    ]
    assert _found("Il était à Lomé le week-end dernier.", "2025-11-23", "past") == [
        ("le week-end dernier", "2025-11-15", "2025-11-16")
    ]
    assert _found("Il séjourne à Lomé depuis le week-end.", thursday, "present") == [
        ("le week-end", "2025-11-15", "2025-11-16")
    ]
    assert _found("Il sera à Lomé le week-end prochain.", thursday, "future") == [
        ("le week-end prochain", "2025-11-22", "2025-11-23")
    ]


def test_relative_flag() -> None:
    sentence = "Mark Esper est arrivé jeudi à Alger, sa première visite depuis le 1er octobre 2020 et depuis 2019."
    found = find_time_expressions(sentence, "2020-10-01", "past")
    assert [(e.text, e.relative) for e in found] == [
        ("jeudi", True),
        ("depuis le 1er octobre 2020", False),
        ("depuis 2019", False),
    ]


def test_offsets_survive_decomposed_accents_and_curly_apostrophes() -> None:
    sentence = "Signé le 3 de\u0301cembre 2023, l’accord entrera en vigueur d’ici la fin de l’année."
    assert _found(sentence, "2023-12-05") == [
        ("le 3 de\u0301cembre 2023", "2023-12-03", "2023-12-03"),
        ("d’ici la fin de l’année", "2023", "2023"),
    ]


def test_unresolved_expression_is_still_found() -> None:
    found = find_time_expressions("Ils se sont vus jeudi.", None, "past")
    assert [(e.text, e.value_start, e.value_end, e.relative) for e in found] == [("jeudi", None, None, True)]


def test_parse_iso() -> None:
    assert parse_iso("2024-02").last == dt.date(2024, 2, 29)
    assert parse_iso("2023").first == dt.date(2023, 1, 1)
    assert parse_iso("2023-12-05T10:00:00").iso() == "2023-12-05"
    for bad in ("2023-13", "2023-02-30", "23-12-05", "hier"):
        with pytest.raises(ValueError):
            parse_iso(bad)


def _iso_at(date: dt.date, precision: int) -> str:
    return date.isoformat()[: (4, 7, 10)[precision]]


_DOC_DATES = st.one_of(st.none(), st.builds(_iso_at, st.dates(), st.integers(0, 2)))
_TENSES = st.sampled_from([None, "past", "future", "present"])
_WORDS = st.sampled_from(
    "le la du au de d' l' en les et entre qu'en depuis début fin mi- dernier prochain en cours ce cette mois "
    "année an semaine -ci -là jeudi soir hier demain aujourd'hui il y a dans trois 1er 3 29 31 2 000 2000 "
    "2024 1999 12/03/2024 2024-02-30 mars février decembre sept. printemps trimestre , . ’".split()
)


@settings(max_examples=300, deadline=None)
@given(
    text=st.one_of(st.text(), st.lists(_WORDS, max_size=12).map(" ".join)),
    doc_date=_DOC_DATES,
    tense=_TENSES,
)
def test_never_raises_and_values_are_iso(text: str, doc_date: str | None, tense: str | None) -> None:
    found = find_time_expressions(text, doc_date, tense)
    previous_end = 0
    for expression in found:
        assert previous_end <= expression.start < expression.end <= len(text)
        assert text[expression.start : expression.end] == expression.text
        previous_end = expression.end
        for value in (expression.value_start, expression.value_end):
            assert value is None or parse_iso(value).iso() == value
        if expression.value_start and expression.value_end:
            assert parse_iso(expression.value_start).first <= parse_iso(expression.value_end).last

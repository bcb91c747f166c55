"""The country gazetteer entry by entry: names, variants, demonym forms, capitals and cities."""

import unicodedata

import pytest

from evex.extract.gazetteer import demonym_forms, gazetteer
from evex.extract.resources import load

COUNTRIES = load("gazetteer")["countries"]


def plain(text: str) -> str:
    """How a careless source writes a name: no accents, no hyphens."""
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return text.replace("-", " ")


NAMES = [(c["name"], v) for c in COUNTRIES for v in [c["name"], *c.get("variants", [])]]
DEMONYMS = [(c["name"], form) for c in COUNTRIES if "demonym" in c for form in sorted(demonym_forms(c["demonym"]))]
CAPITALS = [(c["name"], c["capital"]) for c in COUNTRIES]
CITIES = [(c["name"], city) for c in COUNTRIES for city in c.get("cities", [])]


@pytest.mark.parametrize(("country", "variant"), NAMES)
def test_each_country_name_and_variant_resolves_to_the_canonical_name(country, variant):
    for written in (variant, plain(variant), variant.upper()):
        place = gazetteer().lookup(written)
        assert place is not None and place.is_country and place.name == country, written


@pytest.mark.parametrize(("country", "form"), DEMONYMS)
def test_each_demonym_form_gives_its_country(country, form):
    assert gazetteer().country_of_demonym(form) == country


@pytest.mark.parametrize(("country", "capital"), CAPITALS)
def test_each_capital_stands_for_its_country(country, capital):
    assert gazetteer().capital_country(capital) == country
    place = gazetteer().lookup(capital)
    assert place is not None and place.country == country


@pytest.mark.parametrize(("country", "city"), CITIES)
def test_each_city_lies_in_its_country(country, city):
    place = gazetteer().lookup(city)
    assert place is not None and place.is_city and place.name == city and place.country == country


@pytest.mark.parametrize("region", load("gazetteer")["regions"])
def test_each_region_is_a_place_without_country(region):
    place = gazetteer().lookup(region)
    assert place is not None and place.kind == "LOC" and place.country is None and place.name == region


@pytest.mark.parametrize(("alias", "city"), sorted(load("gazetteer")["city_aliases"].items()))
def test_each_city_alias_gives_the_usual_french_name(alias, city):
    assert gazetteer().lookup(alias).name == city


@pytest.mark.parametrize(
    ("written", "country"),
    [
        ("Etats Unis", "États-Unis"),
        ("USA", "États-Unis"),
        ("US", "États-Unis"),
        ("Etats-Unis d'Amérique", "États-Unis"),
        ("République démocratique du Congo", "RDC"),
        ("Côte d’Ivoire", "Côte d'Ivoire"),
        ("ile Maurice", "Maurice"),
    ],
)
def test_common_spellings_of_countries(written, country):
    assert gazetteer().lookup(written).name == country


@pytest.mark.parametrize(
    ("masculine", "forms"),
    [
        ("américain", {"américaine", "américains", "américaines"}),
        ("algérien", {"algérienne", "algériens"}),
        ("français", {"française", "françaises"}),
        ("belge", {"belges"}),
        ("grec", {"grecque", "grecs"}),
    ],
)
def test_demonym_inflections(masculine, forms):
    folded = {plain(f).lower() for f in forms}
    assert folded <= demonym_forms(masculine)


def test_scan_finds_every_country_of_a_compound_name():
    assert [p.name for p in gazetteer().scan("Maroc-Etats-Unis")] == ["Maroc", "États-Unis"]


def test_country_names_are_unique():
    names = [c["name"] for c in COUNTRIES]
    assert len(names) == len(set(names))


def test_union_demonym_names_an_organisation():
    """`la commissaire européenne` serves the Union: the demonym gives it, and it is no country."""
    gaz = gazetteer()
    assert gaz.country_of_demonym("européenne") == "Union européenne"
    assert gaz.is_union("Union européenne") and not gaz.is_union("France")

"""The geocoder entry by entry: each name with its article's countries against an atlas.

The coordinates below are the places' own (an atlas, to two decimals), not read from the sources the
geocoder uses: each geocoded point must lie within 50 km of them.
"""

from __future__ import annotations

import math

import pytest

from evex.geocode import geocoder

MAX_KM = 50

# name, the countries the article names, ISO code, latitude, longitude
ATLAS = [
    # capitals
    ("Alger", (), "DZ", 36.75, 3.06),
    ("Rabat", (), "MA", 34.02, -6.83),
    ("Tunis", (), "TN", 36.81, 10.18),
    ("Le Caire", (), "EG", 30.04, 31.24),
    ("Dakar", (), "SN", 14.69, -17.44),
    ("Bamako", (), "ML", 12.64, -8.00),
    ("Nouakchott", (), "MR", 18.09, -15.98),
    ("Niamey", (), "NE", 13.51, 2.11),
    ("Ouagadougou", (), "BF", 12.37, -1.52),
    ("Yaoundé", (), "CM", 3.87, 11.52),
    ("Kinshasa", (), "CD", -4.32, 15.31),
    ("Antananarivo", (), "MG", -18.91, 47.54),
    ("Addis-Abeba", (), "ET", 9.03, 38.74),
    ("Nairobi", (), "KE", -1.29, 36.82),
    ("Paris", (), "FR", 48.86, 2.35),
    ("Washington", (), "US", 38.90, -77.04),
    ("Bruxelles", (), "BE", 50.85, 4.35),
    ("Berne", (), "CH", 46.95, 7.45),
    # French exonyms and short forms
    ("Londres", (), "GB", 51.51, -0.13),
    ("Moscou", (), "RU", 55.76, 37.62),
    ("Pékin", (), "CN", 39.90, 116.41),
    ("Varsovie", (), "PL", 52.23, 21.01),
    ("Lisbonne", (), "PT", 38.72, -9.14),
    ("La Haye", (), "NL", 52.08, 4.30),
    ("Genève", (), "CH", 46.20, 6.14),
    ("Tana", (), "MG", -18.91, 47.54),
    ("Mogadiscio", (), "SO", 2.05, 45.32),
    ("Le Cap", (), "ZA", -33.92, 18.42),
    ("Copenhague", (), "DK", 55.68, 12.57),
    ("Bombay", (), "IN", 19.08, 72.88),
    # one name, several cities: the article's countries decide
    ("Tripoli", ("LB",), "LB", 34.44, 35.83),
    ("Tripoli", ("LY",), "LY", 32.89, 13.19),
    ("Valence", ("FR",), "FR", 44.93, 4.89),
    ("Valence", ("ES",), "ES", 39.47, -0.38),
    ("Saint-Louis", ("SN",), "SN", 16.03, -16.49),
    ("Saint-Louis", ("US",), "US", 38.63, -90.20),
    ("Victoria", ("SC",), "SC", -4.62, 55.45),
    ("Kingston", ("JM",), "JM", 18.00, -76.79),
    ("Kingston", ("CA",), "CA", 44.23, -76.49),
    ("Alexandrie", ("US",), "EG", 31.20, 29.92),  # the French name is Egypt's city, not Alexandria, Virginia
    # sites: a venue is its city, and towns known for a summit or a monument
    ("Élysée", (), "FR", 48.87, 2.32),
    ("Kremlin", (), "RU", 55.75, 37.62),
    ("Maison Blanche", (), "US", 38.90, -77.04),
    ("Charm el-Cheikh", (), "EG", 27.92, 34.33),
    ("Tombouctou", (), "ML", 16.77, -3.01),
]


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, Earth radius 6,371 km)."""
    dlat, dlon = math.radians(lat2 - lat1), math.radians(lon2 - lon1)
    a = math.sin(dlat / 2) ** 2 + math.cos(math.radians(lat1)) * math.cos(math.radians(lat2)) * math.sin(dlon / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(a))


def test_the_atlas_has_forty_places_or_more():
    assert len(ATLAS) >= 40


@pytest.mark.parametrize(("name", "countries", "code", "latitude", "longitude"), ATLAS,
                         ids=[f"{row[0]}-{'-'.join(row[1]) or 'no context'}" for row in ATLAS])
def test_a_city_lies_within_50_km_of_the_atlas(name, countries, code, latitude, longitude):
    place = geocoder().resolve(name, countries)
    assert place is not None, name
    assert (place.country_code, place.precision) == (code, "city")
    assert km(place.latitude, place.longitude, latitude, longitude) <= MAX_KM


@pytest.mark.parametrize(("name", "code", "french_name"), [
    ("Algérie", "DZ", "Algérie"),
    ("États-Unis d'Amérique", "US", "États-Unis"),
    ("RDC", "CD", "Congo-Kinshasa"),
    ("Congo-Brazzaville", "CG", "Congo-Brazzaville"),
    ("Birmanie", "MM", "Myanmar (Birmanie)"),
    ("Bhoutan", "BT", "Bhoutan"),  # a country the extraction gazetteer leaves out: CLDR's names
])
def test_a_country_gets_its_iso_code_and_a_point_inside_it(name, code, french_name):
    place = geocoder().resolve(name)
    assert (place.country_code, place.precision, place.name) == (code, "country", french_name)
    assert place.latitude is not None and place.longitude is not None


@pytest.mark.parametrize(("name", "code"), [("Davos", "CH"), ("Nosy Be", "MG")])
def test_a_town_too_small_for_geonames_gets_its_country_and_says_so(name, code):
    place = geocoder().resolve(name)
    assert (place.country_code, place.precision) == (code, "country")


def test_a_region_is_a_region():
    place = geocoder().resolve("Maghreb")
    assert (place.country_code, place.precision) == (None, "region")
    assert km(place.latitude, place.longitude, 32.0, 3.0) < 500


@pytest.mark.parametrize("name", ["Pipriac", "Machinville", "salle des fêtes", "Crystal Palace", ""])
def test_a_name_no_source_knows_gets_no_place(name):
    assert geocoder().resolve(name) is None


def test_the_article_countries_come_from_names_and_demonyms_not_from_cities():
    text = "Le président malgache a reçu à Tripoli son homologue de Côte d’Ivoire, venu de la République du Congo."
    assert geocoder().article_countries(text) == {"MG", "CI", "CG"}


FOLD_CASES = [
    "Le président malgache a reçu à Tripoli son homologue de Côte d’Ivoire, venu de la République du Congo.",
    "Œuvre, cœur, l‘Élysée, `quote´, Straße, İstanbul, ﬁn, Ⅻ, ½, ｆｕｌｌ, Åre, ℌ, K, ǅ, x\u0301y, a\u034fb, "
    "a\u200bb, Kyïv — «Paris» ΣΑΣ Ἀθῆναι ᾼ, Sri-Lanka, São Tomé-et-Príncipe, Guinée\u00a0équatoriale",
    "",
]


@pytest.mark.parametrize("text", FOLD_CASES)
def test_the_words_of_an_article_are_those_of_its_folded_text(text):
    from evex.extract.resources import fold
    from evex.geocode import _WORDS, folded_words

    assert folded_words(text) == _WORDS.findall(fold(text))


def test_an_article_is_read_for_countries_only_when_a_city_name_needs_them():
    from evex.geocode import ArticleCountries

    coder = geocoder()
    text = "Le ministre libanais est arrivé à Tripoli, puis il a gagné la Libye."
    asked = ArticleCountries(coder, text)
    assert coder.resolve("Maroc", asked).country_code == "MA" and "codes" not in vars(asked)
    assert coder.resolve("Tripoli", asked) == coder.resolve("Tripoli", coder.article_countries(text))
    assert "codes" in vars(asked)

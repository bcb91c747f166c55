"""Ingest on the seeds and on messy variants: decoding, cleaning, dates, identity, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evex.ingest import IngestError, date_line, discover, drop_repeated_paragraphs, normalise_text, read_article
from tests.conftest import SEEDS


def seed(prefix: str) -> Path:
    return next(SEEDS.glob(f"{prefix}_*.txt"))


def test_discover_finds_the_five_seed_articles_and_not_their_metadata():
    found = discover([SEEDS])
    assert [p.name[:3] for p in found] == ["000", "001", "002", "003", "004"]


def test_leading_date_marker_is_removed_and_metadata_date_wins():
    article = read_article(seed("000"))
    assert article.text.startswith("La menace persistante")
    assert article.doc_date == "2023-12-07"  # from the sidecar; the marker alone gives the month


def test_date_marker_gives_the_month_without_metadata(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(" date 2023-12 La réunion a eu lieu à Alger.", encoding="utf-8")
    article = read_article(path)
    assert (article.doc_date, article.text) == ("2023-12", "La réunion a eu lieu à Alger.")


def test_scraping_debris_is_dropped():
    article = read_article(seed("003"))
    assert "Lire la suite" not in article.text
    assert "Publié le" not in article.text
    assert article.text.startswith("président Abdelmadjid Tebboune")


def test_paragraphs_repeated_verbatim_are_kept_once():
    article = read_article(seed("004"))
    assert article.repeated_paragraphs == 7
    assert article.text.count("Il doit coprésider vendredi") == 1


def test_short_repeated_lines_are_kept():
    text, dropped = drop_repeated_paragraphs("Photo\nUn long paragraphe qui dit des choses.\nPhoto")
    assert dropped == 0 and text.count("Photo") == 2


def test_identity_is_the_hash_of_the_normalised_text(tmp_path):
    original = read_article(seed("001"))
    copy = tmp_path / "copy.txt"
    copy.write_bytes(seed("001").read_bytes().replace(b"\n", b"\r\n"))
    assert read_article(copy).sha256 == original.sha256


def test_normalisation_is_nfc_and_keeps_apostrophes():
    decomposed = "l’Alge\u0301rie"
    assert normalise_text(decomposed) == "l’Algérie"


def test_cp1252_file_is_decoded_with_a_warning(tmp_path, caplog):
    path = tmp_path / "ancien.txt"
    path.write_bytes("Le ministre a visité l'école d'Oran en février.".encode("cp1252"))
    article = read_article(path)
    assert article.encoding == "cp1252"
    assert "février" in article.text
    assert any("cp1252" in w for w in article.warnings)


def test_json_article_with_metadata(tmp_path):
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"title": "T", "date": "2024-05-02", "url": "https://ex.fr/a", "text": "Texte."}))
    article = read_article(path)
    assert (article.title, article.doc_date, article.url, article.text) == ("T", "2024-05-02", "https://ex.fr/a", "Texte.")


def test_html_article_is_stripped_to_text(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>Visite</title><script>var x=1;</script></head>"
        "<body><nav>Menu</nav><p>Le ministre est arrivé à Rabat.</p><p>Il a rencontré son homologue.</p></body></html>",
        encoding="utf-8",
    )
    article = read_article(path)
    assert article.title == "Visite"
    assert article.text == "Le ministre est arrivé à Rabat.\nIl a rencontré son homologue."


def test_header_publication_date_is_used(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Titre\nPublié le 12 mars 2024\nLe ministre est arrivé hier.", encoding="utf-8")
    assert read_article(path).doc_date == "2024-03-12"


def test_default_date_when_the_article_gives_none(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Le ministre est arrivé hier.", encoding="utf-8")
    assert read_article(path, default_date="2024-01-31").doc_date == "2024-01-31"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Vendredi 1 Septembre 2023", "2023-09-01"),
        ("mai 12, 2023 vendredi", "2023-05-12"),
        ("Thursday 22 December 2022", "2022-12-22"),
        ("Lundi 11, Décembre 2023", "2023-12-11"),
        ("28 Février 2022", "2022-02-28"),
        ("August 04, 2022", "2022-08-04"),
        ("March 17, 2023 Friday", "2023-03-17"),
        ("Friday, March 17, 2023", "2023-03-17"),
        ("MERCREDI 3 JANVIER 2024", "2024-01-03"),
        ("samedi 3 fevrier 2024", "2024-02-03"),
        ("1er mai 2024", "2024-05-01"),
        ("June 1st, 2024", "2024-06-01"),
        ("janv. 9, 2024", "2024-01-09"),
        ("Sept. 5 2023", "2023-09-05"),
        ("Jan 15, 2024", "2024-01-15"),
        ("ven. 8 déc. 2023", "2023-12-08"),
        ("14 juillet 2023 - 10h45", "2023-07-14"),
        ("14 juillet 2023 à 10 h", "2023-07-14"),
        ("Tuesday 9 April 2024, 10:45 am", "2024-04-09"),
        ("— 29 février 2024 —", "2024-02-29"),
    ],
)
def test_date_line_shapes_give_the_iso_date(line, expected):
    assert date_line(f"Le port d'Oran rouvre ses quais\n{line}\n\nLes dockers ont repris le travail.") == expected


def test_date_line_may_be_the_first_line():
    assert date_line("Jeudi 7 mars 2024\nLes dockers ont repris le travail.") == "2024-03-07"


@pytest.mark.parametrize(
    "text",
    [
        "Le port d'Oran rouvre ses quais\nLe 7 mars 2024, les dockers ont repris le travail.",
        "Le port d'Oran rouvre ses quais\n31 Février 2023\n\nLes dockers ont repris le travail.",
        "Le port d'Oran rouvre ses quais\n7 mars 2024 Oran\n\nLes dockers ont repris le travail.",
        "Le port d'Oran rouvre ses quais\nPar Karim B.\nMise au point\nJeudi 7 mars 2024\n\nLes dockers reprennent.",
        "Le port d'Oran rouvre ses quais\n7 mars 20245\n\nLes dockers ont repris le travail.",
    ],
    ids=["body-sentence", "invalid-day", "other-words", "too-far-down", "five-digit-year"],
)
def test_lines_that_are_not_only_a_date_give_no_date(text):
    assert date_line(text) is None


def test_article_without_metadata_is_dated_by_its_date_line(tmp_path):
    path = tmp_path / "port.txt"
    text = "Le port d'Oran rouvre ses quais\nJeudi 7 Mars 2024\n\nLes dockers ont repris le travail le 5 mars."
    path.write_text(text, encoding="utf-8")
    article = read_article(path)
    assert article.doc_date == "2024-03-07"
    assert article.text == text  # the date line stays: the text and its hash do not change


def test_header_date_wins_over_the_date_line(tmp_path):
    path = tmp_path / "port.txt"
    text = "Le port rouvre\nJeudi 7 mars 2024\nPublié le 8 mars 2024\nLes dockers reprennent."
    path.write_text(text, encoding="utf-8")
    assert read_article(path, default_date="2024-01-01").doc_date == "2024-03-08"


def test_sidecar_date_wins_over_the_date_line(tmp_path):
    path = tmp_path / "port.txt"
    path.write_text("Le port rouvre\nJeudi 7 mars 2024\n\nLes dockers reprennent.", encoding="utf-8")
    (tmp_path / "port.meta.json").write_text(json.dumps({"date": "2024-03-06"}), encoding="utf-8")
    assert read_article(path).doc_date == "2024-03-06"


def test_date_line_wins_over_the_default_date(tmp_path):
    path = tmp_path / "port.txt"
    path.write_text("Le port rouvre\nJeudi 7 mars 2024\n\nLes dockers reprennent.", encoding="utf-8")
    assert read_article(path, default_date="2024-01-01").doc_date == "2024-03-07"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\n ", "empty file"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00", "binary content"),
        ("doc.txt", b"%PDF-1.7 ...", "binary content"),
        ("bad.json", b"{not json", "invalid JSON (Expecting property name enclosed in double quotes: line 1 column 2)"),
        ("notext.json", b'{"title": "x"}', "no 'text'"),
        ("wrongtype.json", b'{"text": "x", "date": 2024}', "field 'date' must be a string"),
        ("baddate.json", b'{"text": "x", "date": "12/03/2024"}', "invalid date"),
        ("debris.txt", "Lire la suite »\n".encode(), "no text after cleaning"),
    ],
)
def test_bad_files_raise_one_line_naming_the_file(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(IngestError) as error:
        read_article(path)
    message = str(error.value)
    assert message.startswith(str(path)) and reason in message and "\n" not in message


def test_an_article_longer_than_the_limit_is_refused_with_its_length(tmp_path):
    path = tmp_path / "table.txt"
    path.write_text("\n".join(f"{i};Alger;2023-12-01" for i in range(10)), encoding="utf-8")  # 90 words to Stanza
    assert read_article(path, max_words=90).n_words == 10
    with pytest.raises(IngestError) as error:
        read_article(path, max_words=89)
    assert str(error.value) == f"{path}: too long for an article (90 words > 89, EVEX_MAX_ARTICLE_WORDS)"


def test_missing_file_is_reported_as_disappeared(tmp_path):
    with pytest.raises(IngestError, match="disappeared"):
        read_article(tmp_path / "gone.txt")


SHORT_ENGLISH = [  # hand-written, 16 words and fewer: too few function words for the old fixed threshold of 8
    "The foreign minister met his Tunisian counterpart in Tunis on Monday to discuss trade and security.",
    "Algeria and Tunisia signed an agreement on energy cooperation during the visit of the prime minister.",
    "The workshop was held in Oran with experts from both countries, the ministry said.",
]
SHORT_FRENCH = [
    "Le ministre algérien a rencontré son homologue tunisien à Tunis le 3 mars 2024.",
    "Visite du Premier ministre à Oran, où il a inauguré le port.",
    "Le PDG de The Walt Disney Company a été reçu par le président de la République à Alger.",
    "Accord signé à Alger entre Sonatrach et ENI pour le gaz.",
    "Sommet de l'Union africaine à Addis-Abeba.",
]


@pytest.mark.parametrize("text", SHORT_ENGLISH)
def test_a_short_english_text_is_refused_as_not_french(tmp_path, text):
    """Its language decided on the words it has: a 16-word English text was stored as a French article."""
    assert len(text.split()) <= 16
    path = tmp_path / "short.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(IngestError, match=r"short\.txt: not French \(looks like en\)$"):
        read_article(path, default_date="2024-03-04")


@pytest.mark.parametrize("text", SHORT_FRENCH)
def test_a_short_french_text_is_kept(tmp_path, text):
    path = tmp_path / "court.txt"
    path.write_text(text, encoding="utf-8")
    assert read_article(path, default_date="2024-03-04").text == text

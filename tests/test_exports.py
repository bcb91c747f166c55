"""Every export format read back with its own reader and compared with the database, on SQLite and
Postgres; `evex query --format csv|json`; `evex map` writes a page that needs nothing from the network."""

from __future__ import annotations

import csv
import io
import json
import re

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from evex.cli import app
from evex.db import get_engine
from evex.evaluate import score_docs
from evex.export import EVENT_COLUMNS
from evex.load import load_batch
from evex.query import run_query
from tests.test_migrations_data import places_batch
from tests.test_queries import sample_batch

runner = CliRunner()


@pytest.fixture
def loaded_url(migrated_url) -> str:
    load_batch(get_engine(migrated_url), None, sample_batch() + places_batch())
    return migrated_url


def stored_events(url: str) -> list[dict]:
    """event_overview as the database returns it: what every format must carry."""
    result = run_query(url, "SELECT * FROM event_overview ORDER BY event_id")
    return [dict(zip(result.columns, row, strict=True)) for row in result.rows]


def cli(*args: str) -> str:
    outcome = runner.invoke(app, list(args))
    assert outcome.exit_code == 0, outcome.output
    return outcome.stdout


def as_text(value) -> str:
    return "" if value is None else str(value)


def test_csv_has_one_row_per_event_as_stored(loaded_url, tmp_path):
    cli("export", "--db", loaded_url, "--format", "csv", "-o", str(tmp_path / "events.csv"))
    with open(tmp_path / "events.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    stored = stored_events(loaded_url)
    assert list(rows[0]) == list(EVENT_COLUMNS) and len(rows) == len(stored) == 8
    assert rows == [{column: as_text(event[column]) for column in EVENT_COLUMNS} for event in stored]
    washington = rows[0]
    assert (washington["location"], washington["country_code"], washington["place_precision"]) == (
        "Washington", "US", "city")
    assert washington["n_articles"] == "2" and washington["first_source"] == "https://www.aps.dz/a"
    assert [washington[column] for column in ("country_alpha3", "participant_countries", "cameo_code", "plover_type",
                                              "plover_mode")] == ["USA", "DZA, USA", "040", "CONSULT", ""]
    workshop = next(row for row in rows if row["type"] == "WORKSHOP")  # no codebook codes a workshop
    assert (workshop["cameo_code"], workshop["plover_type"], workshop["participant_countries"]) == ("", "", "DZA")


def test_parquet_has_one_typed_row_per_event_as_stored(loaded_url, tmp_path):
    cli("export", "--db", loaded_url, "--format", "parquet", "-o", str(tmp_path / "events.parquet"))
    table = pq.read_table(tmp_path / "events.parquet")
    assert str(table.schema.field("latitude").type) == "double"
    assert str(table.schema.field("n_articles").type) == "int64"
    assert table.to_pylist() == [{column: event[column] for column in EVENT_COLUMNS}
                                 for event in stored_events(loaded_url)]


def test_geojson_has_the_geocoded_events_as_points(loaded_url, tmp_path):
    cli("export", "--db", loaded_url, "--format", "geojson", "-o", str(tmp_path / "events.geojson"))
    collection = json.loads((tmp_path / "events.geojson").read_text(encoding="utf-8"))
    geocoded = [event for event in stored_events(loaded_url) if event["latitude"] is not None]
    assert collection["type"] == "FeatureCollection" and len(geocoded) == 6  # not Pipriac
    assert [(f["id"], f["geometry"]["coordinates"], f["properties"]["location"]) for f in collection["features"]] == [
        (event["event_id"], [event["longitude"], event["latitude"]], event["location"]) for event in geocoded]


def test_the_gold_jsonl_export_still_works(loaded_url):
    records = [json.loads(line) for line in cli("export", "--db", loaded_url, "--format", "jsonl").splitlines()]
    assert [record["doc_id"] for record in records] == ["a", "b", "c", "fr", "lb", "ly"]
    assert records[0]["events"][0]["location"] == "Washington"


def test_the_jsonl_export_carries_the_codes_and_the_evaluator_ignores_them(loaded_url):
    records = [json.loads(line) for line in cli("export", "--db", loaded_url, "--format", "jsonl").splitlines()]
    meeting, agreement = records[0]["events"]
    assert (meeting["cameo_code"], meeting["plover_type"], meeting["plover_mode"]) == ("040", "CONSULT", None)
    assert (agreement["cameo_code"], agreement["plover_type"]) == ("057", "SUPPORT")
    assert meeting["participants"] == [{"name": "Mounir Zahi", "kind": "PER"},
                                       {"name": "Algérie", "kind": "GPE", "country_alpha3": "DZA"},
                                       {"name": "États-Unis", "kind": "GPE", "country_alpha3": "USA"}]
    workshop = records[2]["events"][0]
    assert (workshop["type"], workshop["cameo_code"], workshop["plover_type"]) == ("WORKSHOP", None, None)
    extra = {"cameo_code", "plover_type", "plover_mode", "country_alpha3", "database_event_id"}
    gold_format = {record["doc_id"]: {**record, "events": [
        {**{k: v for k, v in event.items() if k not in extra},
         "participants": [{k: v for k, v in p.items() if k not in extra} for p in event["participants"]]}
        for event in record["events"]]} for record in records}
    exported = {record["doc_id"]: record for record in records}
    assert score_docs(gold_format, exported) == score_docs(gold_format, gold_format)


def test_query_prints_csv_and_json_to_pipe(loaded_url):
    sql = "SELECT event_id, location, latitude, country_code FROM event_overview ORDER BY event_id"
    stored = run_query(loaded_url, sql).rows
    rows = list(csv.reader(io.StringIO(cli("query", "--db", loaded_url, "--format", "csv", sql))))
    assert rows == [["event_id", "location", "latitude", "country_code"], *[list(map(as_text, r)) for r in stored]]
    objects = json.loads(cli("query", "--db", loaded_url, "--format", "json", sql))
    assert objects == [dict(zip(("event_id", "location", "latitude", "country_code"), r, strict=True))
                       for r in stored]


def test_the_map_carries_its_events_and_fetches_nothing(loaded_url, tmp_path):
    page_path = tmp_path / "events.html"
    cli("map", "--db", loaded_url, "-o", str(page_path))
    page = page_path.read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", page)  # everything inline
    assert "L.map(" in page and "world.objects.countries" in page
    events = json.loads(re.search(r"const events = (.*);\n", page)[1])
    assert sorted(f["properties"]["location"] for f in events["features"]) == [
        "Alger", "Alger", "Oran", "Tripoli", "Tripoli", "Washington"]


def test_map_without_o_writes_where_it_is_run_says_where_and_git_ignores_it(loaded_url, tmp_path, monkeypatch):
    """From the repository (the quick start's folder), `evex map` must not leave a file git would show."""
    import subprocess

    from tests.conftest import ROOT

    monkeypatch.chdir(tmp_path)
    outcome = runner.invoke(app, ["map", "--db", loaded_url])
    assert outcome.exit_code == 0, outcome.output
    assert outcome.output.strip().endswith(f"placed on {tmp_path / 'events.html'}")
    assert (tmp_path / "events.html").stat().st_size
    assert subprocess.run(["git", "check-ignore", "-q", "events.html"], cwd=ROOT).returncode == 0

"""`evex browse` for real: Datasette in a child process on the database a real `evex run` filled,
its pages over HTTP, and the map drawn by headless Chromium (Debian's `chromium`, no download).

The run also saves screenshots of the browse page and of the map into docs/screenshots/ (README).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from contextlib import closing, contextmanager
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT

SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = shutil.which("chromium")
MAP_VIEW = "event_overview"  # its latitude and longitude (migration 0003) are what the map plugin finds


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def seeds_copy(seeds_cli_run, tmp_path_factory) -> Path:
    """A copy of the database `evex run seeds/` filled."""
    run, url, _ = seeds_cli_run
    assert run.returncode == 0, run.stderr[-3000:]
    database = tmp_path_factory.mktemp("browse") / "events.db"
    with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as source, closing(sqlite3.connect(database)) as copy:
        source.backup(copy)  # with what the run's write-ahead log still holds
    return database


@pytest.fixture(scope="module")
def browsed(seeds_copy):
    """(base URL, database name, map view) of `evex browse` serving a copy of the seeds' database."""
    view = map_view(seeds_copy)
    with browsing(seeds_copy) as base:
        yield base, seeds_copy.stem, view


@contextmanager
def browsing(database: Path):
    """`evex browse` in a child process on DATABASE: the base URL once it answers."""
    port = _free_port()
    env = {**os.environ, "EVEX_DATABASE_URL": f"sqlite:///{database}"}
    server = subprocess.Popen([sys.executable, "-m", "evex.cli", "browse", "--port", str(port)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                httpx.get(f"{base}/-/versions.json", timeout=2).raise_for_status()
                break
            except httpx.HTTPError:
                assert server.poll() is None, server.stdout.read()
                time.sleep(0.5)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def map_view(database: Path) -> str:
    """The view the map shows: event_overview, which must carry coordinates for some events."""
    with closing(sqlite3.connect(database)) as connection:
        columns = {row[1] for row in connection.execute(f"SELECT * FROM pragma_table_info('{MAP_VIEW}')")}
        assert {"latitude", "longitude"} <= columns
        placed = connection.execute(f"SELECT count(*) FROM {MAP_VIEW} WHERE latitude IS NOT NULL").fetchone()[0]
    assert placed > 0
    return MAP_VIEW


def get_json(base: str, path: str) -> dict:
    response = httpx.get(base + path, timeout=30)
    response.raise_for_status()
    return response.json()


def test_event_list_shows_every_event(browsed, seeds_cli_run):
    base, name, _ = browsed
    page = get_json(base, f"/{name}/event_overview.json?_shape=objects&_size=max")
    with sqlite3.connect(seeds_cli_run[1].removeprefix("sqlite:///")) as connection:
        (events,), = connection.execute("SELECT COUNT(*) FROM events")
    assert len(page["rows"]) == events > 0


def test_documented_query_is_a_canned_query_with_its_question(browsed):
    base, name, _ = browsed
    page = httpx.get(f"{base}/{name}/meetings_with_participant", timeout=30).text
    assert "Which meetings did Algeria take part in" in page
    rows = get_json(base, f"/{name}/meetings_with_participant.json?_shape=objects")["rows"]
    assert rows and all(row["location"] for row in rows[:1])


def test_facet_on_type_counts_the_events(browsed):
    base, name, _ = browsed
    page = get_json(base, f"/{name}/event_overview.json?_size=0")
    facet = {item["value"]: item["count"] for item in page["facet_results"]["type"]["results"]}
    assert facet.get("MEETING", 0) >= 1 and set(facet) <= {"MEETING", "VISIT", "AGREEMENT", "WORKSHOP"}


def test_full_text_search_finds_the_evidence_sentences(browsed):
    base, name, _ = browsed
    rows = get_json(base, f"/{name}/event_mentions.json?_search=Washington&_shape=objects")["rows"]
    assert rows and all("Washington" in row["sentence"] for row in rows)


def test_an_event_links_to_its_reports_and_their_mentions(browsed):
    base, name, _ = browsed
    event = httpx.get(f"{base}/{name}/events/1", timeout=30).text
    assert f"/{name}/event_reports?event_id=1" in event
    report_id = get_json(base, f"/{name}/event_reports.json?event_id=1&_shape=objects")["rows"][0]["id"]
    report = httpx.get(f"{base}/{name}/event_reports/{report_id}", timeout=30).text
    assert f"/{name}/event_mentions?report_id={report_id}" in report


def test_timeline_dashboard_has_the_events_per_week_chart(browsed):
    base, _, _ = browsed
    page = httpx.get(f"{base}/-/dashboards/timeline", timeout=30)
    assert page.status_code == 200 and "Events per week, month or year" in page.text
    assert "Events without a date" in page.text


@pytest.mark.skipif(CHROMIUM is None, reason="chromium missing (.ci/run installs it)")
def test_timeline_chart_is_drawn_in_a_browser(browsed):
    base, _, _ = browsed
    dom = _chromium("--dump-dom", f"{base}/-/dashboards/timeline").stdout
    assert 'class="marks"' in dom, dom[-2000:]  # the canvas or SVG Vega draws the bars into


def _chromium(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           "--virtual-time-budget=10000", "--window-size=1280,900", *arguments],
                          capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium missing (.ci/run installs it)")
def test_map_page_draws_its_markers_in_a_browser(browsed):
    base, name, view = browsed
    dom = _chromium("--dump-dom", f"{base}/{name}/{view}").stdout
    assert 'id="map"' in dom or "leaflet-container" in dom, dom[dom.find("<h1"):][:1500]
    assert "leaflet-marker-icon" in dom
    countries = re.search(r'class="leaflet-pane leaflet-evexCountries-pane".*?</svg>', dom, re.S)  # offline base layer
    assert countries and countries[0].count("<path") > 100, dom[dom.find("leaflet-map-pane"):][:1500]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for shot, path in (("browse.png", f"/{name}"), ("map.png", f"/{name}/{view}"),
                       ("timeline.png", "/-/dashboards/timeline")):
        _chromium(f"--screenshot={SCREENSHOTS / shot}", base + path)
        assert (SCREENSHOTS / shot).stat().st_size > 10_000


@pytest.mark.skipif(CHROMIUM is None, reason="chromium missing (.ci/run installs it)")
def test_evex_map_draws_its_countries_and_markers_in_a_browser(seeds_copy, tmp_path):
    page = tmp_path / "events.html"
    made = subprocess.run([sys.executable, "-m", "evex.cli", "map", "--db", f"sqlite:///{seeds_copy}", "-o", str(page)],
                          capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    dom = _chromium("--dump-dom", page.as_uri()).stdout
    assert dom.count("<path") > 100 and "leaflet-interactive" in dom, dom[-1500:]


def test_on_postgres_browse_says_datasette_reads_sqlite_in_one_line():
    from tests.conftest import POSTGRES_ADMIN_URL

    refused = subprocess.run([sys.executable, "-m", "evex.cli", "browse", "--db", POSTGRES_ADMIN_URL],
                             capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines() == [
        "error: Datasette reads SQLite only: on Postgres, query the same views (event_overview, "
        "event_participants_view, article_events) with `evex query` or psql"]


def test_browse_shows_what_a_run_stores_after_it_started(tmp_path):
    """A browse session left open while runs go on: its tables and its SQL box show the database as it
    is now (in immutable mode they kept showing what it held when browse started)."""
    from evex.db import get_engine, upgrade

    database = tmp_path / "live.db"
    upgrade(f"sqlite:///{database}")
    get_engine(f"sqlite:///{database}").dispose()
    count = "/live.json?sql=select+count(*)+as+n+from+events&_shape=array"
    with browsing(database) as base:
        assert get_json(base, count) == [{"n": 0}]
        assert get_json(base, "/live/events.json?_shape=objects")["rows"] == []
        with closing(sqlite3.connect(database)) as writer, writer:  # what a run's load does, from another process
            writer.execute("INSERT INTO events (type, status, n_articles, n_sources, created_at) "
                           "VALUES ('MEETING', 'occurred', 1, 1, '2024-03-03 10:00:00')")
        assert get_json(base, count) == [{"n": 1}]
        assert [row["type"] for row in get_json(base, "/live/events.json?_shape=objects")["rows"]] == ["MEETING"]
        refused = httpx.post(f"{base}/live/events/-/insert", json={"row": {"type": "VISIT"}}, timeout=30)
        assert not refused.is_success and get_json(base, count) == [{"n": 1}]  # browsing never writes


@pytest.mark.parametrize("days, unit, bars", [
    (["2023-12-04", "2023-12-06", "2024-01-16"], "week", 7),  # six weeks and a bit: one bar a week
    (["2022-03-01", "2023-12-06"], "month", 22),
    (["2014-05-01", "2023-12-06", "2023-12-07"], "year", 10),  # ten years: one bar a year, not 500 one-pixel weeks
])
def test_the_timeline_bars_follow_the_span_of_the_dates_and_undated_events_are_counted(tmp_path, days, unit, bars):
    from evex.browse import EVENTS_PER_PERIOD, UNDATED_EVENTS
    from evex.db import get_engine, upgrade

    database = tmp_path / "span.db"
    upgrade(f"sqlite:///{database}")
    get_engine(f"sqlite:///{database}").dispose()
    with closing(sqlite3.connect(database)) as connection, connection:
        connection.executemany("INSERT INTO events (type, status, first_day, n_articles, n_sources, created_at) "
                               "VALUES ('MEETING', 'occurred', ?, 1, 1, '2024-01-01')", [(d,) for d in [*days, None]])
        rows = connection.execute(EVENTS_PER_PERIOD).fetchall()
        (undated,), = connection.execute(UNDATED_EVENTS).fetchall()
    periods = list(dict.fromkeys(period for period, _, _ in rows))
    assert len(periods) == bars and sum(events for _, _, events in rows) == len(days) and undated == 1
    assert periods[0] == {"week": "week of 2023-12-04", "month": "2022-03", "year": "2014"}[unit]

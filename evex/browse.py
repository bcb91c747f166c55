"""`evex browse`: the event database in Datasette, read-only, configured from what evex documents.

The canned queries are docs/queries.sql's (read here, never copied), the facets follow the columns
the views have (so the geo branch's country_code shows up by itself), and the map is
datasette-cluster-map on any view with latitude/longitude columns, over `evex map`'s offline
countries. The timeline is a datasette-dashboards chart: a Vega-Lite spec with its SQL, drawn by
the plugin's bundled Vega, so it works offline and is configured here rather than clicked together
in a browser; beside it, the count of undated events, which a time axis cannot show.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from evex.db import SEARCH_INDEX_PREFIX
from evex.map import ASSETS

MAP_ASSETS_MOUNT = "evex-map"  # where Datasette serves evex/map_assets/ (`--static`)
COUNTRY_LAYER_SCRIPTS = ("topojson-client.min.js", "countries-layer.js", "datasette-countries.js")

QUERIES_FILE = Path(__file__).resolve().parent.parent / "docs" / "queries.sql"
_NAMED = re.compile(r"^-- name: (\S+)\n-- ([^\n]+)\n(.+?)(?=\n\n-- name: |\Z)", re.M | re.S)
VIEWS = ("event_overview", "event_participants_view", "article_events")
FACETS = {  # offered where the view has the column
    "event_overview": ("type", "status", "country_code", "location", "plover_type", "cameo_code"),
    "event_participants_view": ("participant", "event_type", "kind"),
}
FTS_TABLE = SEARCH_INDEX_PREFIX  # migration 0004
DASHBOARD = "timeline"
# Events per period, the period (week, month or year) chosen by the span of the dates so that the bars
# stay wide whatever the span, every period between the first and the last one listed (empty ones too).
EVENTS_PER_PERIOD = """
WITH RECURSIVE dated AS (SELECT first_day AS day, type FROM events WHERE first_day IS NOT NULL),
unit AS (
  SELECT CASE WHEN julianday(MAX(day)) - julianday(MIN(day)) <= 183 THEN 'week'
              WHEN julianday(MAX(day)) - julianday(MIN(day)) <= 1096 THEN 'month' ELSE 'year' END AS name,
         MIN(day) AS first, MAX(day) AS last
  FROM dated HAVING COUNT(*) > 0
),
starts(start) AS (
  SELECT CASE name WHEN 'week' THEN date(first, '-6 days', 'weekday 1') WHEN 'month' THEN date(first, 'start of month')
              ELSE date(first, 'start of year') END FROM unit
  UNION ALL
  SELECT CASE name WHEN 'week' THEN date(start, '+7 days') WHEN 'month' THEN date(start, '+1 month')
              ELSE date(start, '+1 year') END
  FROM starts, unit
  WHERE CASE name WHEN 'week' THEN date(start, '+7 days') WHEN 'month' THEN date(start, '+1 month')
             ELSE date(start, '+1 year') END <= last
),
periods AS (
  SELECT start, CASE name WHEN 'week' THEN date(start, '+7 days') WHEN 'month' THEN date(start, '+1 month')
                     ELSE date(start, '+1 year') END AS next,
         CASE name WHEN 'week' THEN 'week of ' || start WHEN 'month' THEN strftime('%Y-%m', start)
                   ELSE strftime('%Y', start) END AS period
  FROM starts, unit
)
SELECT periods.period, dated.type, COUNT(dated.day) AS events
FROM periods LEFT JOIN dated ON dated.day >= periods.start AND dated.day < periods.next
GROUP BY periods.start, dated.type
ORDER BY periods.start, dated.type"""
UNDATED_EVENTS = "SELECT COUNT(*) AS undated FROM events WHERE first_day IS NULL"
TYPE_COLOURS = {"MEETING": "#1f77b4", "VISIT": "#d62728", "AGREEMENT": "#2ca02c", "WORKSHOP": "#ff7f0e"}  # evex map's


def documented_queries() -> dict[str, tuple[str, str]]:
    """name → (question, SQL) for each `-- name:` block of docs/queries.sql."""
    return {m[1]: (m[2], m[3].strip().rstrip(";")) for m in _NAMED.finditer(QUERIES_FILE.read_text(encoding="utf-8"))}


def _columns(database: Path) -> dict[str, list[str]]:
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return {view: [row[1] for row in connection.execute("SELECT * FROM pragma_table_info(?)", (view,))]
                for view in VIEWS}
    finally:
        connection.close()


def metadata(database: Path) -> dict:
    """Datasette's metadata for one evex database file (its name in Datasette is the file's stem)."""
    name = database.stem
    columns = _columns(database)
    links = "".join(f'<li><a href="/{name}/{view}">{view}</a></li>' for view in VIEWS)
    return {
        "title": "evex events",
        # `evex map`'s offline countries under the cluster map's tiles (datasette-countries.js)
        "extra_js_urls": [f"/{MAP_ASSETS_MOUNT}/{script}" for script in COUNTRY_LAYER_SCRIPTS],
        "description_html": (
            f"<ul>{links}<li><a href='/-/dashboards/{DASHBOARD}'>events over time, by type</a></li>"
            f"<li><a href='/{name}/event_mentions'>search the evidence sentences</a></li></ul>"
        ),
        "databases": {name: {
            "description_html": (f"Start with the views:<ul>{links}</ul>Events over time, by type: "
                                 f"<a href='/-/dashboards/{DASHBOARD}'>timeline</a>"),
            "queries": {key: {"title": key.replace("_", " "), "description": question, "sql": sql}
                        for key, (question, sql) in documented_queries().items()},
            "tables": {
                **{view: {"facets": [c for c in wanted if c in columns[view]]} for view, wanted in FACETS.items()},
                "event_mentions": {"fts_table": FTS_TABLE, "fts_pk": "id", "searchmode": "raw"},
                "alembic_version": {"hidden": True},
            },
        }},
        "plugins": {
            "datasette-cluster-map": {"latitude_column": "latitude", "longitude_column": "longitude"},
            "datasette-dashboards": {DASHBOARD: {
                "title": "evex timeline",
                "description": "Events by the period they begin in; undated events counted apart",
                "layout": [["events-per-period", "events-per-period", "events-per-period", "undated"]],
                "charts": {
                    "events-per-period": {
                        "title": "Events per week, month or year (by the span of the dates), by type", "db": name,
                        "query": EVENTS_PER_PERIOD.strip(), "library": "vega-lite",
                        "display": {
                            "mark": {"type": "bar", "tooltip": True},
                            "encoding": {
                                "x": {"field": "period", "type": "ordinal", "sort": None, "title": None},
                                "y": {"field": "events", "type": "quantitative", "title": "events"},
                                "color": {"field": "type", "type": "nominal", "scale": {
                                    "domain": list(TYPE_COLOURS), "range": list(TYPE_COLOURS.values())}},
                            },
                        },
                    },
                    "undated": {
                        "title": "Events without a date (not in the chart)", "db": name, "query": UNDATED_EVENTS,
                        "library": "metric", "display": {"field": "undated", "suffix": " undated"},
                    },
                },
            }},
        },
    }


def datasette_arguments(database: Path, metadata_file: Path, host: str, port: int, open_browser: bool) -> list[str]:
    """`datasette serve` on the file as it is now: Datasette reads it through read-only connections (so
    what a run stores while browse is open shows on the next page), and its write API is off for everyone
    but a root user, whom evex never signs in."""
    return ["serve", str(database), "--metadata", str(metadata_file), "--static", f"{MAP_ASSETS_MOUNT}:{ASSETS}",
            "--host", host, "--port", str(port), *(["--open"] if open_browser else [])]

"""`evex browse`: the event database in Datasette, read-only, configured from what evex documents.

The canned queries are docs/queries.sql's (read here, never copied), the facets follow the columns
the views have (so the geo branch's country_code shows up by itself), and the map is
datasette-cluster-map on any view with latitude/longitude columns. The timeline is a
datasette-dashboards chart: a Vega-Lite spec with its SQL, drawn by the plugin's bundled Vega,
so it works offline and is configured here rather than clicked together in a browser.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from evex.db import SEARCH_INDEX_PREFIX

QUERIES_FILE = Path(__file__).resolve().parent.parent / "docs" / "queries.sql"
_NAMED = re.compile(r"^-- name: (\S+)\n-- ([^\n]+)\n(.+?)(?=\n\n-- name: |\Z)", re.M | re.S)
VIEWS = ("event_overview", "event_participants_view", "article_events")
FACETS = {  # offered where the view has the column
    "event_overview": ("type", "status", "country_code", "location"),
    "event_participants_view": ("participant", "event_type", "kind"),
}
FTS_TABLE = SEARCH_INDEX_PREFIX  # migration 0004
DASHBOARD = "timeline"
EVENTS_PER_WEEK = """
SELECT date(first_day, 'weekday 1', '-7 days') AS week, type, COUNT(*) AS events
FROM events
WHERE first_day IS NOT NULL
GROUP BY week, type
ORDER BY week, type"""


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
        "description_html": (
            f"<ul>{links}<li><a href='/-/dashboards/{DASHBOARD}'>events per week, by type</a></li>"
            f"<li><a href='/{name}/event_mentions'>search the evidence sentences</a></li></ul>"
        ),
        "databases": {name: {
            "description_html": (f"Start with the views:<ul>{links}</ul>Events per week by type: "
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
                "description": "Events per week (the week an event begins), by type",
                "layout": [["events-per-week"]],
                "charts": {"events-per-week": {
                    "title": "Events per week, by type", "db": name, "query": EVENTS_PER_WEEK.strip(),
                    "library": "vega-lite",
                    "display": {
                        "mark": {"type": "bar", "tooltip": True},
                        "encoding": {"x": {"field": "week", "type": "temporal", "timeUnit": "yearweek"},
                                     "y": {"field": "events", "type": "quantitative"},
                                     "color": {"field": "type", "type": "nominal"}},
                    },
                }},
            }},
        },
    }


def datasette_arguments(database: Path, metadata_file: Path, host: str, port: int, open_browser: bool) -> list[str]:
    """`datasette serve` on the file as it is now: Datasette reads it through read-only connections (so
    what a run stores while browse is open shows on the next page), and its write API is off for everyone
    but a root user, whom evex never signs in."""
    return ["serve", str(database), "--metadata", str(metadata_file), "--host", host,
            "--port", str(port), *(["--open"] if open_browser else [])]

"""places: gazetteer entries with coordinates, linked to events, reports and participants; views show them

Revision ID: 0003_places
Revises: 0002
Create Date: 2026-12-02 17:20:00

`places` holds each gazetteer entry used (a city, a region or a country, with its ISO code,
latitude, longitude and precision); `event_places`, `report_places` and `entity_places` link to it.
Link tables rather than new columns: no existing table is rebuilt (SQLite's batch mode would copy
`events` under cascading foreign keys), and the rows stored before stay as they were. The upgrade
geocodes the events already stored (evex/geocode.py, the code the load runs); a name no source
knows gets no link. `event_overview` gains `latitude`, `longitude`, `country_code`,
`place_precision` (and `place`, the entry's name); `article_events` the same for each report;
`event_participants_view` gains `participant_country_code`.
"""

import importlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_places"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

views_0002 = importlib.import_module("migrations.versions.0002_views_and_indexes")

PLACE_COLUMNS = """,
    pl.name AS place,
    pl.country_code,
    pl.latitude,
    pl.longitude,
    pl.precision AS place_precision
"""


def _with_place(view: str, last_column: str, source: str, link: str, owner: str) -> str:
    """A 0002 view with the place columns after its last one, joined through `link`."""
    anchor = f"{last_column}\n{source}\n"
    assert anchor in view, anchor
    alias = source.split()[-1]
    return view.replace(anchor, f"{last_column}{PLACE_COLUMNS}{source}\n"
                                f"LEFT JOIN {link} AS lp ON lp.{owner} = {alias}.id\n"
                                "LEFT JOIN places AS pl ON pl.id = lp.place_id\n")


EVENT_OVERVIEW = _with_place(views_0002.EVENT_OVERVIEW, "AS first_source", "FROM events AS e", "event_places",
                             "event_id")
EVENT_PARTICIPANTS_VIEW = views_0002.EVENT_PARTICIPANTS_VIEW.replace(
    "AS n_articles\nFROM event_participants AS p\n",
    "AS n_articles,\n    MAX(pl.country_code) AS participant_country_code\nFROM event_participants AS p\n",
).replace(
    "JOIN entities AS en ON en.id = p.entity_id\n",
    "JOIN entities AS en ON en.id = p.entity_id\n"
    "LEFT JOIN entity_places AS lp ON lp.entity_id = en.id\nLEFT JOIN places AS pl ON pl.id = lp.place_id\n",
)
ARTICLE_EVENTS = _with_place(views_0002.ARTICLE_EVENTS, "AS n_mentions", "FROM event_reports AS r",
                             "report_places", "report_id")


def _create_views(event_overview: str, event_participants_view: str, article_events: str) -> None:
    op.execute(event_overview.format(participants=views_0002.PARTICIPANTS[op.get_bind().dialect.name]))
    op.execute(event_participants_view)
    op.execute(article_events)


def _drop_views() -> None:
    for view in reversed(views_0002.VIEWS):
        op.execute(f"DROP VIEW IF EXISTS {view}")


def _link_table(name: str, owner: str, owner_table: str) -> None:
    op.create_table(
        name,
        sa.Column(owner, sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint([owner], [f"{owner_table}.id"], name=op.f(f"fk_{name}_{owner}_{owner_table}"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["place_id"], ["places.id"], name=op.f(f"fk_{name}_place_id_places"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint(owner, name=op.f(f"pk_{name}")),
    )
    op.create_index(op.f(f"ix_{name}_place_id"), name, ["place_id"], unique=False)


def upgrade() -> None:
    from evex.geocode import link_places

    op.create_table(
        "places",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("country_code", sa.String(length=2), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("precision", sa.String(length=8), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_places")),
        sa.UniqueConstraint("key", name=op.f("uq_places_key")),
    )
    op.create_index(op.f("ix_places_country_code"), "places", ["country_code"], unique=False)
    _link_table("event_places", "event_id", "events")
    _link_table("report_places", "report_id", "event_reports")
    _link_table("entity_places", "entity_id", "entities")
    _drop_views()
    _create_views(EVENT_OVERVIEW, EVENT_PARTICIPANTS_VIEW, ARTICLE_EVENTS)
    link_places(op.get_bind())


def downgrade() -> None:
    _drop_views()
    for name in ("entity_places", "report_places", "event_places", "places"):
        op.drop_table(name)
    _create_views(views_0002.EVENT_OVERVIEW, views_0002.EVENT_PARTICIPANTS_VIEW, views_0002.ARTICLE_EVENTS)

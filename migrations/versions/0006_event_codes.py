"""codes other event data speaks: CAMEO and PLOVER per event, ISO 3166-1 alpha-3 per country; views show them

Revision ID: 0006_event_codes
Revises: 0005_parse_compression
Create Date: 2026-12-07 09:10:00

`event_codes` holds an event's CAMEO code, PLOVER category and PLOVER mode (none for a workshop);
`countries` the alpha-3 code of each alpha-2 code `places` uses. New tables rather than new columns,
as 0003 chose: no existing table is rebuilt, the rows stored before stay as they were. The upgrade
codes the events already stored with evex/codes.py, the code the load runs. `event_overview` gains
`country_alpha3` (its place's), `participant_countries` (its participants' alpha-3 codes, each once,
in the order first stored), `cameo_code`, `plover_type`, `plover_mode`; `article_events` the same
but the participants'; `event_participants_view` gains `participant_country_alpha3`.
"""

import importlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_event_codes"
down_revision: str | None = "0005_parse_compression"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

views_0002 = importlib.import_module("migrations.versions.0002_views_and_indexes")
views_0003 = importlib.import_module("migrations.versions.0003_places")

# The alpha-3 codes of an event's participants, each once, in the order they were first stored: 0002's
# participant names with each participant's country code in place of its name.
_ENTITY_JOIN = "JOIN entities AS en ON en.id = p.entity_id"
assert views_0002._NAMES.count("en.name") == 2 and _ENTITY_JOIN in views_0002._NAMES
_COUNTRIES = views_0002._NAMES.replace("en.name", "pco.alpha3").replace(
    _ENTITY_JOIN, "JOIN entity_places AS pep ON pep.entity_id = p.entity_id\n"
                  "    JOIN places AS ppl ON ppl.id = pep.place_id\n"
                  "    JOIN countries AS pco ON pco.alpha2 = ppl.country_code")
PARTICIPANT_COUNTRIES = {dialect: aggregate.replace(views_0002._NAMES, _COUNTRIES)
                         for dialect, aggregate in views_0002.PARTICIPANTS.items()}
_PLACE_JOIN = "LEFT JOIN places AS pl ON pl.id = lp.place_id\n"
_LAST_PLACE_COLUMN = "    pl.precision AS place_precision\nFROM"


def _with_codes(view: str, event_id: str, participant_countries: bool) -> str:
    """A 0003 view with its place's alpha-3 code and its event's codes after its last column."""
    assert view.count(_PLACE_JOIN) == view.count(_LAST_PLACE_COLUMN) == 1, view
    countries = "\n    {participant_countries} AS participant_countries," if participant_countries else ""
    return view.replace(_LAST_PLACE_COLUMN, "    pl.precision AS place_precision,\n    co.alpha3 AS country_alpha3,"
                                            f"{countries}\n    ec.cameo_code,\n    ec.plover_type,\n"
                                            "    ec.plover_mode\nFROM").replace(
        _PLACE_JOIN, f"{_PLACE_JOIN}LEFT JOIN countries AS co ON co.alpha2 = pl.country_code\n"
                     f"LEFT JOIN event_codes AS ec ON ec.event_id = {event_id}\n")


EVENT_OVERVIEW = _with_codes(views_0003.EVENT_OVERVIEW, "e.id", participant_countries=True)
ARTICLE_EVENTS = _with_codes(views_0003.ARTICLE_EVENTS, "r.event_id", participant_countries=False)
_ANCHOR = "MAX(pl.country_code) AS participant_country_code\n"
assert _ANCHOR in views_0003.EVENT_PARTICIPANTS_VIEW and _PLACE_JOIN in views_0003.EVENT_PARTICIPANTS_VIEW
EVENT_PARTICIPANTS_VIEW = views_0003.EVENT_PARTICIPANTS_VIEW.replace(
    _ANCHOR, "MAX(pl.country_code) AS participant_country_code,\n    MAX(pco.alpha3) AS participant_country_alpha3\n",
).replace(_PLACE_JOIN, f"{_PLACE_JOIN}LEFT JOIN countries AS pco ON pco.alpha2 = pl.country_code\n")


def upgrade() -> None:
    from evex.codes import link_codes

    op.create_table(
        "countries",
        sa.Column("alpha2", sa.String(length=2), nullable=False),
        sa.Column("alpha3", sa.String(length=3), nullable=False),
        sa.PrimaryKeyConstraint("alpha2", name=op.f("pk_countries")),
        sa.UniqueConstraint("alpha3", name=op.f("uq_countries_alpha3")),
    )
    op.create_table(
        "event_codes",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("cameo_code", sa.String(length=4), nullable=False),
        sa.Column("plover_type", sa.String(length=16), nullable=False),
        sa.Column("plover_mode", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name=op.f("fk_event_codes_event_id_events"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_event_codes")),
    )
    op.create_index(op.f("ix_event_codes_cameo_code"), "event_codes", ["cameo_code"], unique=False)
    op.create_index(op.f("ix_event_codes_plover_type"), "event_codes", ["plover_type"], unique=False)
    views_0003._drop_views()
    dialect = op.get_bind().dialect.name
    op.execute(EVENT_OVERVIEW.format(participants=views_0002.PARTICIPANTS[dialect],
                                     participant_countries=PARTICIPANT_COUNTRIES[dialect]))
    op.execute(EVENT_PARTICIPANTS_VIEW)
    op.execute(ARTICLE_EVENTS)
    link_codes(op.get_bind())


def downgrade() -> None:
    views_0003._drop_views()
    op.drop_index(op.f("ix_event_codes_plover_type"), table_name="event_codes")
    op.drop_index(op.f("ix_event_codes_cameo_code"), table_name="event_codes")
    op.drop_table("event_codes")
    op.drop_table("countries")
    views_0003._create_views(views_0003.EVENT_OVERVIEW, views_0003.EVENT_PARTICIPANTS_VIEW, views_0003.ARTICLE_EVENTS)


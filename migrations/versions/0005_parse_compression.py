"""parses compressed with lz4 on Postgres

Revision ID: 0005_parse_compression
Revises: 0004_evidence_fts
Create Date: 2026-12-02 21:00:00

A parse is about 20 kB of CoNLL-U, stored out of line (TOAST) and compressed: with Postgres's
default, pglz, compressing them was most of the time `load_batch` spent on parses; lz4 takes a
fraction of it. New values only (rows stored before keep pglz; both read alike), and only where
the server has lz4 (Postgres 14 and later, built with it): elsewhere nothing changes. SQLite:
nothing (it does not compress).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005_parse_compression"
down_revision: str | None = "0004_evidence_fts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _set_compression(method: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"""DO $$ BEGIN
        EXECUTE 'ALTER TABLE parses ALTER COLUMN content SET COMPRESSION {method}';
    EXCEPTION WHEN feature_not_supported OR syntax_error THEN NULL;  -- a server without lz4, or before 14
    END $$""")


def upgrade() -> None:
    _set_compression("lz4")


def downgrade() -> None:
    _set_compression("default")

"""Alembic migrations of the evex database (shipped as a package so `evex db` finds them)."""

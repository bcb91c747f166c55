"""Prefect flows of evex: thin orchestration over the domain modules in `evex`."""

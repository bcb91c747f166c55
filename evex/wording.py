"""Counts in words for what the terminal and the logs print: `1 article`, `5 articles`, `1 batch`."""

from __future__ import annotations

_IRREGULAR = {"batch": "batches"}


def counted(n: int, noun: str) -> str:
    """`n noun` with the noun in the plural unless n is 1."""
    return f"{n} {noun if n == 1 else _IRREGULAR.get(noun, noun + 's')}"

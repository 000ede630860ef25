"""Word lists as data: each file in this folder opens with '#' lines that say what it is and where it
comes from; the code reads them here and nowhere else."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_HERE = Path(__file__).parent


def _lines(name: str) -> list[str]:
    text = (_HERE / name).read_text(encoding="utf-8")
    return [line.rstrip("\n") for line in text.splitlines() if line.strip() and not line.startswith("#")]


@cache
def table(name: str) -> dict[str, tuple[str, ...]]:
    """word<TAB>space-separated words, one entry a line."""
    entries: dict[str, tuple[str, ...]] = {}
    for line in _lines(name):
        key, _, values = line.partition("\t")
        entries[key.strip()] = tuple(values.split())
    return entries


@cache
def words(name: str) -> tuple[str, ...]:
    """Whitespace-separated words, any number a line, in file order (an alternation tries them so)."""
    return tuple(dict.fromkeys(word for line in _lines(name) for word in line.split()))


def rows(name: str) -> list[list[str]]:
    """Tab-separated fields, one entry a line (empty fields kept)."""
    return [line.split("\t") for line in _lines(name)]

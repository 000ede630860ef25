"""Accuracy and speed of one parser over a labelled set: the one scoring rule every comparison uses."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

_FOLDER = Path(__file__).parent
_REPEATS = 5  # the sets are small: repeat so the timing is not one scheduler tick


@dataclass(frozen=True)
class Case:
    text: str
    expected: tuple[float, ...]  # sorted
    context: int | None = None  # the report's plan year, for time words


@dataclass(frozen=True)
class Score:
    name: str
    n: int
    correct: int
    per_second: float
    wrong: tuple[str, ...]  # "text: got … want …", to read what a parser misses

    @property
    def accuracy(self) -> float:
        return self.correct / self.n


def load(name: str, field: str) -> list[Case]:
    rows = [json.loads(line) for line in (_FOLDER / name).read_text("utf-8").splitlines() if line.strip()]
    return [Case(r["text"], tuple(sorted(map(float, r[field]))), r.get("plan_year")) for r in rows]


def score(name: str, parse: Callable[[Case], Iterable[float]], cases: Sequence[Case]) -> Score:
    """A case is right when the parser's distinct values equal the expected ones (float noise forgiven)."""
    got = [tuple(sorted(set(parse(case)))) for case in cases]
    started = time.perf_counter()
    for _ in range(_REPEATS):
        for case in cases:
            parse(case)
    per_second = _REPEATS * len(cases) / (time.perf_counter() - started)
    wrong = tuple(f"{c.text}: got {list(g)} want {list(c.expected)}" for c, g in zip(cases, got) if not _same(g, c.expected))
    return Score(name, len(cases), len(cases) - len(wrong), per_second, wrong)


def _same(got: Sequence[float], expected: Sequence[float]) -> bool:
    return len(got) == len(expected) and all(math.isclose(a, b, rel_tol=1e-9) for a, b in zip(got, expected))

"""The numbers the offline answerer decides with, in one record: how a sentence's features add up to
its score, and the refusal thresholds on what the best sentence covers.

The shipped values are fitted, not set by hand: `python -m eval.fit` runs labelled questions over many
reports, fits the sentence weights by logistic regression on per-sentence features (does the sentence
hold an answer fact?) and the thresholds by a grid search on what the chosen sentence covers, and writes
weights.json beside this file with the run that produced them. The record's defaults are the values
set by hand on the bundled report before, kept as the baseline a fit is measured against.
"""

from __future__ import annotations

import json
from dataclasses import asdict, astuple, dataclass, fields, replace
from functools import lru_cache
from pathlib import Path

WEIGHTS_FILE = Path(__file__).with_name("weights.json")


@dataclass(frozen=True)
class SentenceFeatures:
    """What a sentence is scored on; each is 0…1 except the year counts."""

    focus_coverage: float  # idf-weighted share of the question's own content words in the sentence
    context_coverage: float  # the same for the search text (a follow-up adds the earlier subject)
    bigram_overlap: float  # share of the question's character bigrams
    rank: float  # 1 / (1 + the paragraph's retrieval rank)
    number_asked: float  # 1 when a figure is asked and the sentence has a number
    year_named: float  # years asked that the sentence names
    year_other: float  # years asked that the sentence contradicts (names another, or sits in another's section)
    role_other: float  # 1 when the question asks achieved (or target), the sentence states the other, no year contradicts
    enumerates: float  # 1 when a list is asked and the sentence lists items (甲、乙、丙)

    def vector(self) -> tuple[float, ...]:
        return astuple(self)


FEATURES = tuple(f.name for f in fields(SentenceFeatures))


@dataclass(frozen=True)
class AnswerWeights:
    # Sentence score = Σ weight × feature: only ratios between scores matter (select keeps runners-up
    # within a share of the best), so the scale of a fit is free and no intercept is needed.
    focus_coverage: float = 0.6
    context_coverage: float = 0.15
    bigram_overlap: float = 0.15
    rank: float = 0.45
    number_asked: float = 0.1
    year_named: float = 0.1
    year_other: float = -0.15
    role_other: float = 0.0  # not used before fitting
    enumerates: float = 0.0
    # Runners-up within this share of the best sentence's score are quoted beside it (a list question
    # gathers more of them).
    runner_up_ratio: float = 0.85
    list_runner_up_ratio: float = 0.7
    # Refusals: the best chosen sentence must cover this share (idf-weighted) of the question's words,
    # more when a figure is asked (a wrong figure is worse than none).
    min_coverage: float = 0.3
    min_quantity_coverage: float = 0.35
    # Share (idf-weighted) of the question's words that the corpus uses at all: below it, the question
    # is about something no report speaks of (杭州地铁线路, 系统提示词).
    min_known_share: float = 0.2
    source: str = "set by hand while reading the bundled report (before fitting)"

    def score(self, features: SentenceFeatures) -> float:
        return sum(getattr(self, name) * value for name, value in zip(FEATURES, features.vector()))

    def with_sentence_weights(self, values: dict[str, float], source: str) -> AnswerWeights:
        return replace(self, **{name: float(values[name]) for name in FEATURES}, source=source)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def read(cls, path: Path | str) -> AnswerWeights:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"{path}: unknown weights {sorted(unknown)}")
        return cls(**data)


@lru_cache(maxsize=1)
def fitted() -> AnswerWeights:
    """The weights shipped with the package (weights.json), or the hand-set ones if none were fitted."""
    return AnswerWeights.read(WEIGHTS_FILE) if WEIGHTS_FILE.exists() else AnswerWeights()

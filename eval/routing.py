"""Quality without filters: questions that name a government and year, over N distinct governments.

The questions (eval/resident.py) are about the first QUESTION_REPORTS reports of the synthetic corpus
and go to `Assistant.ask` with no doc_ids and no scope, so the report has to be found from the place
and year the question names. The reference is the same questions at N=1: each report alone in an
index of its own, where there is nothing to route.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from eval.harness import Asker, load_questions, run_eval, score, summarize
from eval.resident import questions_for
from eval.synthetic import SAMPLE_VARIANT, Variant, variant

if TYPE_CHECKING:
    from assistant.service import Assistant

QUESTION_REPORTS = 20  # governments asked about: 160 questions, every level of LEVEL_CYCLE
ROUTING = ("retrieval.hit@1", "retrieval.hit@5", "answer.fact_accuracy")


def variant_of(seed: int, i: int) -> Variant:
    return variant(seed, i) if i else SAMPLE_VARIANT


def government_names(n: int, seed: int) -> set[str]:
    """Every name of the first n reports' governments, and of the places built on them (what eval/reuse.py masks)."""
    return {name for i in range(n) for name in variant_of(seed, i).names}


def routing_questions(paths: Sequence[Path], dev_path: Path, seed: int) -> list[dict]:
    from index.ingest import doc_id_for

    dev = load_questions(dev_path)
    return [q for i, path in enumerate(paths) for q in questions_for(dev, variant_of(seed, i), doc_id_for(path), seed)]


def in_corpus(questions: Sequence[dict], paths: Sequence[Path]) -> list[dict]:
    from index.ingest import doc_id_for

    ids = {doc_id_for(p) for p in paths}
    return [q for q in questions if q["gold_report"] in ids]


def unfiltered(asker: Asker, questions: Sequence[dict], label: str) -> dict:
    return run_eval(asker, questions, None, label=label)


def alone(build: Callable[[Path, Path], tuple[Assistant, Asker | None]], paths: Sequence[Path],
          questions: Sequence[dict], work: Path) -> tuple[dict, dict | None]:
    """Metrics of each report's questions asked in an index of that report only (ours, and the naive
    pipeline's when build returns one); build(report, folder) makes both for one report."""
    ours, naive = [], []
    for i, path in enumerate(paths):
        own = in_corpus(questions, [path])
        ours_asker, naive_asker = build(path, work / f"alone-{i}")
        ours += [score(q, ours_asker.ask(q["question"])) for q in own]
        if naive_asker is not None:
            naive += [score(q, naive_asker.ask(q["question"])) for q in own]
    return summarize(ours), (summarize(naive) if naive else None)

"""Fit the answerer's weights (assistant/answer/weights.py) on labelled questions over many reports, and
measure them leave-one-report-out: the figures a report nobody fitted on gets.

    python -m eval.fit --index-dir DIR --questions eval/questions/real-dev.jsonl \
        eval/questions/dev.jsonl=kandun-2022-review-2023-plan [--write] [--out eval/results/fit]

DIR holds every report the questions are about (`govqa ingest`); each question is asked with its gold
report alone in scope, as in `govqa eval --one-report-at-a-time`. FILE=REPORT: the questions of FILE
that name no gold report are about REPORT (the sample's set, written for one report).

- Sentence weights: logistic regression on the features of every sentence the answerer scored (label:
  the sentence holds one of the question's answer facts, in its gold report), each question weighing
  the same. The coefficients are the weights; only their ratios matter, so they are scaled to sum (in
  absolute value) to 1. Chosen over a plain fit (every sentence weighing the same) and a pairwise one
  (answering minus other sentence of one search) by the share of answerable questions whose chosen
  sentences hold their facts, real-dev / the sample's dev: plain 0.974 / 0.922, per question 0.968 /
  0.935, pairwise 0.974 / 0.915 (the hand-set weights: 0.955 / 0.941).
- Not fitted: how close a runner-up must come to be quoted too (runner_up_ratio). Fact accuracy alone
  always prefers quoting more, down to the three-sentence cap, whatever the cost in reading.
- Refusal thresholds: the coverage a chosen sentence needs (one bar for figure questions, one for the
  rest), chosen on a grid to get most questions right (answerable: answered with its facts; not
  answerable: refused): the middle of the bars within one question of the best. The searches are observed with the coverage bars at zero, so a refusal they
  record has another reason and stays one whatever the bar.
- Leave-one-report-out: every report's questions are answered with the weights fitted on the other
  reports' questions (questions without a gold report form one group of their own).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import numpy as np

from assistant.answer.evidence import Evidence, select
from assistant.answer.pipeline import Found
from assistant.answer.question import Question
from assistant.answer.weights import FEATURES, WEIGHTS_FILE, AnswerWeights
from assistant.settings import Settings
from eval.harness import gold_reports, is_gold, load_questions, question_scope, score, summarize
from index.textnorm import normalize

COVERAGE_GRID = tuple(round(0.025 * i, 3) for i in range(1, 25))  # 0.025 … 0.6
NOISE_QUESTIONS = 1
REGULARISATION_C = 1.0  # scikit-learn's default; the features are few and bounded
UNGROUPED = "(no gold report)"


@dataclass(frozen=True)
class Observed:
    """One question and every search the answerer made for it (the last is the one it answered from)."""

    question: Mapping
    searches: tuple[tuple[Question, Found], ...]

    @property
    def group(self) -> str:
        return group_of(self.question)


def group_of(question: Mapping) -> str:
    """The report a question is left out with: its gold report, or one group for the rest."""
    reports = sorted(gold_reports(question))
    return reports[0] if len(reports) == 1 else UNGROUPED


def observe_all(questions: Sequence[Mapping], settings: Settings, embedder) -> list[Observed]:
    from assistant.service import Assistant

    seen: list[tuple[Question, Found]] = []
    unbarred = AnswerWeights(min_coverage=0.0, min_quantity_coverage=0.0)
    assistant = Assistant(settings, embedder=embedder, weights=unbarred, observe=lambda q, f: seen.append((q, f)))
    observed = []
    for q in questions:
        seen.clear()
        assistant.ask(q["question"], q.get("history"), scope=question_scope(q, one_report=True))
        observed.append(Observed(q, tuple(seen)))
    return observed


def _holds_fact(e: Evidence, found: Found, question: Mapping) -> bool:
    reports = gold_reports(question)
    if reports and found.hits[e.hit_rank].chunk.doc_id not in reports:
        return False
    return is_gold(e.sentence, question["answer_facts"])


def sentence_table(observed: Sequence[Observed]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(features, label, sample weight) of every sentence scored for an answerable question. Each
    question weighs the same, its answering and its other sentences half each: a question whose
    paragraphs are long would otherwise count for many, and answering sentences are rare."""
    rows, labels, weights = [], [], []
    for o in observed:
        if not o.question["answerable"] or not o.question["answer_facts"]:
            continue
        start = len(labels)
        for _, found in o.searches:
            for e in found.scored:
                rows.append(e.features.vector())
                labels.append(_holds_fact(e, found, o.question))
        mine = labels[start:]
        answering = sum(mine)
        weights += [0.5 / (answering if label else len(mine) - answering) for label in mine]
    return (np.array(rows, dtype=float).reshape(-1, len(FEATURES)), np.array(labels, dtype=bool),
            np.array(weights, dtype=float))


def fit_sentence_weights(features: np.ndarray, labels: np.ndarray, sample_weight: np.ndarray) -> dict[str, float]:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=REGULARISATION_C, max_iter=1000)
    model.fit(features, labels, sample_weight=sample_weight * len(sample_weight) / sample_weight.sum())
    coefficients = model.coef_[0]
    scale = float(np.abs(coefficients).sum()) or 1.0
    return {name: round(float(c) / scale, 4) for name, c in zip(FEATURES, coefficients)}


def _rescored(found: Found, weights: AnswerWeights) -> list[Evidence]:
    return sorted((replace(e, score=weights.score(e.features)) for e in found.scored), key=lambda e: -e.score)


def _outcome(o: Observed, weights: AnswerWeights) -> tuple[bool, float, bool] | None:
    """(wants a figure, coverage of the best chosen sentence, its facts are in the chosen sentences) for the
    search the question was answered from; None when it was refused for another reason than coverage."""
    if not o.searches:
        return None
    prepared, found = o.searches[-1]
    if not found.verdict.answerable:
        return None
    chosen = select(_rescored(found, weights), prepared, weights=weights)
    if not chosen:
        return None
    best = max(chosen, key=lambda e: e.score)
    text = normalize("".join(e.sentence for e in chosen))
    facts = all(normalize(f) in text for f in o.question["answer_facts"])
    return prepared.intent.wants_number, best.coverage, facts


def fit_thresholds(observed: Sequence[Observed], weights: AnswerWeights) -> dict[str, float]:
    outcomes = [(o.question["answerable"], _outcome(o, weights)) for o in observed]

    def right(bar: float, figure: bool) -> int:
        total = 0
        for answerable, outcome in outcomes:
            if outcome is None:
                total += not answerable  # refused whatever the bar
            elif outcome[0] == figure:
                answered = outcome[1] >= bar
                total += (answered and outcome[2]) if answerable else not answered
        return total

    def middle_of_the_best(figure: bool) -> float:
        # A single question is noise at this size (one bar won by one question moved between folds from
        # 0.05 to 0.4): every bar within one question of the best counts as best, and the middle one
        # keeps the widest margin on both sides.
        counts = {bar: right(bar, figure) for bar in COVERAGE_GRID}
        near = [bar for bar, n in counts.items() if n >= max(counts.values()) - NOISE_QUESTIONS]
        return near[(len(near) - 1) // 2]

    return {"min_coverage": middle_of_the_best(False), "min_quantity_coverage": middle_of_the_best(True)}


def fit(observed: Sequence[Observed], base: AnswerWeights, source: str) -> AnswerWeights:
    weights = base.with_sentence_weights(fit_sentence_weights(*sentence_table(observed)), source)
    return replace(weights, **fit_thresholds(observed, weights))


def leave_one_report_out(observed: Sequence[Observed], base: AnswerWeights) -> dict[str, AnswerWeights]:
    groups = sorted({o.group for o in observed})
    return {g: fit([o for o in observed if o.group != g], base, f"fitted without {g}") for g in groups}


def answer_rows(questions: Sequence[Mapping], weights_of: Mapping[str, AnswerWeights], settings: Settings,
                embedder) -> list[dict]:
    """Scored rows in the questions' order, each question answered with its group's weights."""
    from assistant.service import Assistant

    assistants = {g: Assistant(settings, embedder=embedder, weights=w) for g, w in weights_of.items()}
    return [score(q, assistants[group_of(q)].ask(q["question"], q.get("history"),
                                                 scope=question_scope(q, one_report=True)))
            for q in questions]


def _headline(metrics: Mapping) -> dict[str, float | None]:
    return {"fact": metrics["answer"]["fact_accuracy"], "citation": metrics["answer"]["citation_hit"],
            "refused": metrics["refusal"]["unanswerable_refused"],
            "answered": metrics["refusal"]["answerable_answered"],
            "list_fact": metrics["by_kind"].get("list", {}).get("answer", {}).get("fact_accuracy")}


def _questions(spec: str) -> list[dict]:
    path, _, report = spec.partition("=")
    questions = [{**q, "set": Path(path).stem} for q in load_questions(path)]
    return [q if gold_reports(q) or not report else {**q, "gold_report": report} for q in questions]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index-dir", type=Path, required=True)
    parser.add_argument("--questions", nargs="+", required=True, metavar="FILE[=REPORT]")
    parser.add_argument("--write", action="store_true", help=f"write the weights fitted on all questions to {WEIGHTS_FILE}")
    parser.add_argument("--out", type=Path, help="write the figures (fit.json) here")
    args = parser.parse_args(argv)

    from index.embedding import CachedQueryEmbedder, make_embedder

    settings = Settings(index_dir=args.index_dir, chroma_host=None)
    embedder = CachedQueryEmbedder(make_embedder(settings.embedding_model, settings.embedding_backend,
                                                 settings.embedding_batch_size, settings.model_cache_dir))
    questions = [q for spec in args.questions for q in _questions(spec)]
    observed = observe_all(questions, settings, embedder)
    names = ", ".join(spec.split("=")[0] for spec in args.questions)
    groups = sorted({o.group for o in observed})
    hand = AnswerWeights()
    everything = fit(observed, hand, f"fitted by eval/fit.py on {names} ({len(questions)} questions, "
                                     f"{len(groups)} report groups), {date.today().isoformat()}")
    loro = leave_one_report_out(observed, hand)
    conditions = {
        "hand-set": {g: hand for g in groups},
        "in-sample": {g: everything for g in groups},
        "leave-one-report-out": loro,
    }
    figures: dict[str, dict] = {}
    sets = [q["set"] for q in questions]
    for label, weights_of in conditions.items():
        rows = answer_rows(questions, weights_of, settings, embedder)
        figures[label] = {}
        for name in dict.fromkeys(sets):
            metrics = summarize([row for row, of in zip(rows, sets) if of == name])
            figures[label][name] = {"overall": _headline(metrics),
                                    "by_kind": {k: _headline(m | {"by_kind": {}}) for k, m in metrics["by_kind"].items()}}
            print(label, name, json.dumps(figures[label][name]["overall"]), file=sys.stderr, flush=True)
    figures["weights"] = json.loads(everything.to_json())
    figures["loro_spread"] = {name: [round(min(getattr(w, name) for w in loro.values()), 3),
                                     round(max(getattr(w, name) for w in loro.values()), 3)]
                              for name in (*FEATURES, "min_coverage", "min_quantity_coverage")}
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "fit.json").write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if args.write:
        WEIGHTS_FILE.write_text(everything.to_json(), encoding="utf-8")


if __name__ == "__main__":
    main()

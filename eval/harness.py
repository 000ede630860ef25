"""Score the assistant on a question set: retrieval, answers, citations, refusals and latency.

Every question goes through `Assistant.ask`, the same path as the CLI and the UI, so the numbers
measure what a user gets. Usage: `evaluate("eval/questions/dev.jsonl", Path("var/eval"), "compare")`.
"""

from __future__ import annotations

import io
import json
import math
import tempfile
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

from rich.console import Console
from rich.table import Table
from tqdm import tqdm

from assistant.answer.scope import Scope
from assistant.records import Answer
from assistant.settings import Settings
from eval.gate import metric
from eval.report import SUMMARY_METRICS, format_value, write_report
from index.textnorm import normalize

if TYPE_CHECKING:
    from assistant.service import Assistant

Mode = Literal["ours", "naive", "compare"]
LABELS: dict[str, tuple[str, ...]] = {"ours": ("ours",), "naive": ("naive",), "compare": ("ours", "naive")}
REQUIRED_KEYS: dict[str, type] = {
    "id": str, "question": str, "answerable": bool, "gold_paragraphs": list, "answer_facts": list,
}
HIT_RANKS = (1, 3, 5)
MRR_DEPTH = 10


class Asker(Protocol):
    """What the harness needs of an assistant: the real one, or a fake in tests."""

    def ask(self, question: str, history: Sequence[dict] | None = None, *, scope: Scope | None = None) -> Answer: ...


# ---------------------------------------------------------------- question files

def load_questions(path: Path | str) -> list[dict]:
    """The questions of a JSONL file; ValueError naming file and line for anything malformed."""
    path = Path(path)
    questions: list[dict] = []
    seen: set[str] = set()
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            question = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{lineno}: not valid JSON ({exc.msg})") from exc
        problem = _problem(question) or (f"duplicate id {question['id']!r}" if question["id"] in seen else "")
        if problem:
            raise ValueError(f"{path}:{lineno}: {problem}")
        seen.add(question["id"])
        questions.append(question)
    return questions


def _problem(question: object) -> str:
    """What is wrong with one parsed line, or "" when it is a valid question."""
    if not isinstance(question, dict):
        return "expected a JSON object"
    for key, kind in REQUIRED_KEYS.items():
        if key not in question:
            return f"missing key {key!r}"
        if not isinstance(question[key], kind):
            return f"{key!r} must be a {kind.__name__}"
    for key in ("gold_paragraphs", "answer_facts"):
        if not all(isinstance(item, str) and item for item in question[key]):
            return f"{key!r} must hold non-empty strings"
    if not isinstance(question.get("kind", ""), str):
        return "'kind' must be a str"
    golds = question.get("gold_reports", [question["gold_report"]] if "gold_report" in question else [])
    if not isinstance(golds, list) or not all(isinstance(g, str) and g for g in golds):
        return "'gold_report' must be a report id, 'gold_reports' a list of them"
    scope = question.get("scope", {})
    if not isinstance(scope, dict) or not set(scope) <= {"report", "place", "year"}:
        return "'scope' must be an object with report, place and/or year"
    history = question.get("history", [])
    if not isinstance(history, list) or not all(isinstance(t, dict) and {"role", "content"} <= t.keys() for t in history):
        return "'history' must be a list of {role, content} objects"
    return ""


# ---------------------------------------------------------------- scoring

# The same paragraphs and gold strings come back question after question; OpenCC is slow.
_normalized = lru_cache(maxsize=4096)(normalize)


def is_gold(text: str, gold: Sequence[str]) -> bool:
    """Does the text hold one of the gold strings (paragraph quotes or answer facts), both normalised?"""
    target = _normalized(text)
    return any(_normalized(g) in target for g in gold)


def gold_reports(question: Mapping) -> set[str]:
    """The reports whose paragraphs count as gold; empty = any report (single-report question sets)."""
    return set(question.get("gold_reports", [question["gold_report"]] if question.get("gold_report") else []))


def question_scope(question: Mapping, one_report: bool = False) -> Scope | None:
    """The question's own scope; with one_report, its gold report alone, as if only it were indexed (the
    setting of a deployment that holds one report; questions without a gold report keep every report)."""
    reports = sorted(gold_reports(question))
    if one_report and len(reports) == 1:
        return Scope(report=reports[0])
    given = question.get("scope") or {}
    return Scope(**given) if given else None


def names_source(answer: Answer) -> bool:
    """The answer text names the government and year of a report it cites (据《2025年安徽省政府工作报告》)."""
    text = normalize(answer.text)
    return any(c.place and c.year and normalize(c.place) in text and f"{c.year}" in text or
               c.doc_title and normalize(c.doc_title) in text for c in answer.citations)


def score(question: Mapping, answer: Answer) -> dict:
    """One results.jsonl row: what was asked, what came back, and how it measures up."""
    answerable = question["answerable"]
    gold = question["gold_paragraphs"]
    reports = gold_reports(question)
    answer_text = normalize(answer.text)
    missing = [fact for fact in question["answer_facts"] if _normalized(fact) not in answer_text]
    cited_gold = any(is_gold(c.text, gold) and (not reports or c.doc_id in reports) for c in answer.citations)
    rank = next((r for r, hit in enumerate(answer.hits, 1)
                 if is_gold(hit.paragraph_text, gold) and (not reports or hit.chunk.doc_id in reports)), None)
    return {
        "id": question["id"],
        "kind": question.get("kind", "unlabelled"),
        "question": question["question"],
        "answerable": answerable,
        "answered": answer.answered,
        "answer": answer.text,
        "citations": [{"n": c.n, "paragraph": c.paragraph, "quote": c.quote} for c in answer.citations],
        "first_gold_rank": rank,
        "answer_facts": list(question["answer_facts"]),
        "missing_facts": missing,
        "citation_gold": cited_gold,
        "cited_reports": sorted({c.doc_id for c in answer.citations}),
        "names_source": names_source(answer) if answer.answered else None,
        "latency_ms": round(answer.latency_ms, 1),
        "ok": (answer.answered and not missing and cited_gold) if answerable else not answer.answered,
    }


def _mean(values: Sequence[float]) -> float | None:
    """None when there is nothing to measure (e.g. retrieval over a kind of only unanswerable questions)."""
    return round(sum(values) / len(values), 4) if values else None


def _share(rows: Sequence[dict], passes: Callable[[dict], bool]) -> float | None:
    return _mean([float(passes(row)) for row in rows])


def _percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile: always a latency that was actually observed."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[max(math.ceil(p * len(ordered)) - 1, 0)], 4)


def _within(rank: int | None, k: int) -> bool:
    return rank is not None and rank <= k


def _quality(rows: Sequence[dict]) -> dict:
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    ranks = [r["first_gold_rank"] for r in answerable]
    return {
        "questions": len(rows),
        "retrieval": {
            **{f"hit@{k}": _mean([float(_within(rank, k)) for rank in ranks]) for k in HIT_RANKS},
            f"mrr@{MRR_DEPTH}": _mean([1 / rank if _within(rank, MRR_DEPTH) else 0.0 for rank in ranks]),
        },
        "answer": {
            "fact_accuracy": _share(answerable, lambda r: r["answered"] and not r["missing_facts"]),
            "citation_hit": _share(answerable, lambda r: r["citation_gold"]),
            "names_source": _share([r for r in rows if r["answered"] and r.get("names_source") is not None],
                                   lambda r: r["names_source"]),
        },
        "refusal": {
            "unanswerable_refused": _share(unanswerable, lambda r: not r["answered"]),
            "answerable_answered": _share(answerable, lambda r: r["answered"]),
        },
    }


def summarize(rows: Sequence[dict]) -> dict:
    """The metrics of scored rows, overall and per kind of question."""
    latencies = [r["latency_ms"] for r in rows]
    kinds = sorted({r["kind"] for r in rows})
    return {
        **_quality(rows),
        "latency_ms": {"p50": _percentile(latencies, 0.50), "p95": _percentile(latencies, 0.95)},
        "by_kind": {kind: _quality([r for r in rows if r["kind"] == kind]) for kind in kinds},
    }


# ---------------------------------------------------------------- running

def _ask_all(assistant: Asker, questions: Sequence[Mapping], label: str, progress: bool,
             one_report: bool = False) -> list[dict]:
    return [
        score(q, assistant.ask(q["question"], q.get("history"), scope=question_scope(q, one_report)))
        for q in tqdm(questions, desc=f"eval {label}", unit="q", disable=not progress)
    ]


def _write_outputs(out_dir: Path, metrics_by_label: Mapping[str, dict], rows_by_label: Mapping[str, list[dict]]) -> None:
    """metrics.json/results.jsonl for "ours", metrics_<label>.json/results_<label>.jsonl for others, the report."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for label, metrics in metrics_by_label.items():
        suffix = "" if label == "ours" else f"_{label}"
        (out_dir / f"metrics{suffix}.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=2) + "\n",
                                                      encoding="utf-8")
        lines = (json.dumps(row, ensure_ascii=False) + "\n" for row in rows_by_label[label])
        (out_dir / f"results{suffix}.jsonl").write_text("".join(lines), encoding="utf-8")
    write_report(out_dir, dict(metrics_by_label), dict(rows_by_label))


def run_eval(assistant: Asker, questions: Sequence[Mapping], out_dir: Path | None, label: str = "ours",
             progress: bool = True, one_report: bool = False) -> dict:
    """Ask every question, return the metrics and, with out_dir, write them with the rows and the report."""
    rows = _ask_all(assistant, questions, label, progress, one_report)
    metrics = summarize(rows)
    if out_dir is not None:
        _write_outputs(Path(out_dir), {label: metrics}, {label: rows})
    return metrics


def report_files(paths: Sequence[Path]) -> list[Path]:
    """Files, and the report files inside folders (TXT, DOCX, PDF, HTML), in name order."""
    from index.reading import SUPPORTED_SUFFIXES

    found: list[Path] = []
    for path in map(Path, paths):
        found += sorted(p for p in path.iterdir() if p.suffix.lower() in SUPPORTED_SUFFIXES) if path.is_dir() else [path]
    return found


def evaluate(questions_path: Path | str, out_dir: Path | None, retriever: Mode = "ours",
             settings: Settings | None = None, reports: Sequence[Path] = (), one_report: bool = False) -> dict[str, dict]:
    """Build our assistant and/or the naive baseline, run the questions through each, write out_dir.

    reports: files or folders to index beside the bundled sample, in a temporary index (the configured
    index is left alone); without them the configured index is evaluated as it is."""
    # Imported here so scoring and the unit tests do not pay for torch, Chroma and LangChain.
    from assistant.service import Assistant
    from eval.naive import indexed_reports, naive_assistant
    from index.embedding import CachedQueryEmbedder, make_embedder

    if retriever not in LABELS:
        raise ValueError(f"retriever must be one of {', '.join(LABELS)}, not {retriever!r}")
    questions = load_questions(questions_path)
    settings = settings or Settings()
    # One model in memory for both, but a query cache each: the second run must not get the
    # first run's query embeddings for free, or its latencies would not compare.
    model = make_embedder(settings.embedding_model, settings.embedding_backend, settings.embedding_batch_size,
                          settings.model_cache_dir)
    with tempfile.TemporaryDirectory(prefix="govqa-eval-") as work:
        if reports:
            settings = settings.model_copy(update={"index_dir": Path(work) / "index", "chroma_host": None})
        ours = Assistant(settings, embedder=CachedQueryEmbedder(model))
        ours.ensure_index()  # the baseline needs it too: the shared answerer reads the catalog and BM25 terms
        if reports:
            ours.ingest(report_files(reports))
        builders: dict[str, Callable[[], Assistant]] = {
            "ours": lambda: ours,
            "naive": lambda: naive_assistant(settings, CachedQueryEmbedder(model), indexed_reports(ours),
                                             Path(work) / "naive"),
        }
        rows = {label: _ask_all(builders[label](), questions, label, True, one_report) for label in LABELS[retriever]}
    metrics = {label: summarize(label_rows) for label, label_rows in rows.items()}
    if out_dir is not None:
        _write_outputs(Path(out_dir), metrics, rows)
    return metrics


def format_table(columns: Mapping[str, Mapping]) -> str:
    """The summary metrics as a plain-text table, one column per label."""
    table = Table(title="GovQA evaluation")
    table.add_column("metric")
    for label in columns:
        table.add_column(label, justify="right")
    for path in SUMMARY_METRICS:
        table.add_row(path, *(format_value(path, metric(m, path)) for m in columns.values()))
    console = Console(file=io.StringIO(), width=120, color_system=None)  # no colour codes: it goes to logs too
    console.print(table)
    return console.file.getvalue()

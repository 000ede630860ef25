"""Answer quality per document layout: the real provincial DOCX reports as DOCX, PDF, web page and GBK TXT.

    python -m eval.layouts [--reports anhui-2025,hebei-2025] [--layouts docx,pdf,html,txt] \
        [--questions eval/questions/real-dev.jsonl] [--work var/layouts]

For every DOCX in eval/corpus/real that has questions (gold_report = its file stem), each layout's file is
built (eval/variants.py, cached under --work), all of a layout's files are ingested into one index
(--work/index/LAYOUT, kept: a second run embeds nothing), and the reports' questions are asked with
their gold report alone in scope (`govqa eval --one-report-at-a-time`). Printed per layout: questions,
hit@1, fact accuracy, citation hit, unanswerable refused, list-kind fact, and the text check
(eval/recovery.py): DOCX lines read back whole, web-page chrome lines leaked; then fact accuracy per
kind. Results (metrics, rows, report) go to --work/out/LAYOUT, the figures to --work/layouts.json.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from assistant.settings import PROJECT_ROOT, Settings
from eval.harness import load_questions, run_eval
from eval.page_chrome import chrome_lines
from eval.recovery import Recovery, recovery, total
from eval.variants import LAYOUTS, build
from index.errors import ReportError
from index.reading import read_report_lines

CORPUS = PROJECT_ROOT / "eval" / "corpus" / "real"
QUESTIONS = PROJECT_ROOT / "eval" / "questions" / "real-dev.jsonl"
COLUMNS = ("n", "hit@1", "fact", "citation", "refused", "list fact", "lines read", "chrome leaked")


class MemoEmbedder:
    """Every text embedded once per run: the layouts share most paragraphs, so only the first layout pays."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self._vectors: dict[str, list[float]] = {}

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if missing:
            self._vectors.update(zip(missing, self.inner.embed(missing)))
        return [self._vectors[t] for t in texts]


def docx_reports(questions: Sequence[Mapping], chosen: Sequence[str] = ()) -> list[Path]:
    """The corpus DOCX files that questions are about (their gold report), limited to `chosen` stems if given."""
    stems = {q["gold_report"] for q in questions if q.get("gold_report")}
    unknown = set(chosen) - {p.stem for p in CORPUS.glob("*.docx")}
    if unknown:
        raise SystemExit(f"no such DOCX report in {CORPUS}: {', '.join(sorted(unknown))}")
    return sorted(p for p in CORPUS.glob("*.docx") if p.stem in stems and (not chosen or p.stem in chosen))


def text_check(layout: str, sources: Sequence[Path], files: Sequence[Path]) -> Recovery:
    parts = []
    for source, file in zip(sources, files):
        chrome = chrome_lines(file.read_text(encoding="utf-8")) if layout == "html" else ()
        try:
            read = read_report_lines(file)
        except ReportError:
            read = []
        parts.append(recovery(read_report_lines(source), read, chrome))
    return total(parts)


def run_layout(layout: str, sources: Sequence[Path], questions: Sequence[Mapping], work: Path, embedder) -> dict:
    """Build, ingest and ask one layout; its metrics with the text check."""
    from assistant.service import Assistant

    files = build(layout, sources, work)
    assistant = Assistant(Settings(index_dir=work / "index" / layout, chroma_host=None), embedder=embedder)
    assistant.ensure_index()
    errors: list[tuple[Path, Exception]] = []
    assistant.ingest(files, errors=errors)
    for path, exc in errors:
        print(f"{layout}: {path.name} not ingested: {exc}")
    metrics = run_eval(assistant, questions, work / "out" / layout, label=layout, one_report=True)
    check = text_check(layout, sources, files)
    return {**metrics, "text": {"lines_read": round(check.recovered_share, 4),
                                "chrome_leaked": None if check.leaked_share is None else round(check.leaked_share, 4),
                                "not_ingested": [p.name for p, _ in errors]}}


def row(metrics: Mapping) -> list[str]:
    def f(value: float | None) -> str:
        return "—" if value is None else f"{value:.3f}"

    listed = metrics["by_kind"].get("list", {}).get("answer", {}).get("fact_accuracy")
    return [str(metrics["questions"]), f(metrics["retrieval"]["hit@1"]), f(metrics["answer"]["fact_accuracy"]),
            f(metrics["answer"]["citation_hit"]), f(metrics["refusal"]["unanswerable_refused"]), f(listed),
            f(metrics["text"]["lines_read"]), f(metrics["text"]["chrome_leaked"])]


def format_tables(figures: Mapping[str, Mapping]) -> str:
    """The headline table per layout, then fact accuracy per kind of question."""
    lines = ["| layout | " + " | ".join(COLUMNS) + " |", "|---" * (len(COLUMNS) + 1) + "|"]
    lines += [f"| {layout} | " + " | ".join(row(m)) + " |" for layout, m in figures.items()]
    kinds = sorted({kind for m in figures.values() for kind in m["by_kind"]})
    lines += ["", "fact accuracy by kind (n)", "| kind | " + " | ".join(figures) + " |", "|---" * (len(figures) + 1) + "|"]
    for kind in kinds:
        cells = []
        for m in figures.values():
            k = m["by_kind"].get(kind)
            fact = k and k["answer"]["fact_accuracy"]
            cells.append("—" if fact is None else f"{fact:.3f} ({k['questions']})")
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", default="", help="comma-separated report ids (file stems); default: all")
    parser.add_argument("--layouts", default=",".join(LAYOUTS), help=f"comma-separated, of {', '.join(LAYOUTS)}")
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--work", type=Path, default=PROJECT_ROOT / "var" / "layouts")
    args = parser.parse_args(argv)
    layouts = [name for name in args.layouts.split(",") if name]
    if unknown := set(layouts) - set(LAYOUTS):
        raise SystemExit(f"unknown layout(s): {', '.join(sorted(unknown))}")

    from index.embedding import make_embedder

    every = load_questions(args.questions)
    sources = docx_reports(every, [r for r in args.reports.split(",") if r])
    questions = [q for q in every if q.get("gold_report") in {p.stem for p in sources}]
    settings = Settings()
    embedder = MemoEmbedder(make_embedder(settings.embedding_model, settings.embedding_backend,
                                          settings.embedding_batch_size, settings.model_cache_dir))
    figures = {layout: run_layout(layout, sources, questions, args.work, embedder) for layout in layouts}
    args.work.mkdir(parents=True, exist_ok=True)
    (args.work / "layouts.json").write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"{len(sources)} reports, {len(questions)} questions, each with its gold report alone in scope")
    print(format_tables(figures))


if __name__ == "__main__":
    main()

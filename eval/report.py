"""The evaluation report: report.md and a self-contained report.html (inline SVG chart, no external assets).

Tables are built once as data and rendered to both formats; every cell is HTML-escaped, in the
Markdown too, since Markdown viewers render raw HTML.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from eval.gate import GATE, metric

SUMMARY_METRICS = (
    "questions",
    "retrieval.hit@1", "retrieval.hit@3", "retrieval.hit@5", "retrieval.mrr@10",
    "answer.fact_accuracy", "answer.citation_hit", "answer.names_source",
    "refusal.unanswerable_refused", "refusal.answerable_answered",
    "latency_ms.p50", "latency_ms.p95",
)
RATE_METRICS = tuple(p for p in SUMMARY_METRICS if p.split(".")[0] in ("retrieval", "answer", "refusal"))  # 0..1
EXCERPT_CHARS = 120
BAR_COLOURS = ("#2b6cb0", "#dd6b20", "#38a169", "#805ad5")
TITLE = "GovQA evaluation"


@dataclass(frozen=True)
class Table:
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def format_value(path: str, value: float | int | None) -> str:
    if value is None:
        return "–"  # undefined: nothing of that sort among the questions
    if isinstance(value, int):
        return str(value)
    return f"{value:.0f}" if path.startswith("latency_ms") else f"{value:.3f}"


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT_CHARS else flat[: EXCERPT_CHARS - 1] + "…"


# ---------------------------------------------------------------- tables as data

def _summary_table(metrics_by_label: Mapping[str, dict]) -> Table:
    rows = tuple(
        (path, *(format_value(path, metric(m, path)) for m in metrics_by_label.values()),
         f"≥ {GATE[path]}" if path in GATE else "")
        for path in SUMMARY_METRICS
    )
    return Table("Metrics", ("metric", *metrics_by_label, "gate"), rows)


def _kind_table(label: str, metrics: dict) -> Table:
    rows = tuple(
        (kind, str(m["questions"]), *(format_value(path, metric(m, path)) for path in RATE_METRICS))
        for kind, m in metrics["by_kind"].items()
    )
    return Table(f"By kind — {label}", ("kind", "questions", *RATE_METRICS), rows)


def _failure_table(label: str, results: Sequence[dict]) -> Table:
    rows = tuple(
        (r["id"], r["kind"], r["question"], "、".join(r["answer_facts"]) or "(refusal)",
         "、".join(r["missing_facts"]), _excerpt(r["answer"]))
        for r in results if not r["ok"]
    )
    header = ("id", "kind", "question", "expected facts", "missing", "answer excerpt")
    return Table(f"Failures — {label} ({len(rows)} of {len(results)})", header, rows)


def _tables(metrics_by_label: Mapping[str, dict], results_by_label: Mapping[str, list[dict]]) -> list[Table]:
    return [
        _summary_table(metrics_by_label),
        *(_kind_table(label, m) for label, m in metrics_by_label.items()),
        *(_failure_table(label, results_by_label[label]) for label in metrics_by_label),
    ]


# ---------------------------------------------------------------- Markdown

def _md_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(html.escape(" ".join(c.split()), quote=False).replace("|", "\\|") for c in cells) + " |"


def _markdown(tables: Sequence[Table]) -> str:
    lines = [f"# {TITLE}", ""]
    for table in tables:
        lines += [f"## {html.escape(table.title, quote=False)}", ""]
        if table.rows:
            lines += [_md_row(table.header), _md_row(["---"] * len(table.header)), *map(_md_row, table.rows)]
        else:
            lines.append("None.")
        lines.append("")
    return "\n".join(lines)


# ---------------------------------------------------------------- HTML

def _svg_chart(metrics_by_label: Mapping[str, dict]) -> str:
    """Horizontal bars: one group per metric, one bar per label, scale 0..1."""
    left, scale, bar, gap = 200, 420, 14, 12
    labels = list(metrics_by_label)
    group = bar * len(labels) + gap
    legend = 24
    height = legend + group * len(RATE_METRICS)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + scale + 70}" height="{height}" '
        f'role="img" aria-label="main metrics by label" font-size="12" font-family="sans-serif">'
    ]
    for i, label in enumerate(labels):
        x = left + i * 120
        parts.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{BAR_COLOURS[i % len(BAR_COLOURS)]}"/>'
                     f'<text x="{x + 16}" y="14">{html.escape(label)}</text>')
    for row, path in enumerate(RATE_METRICS):
        top = legend + row * group
        parts.append(f'<text x="{left - 8}" y="{top + group / 2}" text-anchor="end">{html.escape(path)}</text>')
        for i, m in enumerate(metrics_by_label.values()):
            value = metric(m, path)
            y = top + i * bar
            width = round((value or 0.0) * scale, 1)
            parts.append(f'<rect x="{left}" y="{y}" width="{width}" height="{bar - 2}" '
                         f'fill="{BAR_COLOURS[i % len(BAR_COLOURS)]}"/>'
                         f'<text x="{left + width + 4}" y="{y + bar - 4}">{format_value(path, value)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _html_table(table: Table) -> str:
    if not table.rows:
        return f"<h2>{html.escape(table.title)}</h2><p>None.</p>"
    head = "".join(f"<th>{html.escape(c)}</th>" for c in table.header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in table.rows)
    return f"<h2>{html.escape(table.title)}</h2><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


_STYLE = """
body{font-family:sans-serif;margin:2em;color:#1a202c}
table{border-collapse:collapse;margin-bottom:2em}
th,td{border:1px solid #cbd5e0;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#edf2f7}
"""


def _html(metrics_by_label: Mapping[str, dict], tables: Sequence[Table]) -> str:
    return (
        f'<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><title>{TITLE}</title>'
        f"<style>{_STYLE}</style></head><body><h1>{TITLE}</h1>"
        f"{_svg_chart(metrics_by_label)}{''.join(map(_html_table, tables))}</body></html>\n"
    )


def write_report(out_dir: Path, metrics_by_label: dict[str, dict], results_by_label: dict[str, list[dict]]) -> None:
    """report.md and report.html in out_dir: metrics side by side, per kind, and every failed question."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tables = _tables(metrics_by_label, results_by_label)
    (out_dir / "report.md").write_text(_markdown(tables), encoding="utf-8")
    (out_dir / "report.html").write_text(_html(metrics_by_label, tables), encoding="utf-8")

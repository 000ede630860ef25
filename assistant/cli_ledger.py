"""`govqa commitments` and `govqa figures`: the ledger on the command line (table, CSV or JSON).

Registered on the main app by register(app). The row builders (commitment_rows, figure_rows, to_csv)
are shared with anything else that lists the ledger, e.g. a UI table with a CSV download.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from assistant.ledger import Achievement, Commitment, Ledger
from assistant.ledger_link import STATUSES
from assistant.settings import Settings
from index.catalog import Catalog
from index.textnorm import normalize

_WIDE = 200  # a table printed to a pipe or a test runner is not squeezed to 80 columns


class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


def open_ledger(settings: Settings | None = None) -> Ledger:
    """The ledger next to the catalog, brought up to date with it (the model loads only if linking needs it)."""
    # Imported here: register() runs whenever `govqa` starts, and index.embedding pulls in LangChain.
    from index.embedding import SentenceTransformerEmbedder

    settings = settings or Settings()
    index_dir = Path(settings.index_dir)
    embedder = SentenceTransformerEmbedder(settings.embedding_model, settings.embedding_batch_size)
    ledger = Ledger(index_dir / "ledger.sqlite3", embedder=embedder)
    ledger.sync(Catalog(index_dir / "catalog.sqlite3"))
    return ledger


def commitment_rows(commitments: Sequence[Commitment]) -> list[dict]:
    return [
        {
            "year": c.year, "commitment": c.summary, "action": c.action, "item": c.item, "place": c.place,
            "target": c.target, "value": c.value, "value_high": c.high, "at_least": c.at_least, "unit": c.unit,
            "strength": c.strength, "status": c.link.status, "reason": c.link.reason, "achieved": c.link.achieved,
            "match": c.link.scores, "doc_id": c.source.doc_id, "paragraph": c.source.paragraph,
            "section": c.source.breadcrumb, "sentence": c.source.sentence,
            "review_doc_id": c.link.evidence.doc_id if c.link.evidence else None,
            "review_paragraph": c.link.evidence.paragraph if c.link.evidence else None,
            "review_sentence": c.link.evidence.sentence if c.link.evidence else None,
        }
        for c in commitments
    ]


def figure_rows(figures: Sequence[Achievement]) -> list[dict]:
    """One row per reported figure, each metric's years together (a time series)."""
    return [
        {
            "metric": a.metric, "year": a.year, "figure": a.figure, "value": a.value, "unit": a.unit,
            "change_pct": a.change, "doc_id": a.source.doc_id, "paragraph": a.source.paragraph,
            "section": a.source.breadcrumb, "sentence": a.source.sentence,
        }
        for a in _as_series(figures)
    ]


def _as_series(figures: Sequence[Achievement]) -> list[Achievement]:
    """Group by metric (first appearance first), years in order within a metric."""
    order: dict[str, int] = {}
    for a in figures:
        order.setdefault(normalize(a.metric), len(order))
    return sorted(figures, key=lambda a: (order[normalize(a.metric)], a.year))


def to_csv(rows: Sequence[dict]) -> str:
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return out.getvalue()


def _print(rows: list[dict], fmt: Format, columns: dict[str, str]) -> None:
    if fmt is Format.json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt is Format.csv:
        typer.echo(to_csv(rows), nl=False)
    else:
        table = Table(*columns.values(), show_lines=False)
        for row in rows:
            table.add_row(*("" if row[key] is None else str(row[key]) for key in columns))
        console = Console()
        if not console.is_terminal:
            console = Console(width=_WIDE)
        console.print(table)
        console.print(f"共 {len(rows)} 条")


def commitments(
    year: Annotated[Optional[int], typer.Option("--year", help="目标年份")] = None,
    report: Annotated[Optional[str], typer.Option("--report", help="报告 doc_id")] = None,
    status: Annotated[Optional[str], typer.Option("--status", help="、".join(STATUSES))] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table、csv 或 json")] = Format.table,
) -> None:
    """承诺台账：各报告的目标任务、数量目标、措辞强度，以及后续报告回顾中的落实情况。"""
    if status is not None and status not in STATUSES:
        typer.echo(f"错误：状态应为 {'、'.join(STATUSES)} 之一", err=True)
        raise typer.Exit(1)
    rows = commitment_rows(open_ledger().commitments(year=year, doc_id=report, status=status))
    _print(rows, fmt, {"year": "年份", "commitment": "承诺", "strength": "措辞", "status": "状态",
                       "reason": "依据", "doc_id": "报告", "paragraph": "段", "review_doc_id": "回顾报告",
                       "review_paragraph": "回顾段"})


def figures(
    metric: Annotated[Optional[str], typer.Option("--metric", help="指标名称中的文字，如 地区生产总值")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table、csv 或 json")] = Format.table,
) -> None:
    """各年回顾中报告的数字（指标、数值、同比），多年导入时按指标排成时间序列。"""
    rows = figure_rows(open_ledger().figures(metric=metric))
    _print(rows, fmt, {"metric": "指标", "year": "年份", "figure": "数值", "change_pct": "同比%",
                       "doc_id": "报告", "paragraph": "段"})


def register(app: typer.Typer) -> None:
    app.command("commitments")(commitments)
    app.command("figures")(figures)

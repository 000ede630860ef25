"""`govqa commitments` and `govqa figures`: the ledger on the command line (table, CSV or JSON).

Registered on the main app by register(app); the rows come from assistant.ledger.rows, as the UI's do.
`commitments --summary` counts them per government and year (assistant.ledger.summary); `--html FILE`
writes those counts, their chart and the rows as one page (assistant.ledger.html_report), as the tab does.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from assistant.ledger import html_report
from assistant.ledger.link import STATUSES
from assistant.ledger.rows import COMMITMENT_HEADERS, FIGURE_HEADERS, cell, commitment_rows, figure_rows, to_csv
from assistant.ledger.summary import SUMMARY_HEADERS, summarize, summary_rows
from assistant.settings import Settings

_WIDE = 200  # a table printed to a pipe or a test runner is not squeezed to 80 columns


class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


def _ledger():
    # Imported here: register() runs whenever `govqa` starts, and the service pulls in the models' libraries.
    from assistant.service import open_ledger

    return open_ledger(Settings())


def _print(rows: list[dict], fmt: Format, headers: dict[str, str], shown: Sequence[str]) -> None:
    """JSON with the rows' own keys; CSV with every column under its Chinese header; a table of `shown`."""
    if fmt is Format.json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt is Format.csv:
        typer.echo(to_csv(rows, headers), nl=False)
    else:
        table = Table(*(headers[key] for key in shown), show_lines=False)
        for row in rows:
            table.add_row(*(cell(row[key]) for key in shown))
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
    summary: Annotated[bool, typer.Option("--summary", help="按政府和年份统计各状态的承诺数")] = False,
    html: Annotated[Optional[Path], typer.Option("--html", help="另存为网页（统计图、统计表和承诺明细）",
                                                 dir_okay=False)] = None,
) -> None:
    """承诺台账：各报告的目标任务、数量目标、措辞强度，以及后续报告回顾中的落实情况。"""
    if status is not None and status not in STATUSES:
        typer.echo(f"错误：状态应为 {'、'.join(STATUSES)} 之一", err=True)
        raise typer.Exit(1)
    ledger = _ledger()
    found, titles = ledger.commitments(year=year, doc_id=report, status=status), ledger.titles()
    counts = summarize(found, ledger.governments())
    if html is not None:
        scope = html_report.scope_of(f"{year}年" if year else "", titles.get(report, report or ""), status or "")
        html.write_text(html_report.page(counts, found, titles, scope), encoding="utf-8")
        typer.echo(f"已写入 {html}：{len(found)} 项承诺，{len(counts)} 个政府年份", err=True)
    if summary:
        _print(summary_rows(counts), fmt, SUMMARY_HEADERS, tuple(SUMMARY_HEADERS))
    elif html is None:
        _print(commitment_rows(found, titles), fmt, COMMITMENT_HEADERS,
               ("year", "commitment", "strength", "status", "reason", "doc_id", "paragraph", "review_doc_id",
                "review_paragraph"))


def figures(
    metric: Annotated[Optional[str], typer.Option("--metric", help="指标名称中的文字，如 地区生产总值")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table、csv 或 json")] = Format.table,
) -> None:
    """各年回顾中报告的数字（指标、数值、同比），多年导入时按指标排成时间序列。"""
    ledger = _ledger()
    rows = figure_rows(ledger.figures(metric=metric), ledger.titles())
    _print(rows, fmt, FIGURE_HEADERS, ("metric", "year", "figure", "change_pct", "doc_id", "paragraph"))


def register(app: typer.Typer) -> None:
    app.command("commitments")(commitments)
    app.command("figures")(figures)

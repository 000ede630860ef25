"""The ledger as rows (commitments, reported figures) and CSV: what the CLI prints and the UI lists.

Row keys are English (the CLI's JSON); a CSV has Chinese headers (HEADERS), 是/否 for yes and no, and
reports named by their titles. Residents' CSVs leave out the report ids (RESIDENT_* columns).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence

from assistant.ledger.store import Achievement, Commitment
from index.textnorm import normalize

COMMITMENT_HEADERS = {
    "year": "年份", "commitment": "承诺", "action": "动作", "item": "事项", "place": "地点", "target": "目标",
    "value": "目标数值", "value_high": "目标上限", "at_least": "不低于目标", "unit": "单位", "strength": "措辞",
    "status": "状态", "reason": "判断依据", "achieved": "回顾数值", "match": "匹配度", "report": "报告",
    "paragraph": "段", "section": "章节", "sentence": "原句", "review_report": "回顾报告", "review_paragraph": "回顾段",
    "review_sentence": "回顾原句", "doc_id": "报告编号", "review_doc_id": "回顾报告编号",
}
# 数值 is the figure as written (58億元); 换算值 and 换算单位 are it in base units (5800000000, 元), for sums.
FIGURE_HEADERS = {
    "metric": "指标", "year": "年份", "figure": "数值", "value": "换算值", "unit": "换算单位", "change_pct": "同比%",
    "report": "报告", "paragraph": "段", "section": "章节", "sentence": "原句", "doc_id": "报告编号",
}
_IDS = ("doc_id", "review_doc_id")
RESIDENT_COMMITMENT_HEADERS = {k: v for k, v in COMMITMENT_HEADERS.items() if k not in _IDS}
RESIDENT_FIGURE_HEADERS = {k: v for k, v in FIGURE_HEADERS.items() if k not in _IDS}
YES, NO = "是", "否"


def commitment_rows(commitments: Sequence[Commitment], titles: Mapping[str, str] | None = None) -> list[dict]:
    """titles: doc_id → report title (Ledger.titles()), for the 报告 columns."""
    titles = titles or {}
    rows = []
    for c in commitments:
        e = c.link.evidence
        rows.append({
            "year": c.year, "commitment": c.summary, "action": c.action, "item": c.item, "place": c.place,
            "target": c.target, "value": c.value, "value_high": c.high, "at_least": c.at_least, "unit": c.unit,
            "strength": c.strength, "status": c.link.status, "reason": c.link.reason, "achieved": c.link.achieved,
            "match": c.link.scores, "report": titles.get(c.source.doc_id, ""), "paragraph": c.source.paragraph,
            "section": c.source.breadcrumb, "sentence": c.source.sentence,
            "review_report": titles.get(e.doc_id, "") if e else None, "review_paragraph": e.paragraph if e else None,
            "review_sentence": e.sentence if e else None,
            "doc_id": c.source.doc_id, "review_doc_id": e.doc_id if e else None,
        })
    return rows


def figure_rows(figures: Sequence[Achievement], titles: Mapping[str, str] | None = None) -> list[dict]:
    """One row per reported figure, each metric's years together (a time series)."""
    titles = titles or {}
    return [
        {
            "metric": a.metric, "year": a.year, "figure": a.figure, "value": a.value, "unit": a.unit,
            "change_pct": a.change, "report": titles.get(a.source.doc_id, ""), "paragraph": a.source.paragraph,
            "section": a.source.breadcrumb, "sentence": a.source.sentence, "doc_id": a.source.doc_id,
        }
        for a in _as_series(figures)
    ]


def _as_series(figures: Sequence[Achievement]) -> list[Achievement]:
    """Group by metric (first appearance first), years in order within a metric."""
    keys: dict[str, str] = {}  # metric → normalize(metric): 1,000 reports hold 56,000 figures of far fewer metrics
    order: dict[str, int] = {}
    for a in figures:
        if a.metric not in keys:
            keys[a.metric] = normalize(a.metric)
        order.setdefault(keys[a.metric], len(order))
    return sorted(figures, key=lambda a: (order[keys[a.metric]], a.year))


def cell(value: object, convert: Callable[[str], str] = str) -> str:
    """A value as a CSV or table cell: 是/否, whole numbers without ".0", nothing for None."""
    if isinstance(value, str):  # most cells: tested first, a CSV of 31,000 commitments has 700,000 of them
        return convert(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def to_csv(rows: Sequence[dict], headers: Mapping[str, str], convert: Callable[[str], str] = str) -> str:
    """The rows' `headers` columns under their Chinese names; `convert` is applied to every text cell."""
    out = io.StringIO()
    if rows:
        writer = csv.writer(out)
        writer.writerow(headers.values())
        writer.writerows([cell(row[key], convert) for key in headers] for row in rows)
    return out.getvalue()

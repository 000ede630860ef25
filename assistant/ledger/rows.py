"""The ledger as rows (commitments, reported figures) and CSV: what the CLI prints and the UI lists."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from assistant.ledger.store import Achievement, Commitment
from index.textnorm import normalize


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

"""Commitments counted per government and year by status: what `govqa commitments --summary`, the
承诺台账 tab's chart and the HTML export show, so a year reads at a glance.

The one place for the statuses' order (assistant.ledger.link.STATUSES) and their colours: a light badge
with dark text, and a dark chart bar with white text, each pair at WCAG AA contrast (≥ 4.5:1).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from assistant.ledger.extract import PENDING, Commitment
from assistant.ledger.link import MET, MISSED, PARTLY, STATUSES, UNMENTIONED

UNKNOWN_GOVERNMENT = "未注明政府"  # a report whose issuer neither its title nor its header names


@dataclass(frozen=True)
class StatusStyle:
    key: str  # JSON key and CSS class suffix: met → status-met
    light: str  # badge background
    dark: str  # badge text, and the chart bar under white numbers


STYLES = {
    MET: StatusStyle("met", "#dcfce7", "#166534"),
    PARTLY: StatusStyle("partly", "#fef3c7", "#92400e"),
    MISSED: StatusStyle("missed", "#fee2e2", "#991b1b"),
    UNMENTIONED: StatusStyle("unmentioned", "#f3f4f6", "#4b5563"),
    PENDING: StatusStyle("pending", "#dbeafe", "#1e40af"),
}


def style(status: str) -> StatusStyle:
    """A status's colours; an unknown one (a newer ledger's) looks like 未提及."""
    return STYLES.get(status, STYLES[UNMENTIONED])


@dataclass(frozen=True)
class YearSummary:
    """One government's commitments due in one year, counted by status (in STATUSES order)."""

    government: str
    year: int
    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)

    def count(self, status: str) -> int:
        return self.counts[STATUSES.index(status)]

    def by_status(self) -> list[tuple[str, int]]:
        return list(zip(STATUSES, self.counts))


def summarize(commitments: Sequence[Commitment], governments: Mapping[str, str]) -> list[YearSummary]:
    """governments: doc_id → issuer (Ledger.governments()). Ordered by government, then year."""
    counted: dict[tuple[str, int], Counter] = {}
    for c in commitments:
        government = governments.get(c.source.doc_id) or UNKNOWN_GOVERNMENT
        counted.setdefault((government, c.year), Counter())[c.link.status] += 1
    return [YearSummary(government, year, tuple(counts[s] for s in STATUSES))
            for (government, year), counts in sorted(counted.items())]


def total(summaries: Sequence[YearSummary]) -> tuple[int, ...]:
    """Every row's counts added up, per status."""
    return tuple(sum(column) for column in zip(*(s.counts for s in summaries))) or (0,) * len(STATUSES)


SUMMARY_HEADERS = {"government": "政府", "year": "年份", **{STYLES[s].key: s for s in STATUSES}, "total": "合计"}


def summary_rows(summaries: Sequence[YearSummary]) -> list[dict]:
    """Rows with English keys (the CLI's JSON) under SUMMARY_HEADERS' Chinese names (its table and CSV)."""
    return [{"government": s.government, "year": s.year, **{STYLES[status].key: n for status, n in s.by_status()},
             "total": s.total} for s in summaries]

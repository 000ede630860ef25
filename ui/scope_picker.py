"""Which reports residents ask about: all of them, or a government, a year, one report — chosen above the
question box, shown as one line there, and carried with every question (assistant.answer.scope.Scope).

The choices are built from the indexed reports' identities (index.identity): residents see governments,
years and report titles, never report ids. Choosing a government narrows the years and reports offered.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answer.scope import Scope, matches_place
from index.records import Report
from ui.render import shown

ALL = ""  # the value of 全部 in every selector


@dataclass(frozen=True)
class ScopeChoices:
    governments: list[tuple[str, str]]
    years: list[tuple[str, str]]
    reports: list[tuple[str, str]]


def report_label(report: Report, duplicates: Counter) -> str:
    """A report as residents see it: its title; the file name only tells apart reports of one title."""
    title = shown(report.title)
    return f"{title}（{shown(report.source)}）" if duplicates[report.title] > 1 else title


def report_choices(reports: Sequence[Report]) -> list[tuple[str, str]]:
    titles = Counter(r.title for r in reports)
    return [(report_label(r, titles), r.doc_id) for r in reports]


def _government(report: Report) -> str:
    return report.identity.place


def choices(reports: Sequence[Report], government: str = ALL, year: str = ALL) -> ScopeChoices:
    """Governments (each with its report count), the years among the chosen government's reports, and the
    reports of the chosen government and year."""
    counts = Counter(_government(r) for r in reports if _government(r))
    governments = [("全部政府", ALL)] + [(f"{shown(g)}（{n} 份）", g) for g, n in sorted(counts.items())]
    chosen = [r for r in reports if not government or matches_place(r.identity, government)]
    years = sorted({r.identity.year for r in chosen if r.identity.year}, reverse=True)
    in_year = [r for r in chosen if not year or r.identity.year == int(year)]
    return ScopeChoices(governments, [("全部年份", ALL)] + [(f"{y}年", str(y)) for y in years],
                        [("全部报告", ALL)] + report_choices(in_year))


def describe(scope: Scope, reports: Sequence[Report]) -> str:
    """One line: what a question asked now will be searched in."""
    if scope.report:
        chosen = next((r for r in reports if r.doc_id == scope.report), None)
        return f"《{shown(chosen.title)}》" if chosen else "所选报告已不在索引中"
    parts = [p for p in (shown(scope.place or ""), f"{scope.year}年" if scope.year else "") if p]
    if parts:
        return " · ".join(parts)
    governments = {r.identity.place or r.doc_id for r in reports}
    return f"全部已索引报告（{len(reports)} 份，{len(governments)} 个政府）"

"""Which reports a question is about: the government it names (or the scope chosen), and the year and role
(achieved vs target) it asks for.

- A place named in the question (安徽 / 安徽省 / 内蒙古 / 海拉尔 / 坎墩街道) that is an indexed government
  scopes the search to that government's reports; the most specific wins (海拉尔区 over 内蒙古自治区).
- A place that is a real division (index.places) but no indexed government is refused honestly.
- A year picks, among that government's reports, the one that reviews it (achieved: a 2025 report's
  review of 2024) or plans it (a target: the 2024 report), by the words of the question.
- 去年/今年 are read in the frame of the government in scope (its newest report's year), else today's date.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.answer.intent import TARGET_ASKED
from assistant.answer.question import resolve_time_words
from index.identity import Identity
from index.lexicon import table
from index.places import NATIONAL, gazetteer
from index.records import Report
from index.textnorm import YEAR, normalize

# "2013年的政府工作报告" asks about the report given that year, not the year it reviews.
_REPORT_OF_YEAR = r"{year}年(?:的|度)?(?:[\u4e00-\u9fff]{{0,6}})?(?:政府)?工作报告"
# A named division refused as "not indexed" must be named unambiguously: its full name, or the
# short name of a province or city (海拉尔 alone is only trusted for an indexed government).
_TRUSTED_SHORT_LEVELS = ("省", "市")
# Characters after a place that, found with it in the reports, make it part of a name they use.
NAME_CONTINUATION = 2


@dataclass(frozen=True)
class Scope:
    """What the user chose to ask about (CLI --report/--place/--year, the chat's selector); None = any."""

    report: str | None = None
    place: str | None = None
    year: int | None = None

    @property
    def empty(self) -> bool:
        return not (self.report or self.place or self.year)


@dataclass(frozen=True)
class Routing:
    doc_ids: tuple[str, ...]  # the reports to search (never empty unless refused)
    plan_year: int | None  # 今年 for this question
    one_government: bool  # all of doc_ids are one government's reports
    refusal: str = ""  # why no indexed report can answer (a place or year nobody reported on)
    named: tuple[str, ...] = ()  # how the question named the government(s) it scoped to (安徽省, 海拉尔)
    fallback: tuple[str, ...] = ()  # the year's other report (plan vs review), tried when doc_ids cannot answer


def government_key(identity: Identity, doc_id: str) -> str:
    """Reports of one government share this key; a report without a known place is its own government."""
    return identity.place or f"doc:{doc_id}"


def matches_place(identity: Identity, name: str) -> bool:
    name = normalize(name)
    return bool(name) and any(n and (n == name or n in name) for n in (identity.place, *identity.aliases))


def route(question: str, scope: Scope, reports: Sequence[Report], today: datetime.date | None = None,
          context: Sequence[str] = (), corpus_uses: Callable[[str], bool] = lambda _: False) -> Routing:
    """question: as typed (normalised here). reports: every indexed report. context: the user's earlier
    turns, newest first: a follow-up ("那今年的目标呢？") keeps the government the conversation was about.
    corpus_uses: whether the indexed text contains a (normalised) string — a place inside a name the reports
    use (宁波股交所, 浙江省“新时代…”站) is not a government asked about."""
    text = normalize(question)
    chosen = _chosen(scope, reports)
    if not chosen:
        return Routing((), None, False, "所选范围内没有已导入的报告。")
    named, spelled = _named_governments(text, chosen)
    if len({government_key(r.identity, r.doc_id) for r in reports}) == 1:
        spelled = ()  # one government indexed: its name narrows nothing, and it is part of what is asked
    for earlier in context if not named else ():
        if named := _named_governments(normalize(earlier), chosen)[0]:
            break
    if not named and scope.report is None and scope.place is None:
        for said in (text, *map(normalize, context)):
            if own := _own_level(said, chosen):
                chosen = own  # 我们街道 / 全省: the indexed governments of that level
                break
    if named:
        chosen = named
    elif scope.report is None and scope.place is None:
        if refusal := _unindexed_place(text, chosen, corpus_uses):
            return Routing((), None, False, refusal)
    governments = {government_key(r.identity, r.doc_id) for r in chosen}
    one = len(governments) == 1
    newest = max((r.identity.year or (r.years[-1] if r.years else 0) for r in chosen), default=0) or None
    plan_year = newest if one else (today or datetime.date.today()).year
    years = [int(y) for y in YEAR.findall(resolve_time_words(text, plan_year))]
    fallback: list[Report] = []
    if years and (by_year := _for_year(text, years[0], chosen)):
        chosen, fallback = by_year
    return Routing(tuple(r.doc_id for r in chosen), plan_year, one, named=spelled,
                   fallback=tuple(r.doc_id for r in fallback))


def _levels_named(text: str) -> list[str]:
    return [level for level, words in table("own_government.tsv").items() if any(w in text for w in words)]


def _own_level(text: str, reports: Sequence[Report]) -> list[Report]:
    """The reports of the governments at the level a question calls its own (我们街道去年经济怎么样？), when it
    names one level and some indexed government is at it; else none (no narrowing)."""
    levels = _levels_named(text)
    if len(levels) != 1:
        return []
    return [r for r in reports if r.identity.level == levels[0]]


def _chosen(scope: Scope, reports: Sequence[Report]) -> list[Report]:
    chosen = list(reports)
    if scope.report:
        chosen = [r for r in chosen if r.doc_id == scope.report]
    if scope.place:
        chosen = [r for r in chosen if matches_place(r.identity, scope.place)]
    if scope.year:
        chosen = [r for r in chosen if r.identity.year == scope.year or scope.year in r.years]
    return chosen


def _named_governments(text: str, reports: Sequence[Report]) -> tuple[list[Report], tuple[str, ...]]:
    """Reports of the governments the question names (the most specific named government wins), and the
    names as the question spelled them (the longest form: 安徽省, not 安徽)."""
    hits: dict[str, tuple[Identity, list[Report]]] = {}
    spelled: dict[str, str] = {}
    for report in reports:
        identity = report.identity
        names = [n for n in (identity.place, *identity.aliases) if n and len(n) >= 2]
        if identity.level == NATIONAL:
            names = ["国务院", "全国"]
        found = sorted((n for n in names if n in text), key=len, reverse=True)
        if found:
            key = government_key(identity, report.doc_id)
            hits.setdefault(key, (identity, []))[1].append(report)
            spelled[key] = found[0]
    named = hits
    # 内蒙古海拉尔区: both match; the province is only the larger area the district is in.
    enclosing = {p for identity, _ in named.values() for p in identity.parents}
    keep = [key for key, (identity, _) in named.items() if identity.place not in enclosing]
    if len(named) > 1 and any(i.level == NATIONAL for i, _ in named.values()):
        keep = [key for key in keep if named[key][0].level != NATIONAL] or keep
    return [r for key in keep for r in named[key][1]], tuple(spelled[key] for key in keep)


def _unindexed_place(text: str, reports: Sequence[Report], corpus_uses: Callable[[str], bool]) -> str:
    """A refusal when the question names a real division that no indexed report is from."""
    indexed = {r.identity.place for r in reports if r.identity.place}
    for start, end, place in gazetteer().mentions(text):
        if place.level == NATIONAL or place.name in indexed:
            continue
        spelled = text[start:end]
        if spelled != place.name and place.level not in _TRUSTED_SHORT_LEVELS:
            continue
        if corpus_uses(text[start : end + NAME_CONTINUATION]):
            continue  # the reports use the place in a name (宁波股交所): the question is about that
        if any(place.name in r.identity.parents for r in reports if r.identity.place):
            # A larger area around an indexed government (宁波市 around 坎墩街道): its own figures are not
            # in the smaller government's report.
            return f"已导入的报告中没有{place.name}本级的报告，只有其下辖地方的报告。"
        return f"已导入的报告中没有{place.name}的报告。"
    return ""


def _for_year(text: str, year: int, reports: Sequence[Report]) -> tuple[list[Report], list[Report]] | None:
    """The reports that speak of the year in the role asked — the report of that year (its plan, or the
    report itself), or the one that reviews it (achieved figures) — and the other role's, to fall back on."""
    of_year = [r for r in reports if r.identity.year == year]
    reviewing = [r for r in reports if year in r.identity.reviewed_years]
    wants_plan = bool(re.search(_REPORT_OF_YEAR.format(year=year), text) or TARGET_ASKED.search(text))
    first, second = (of_year, reviewing) if wants_plan else (reviewing, of_year)
    return (first, second) if first else (second, []) if second else None

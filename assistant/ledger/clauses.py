"""Clauses, quantities and phrase spans: the text layer of the commitment ledger.

A sentence is split into clauses (，), a clause into one segment per quantity ("新建…停车位50只",
"坎东初中停车位40只"). Every clause is kept twice with the same length: `display` in the report's
own script (what the ledger shows) and `match` (normalize()d: Simplified, half-width, lower-case),
so a span found on `match` slices the same words out of `display`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from index.numbers import find_figures
from index.textnorm import clean, normalize

# Units that make a figure a quantity worth tracking; 年/届/类/期 name things (2023年, 十一届, 三类水, 二期).
UNITS = ("平方公里", "平方米", "立方米", "公里", "千米", "公顷", "人次", "元", "米", "亩", "吨", "户", "家", "个",
         "只", "套", "项", "条", "处", "座", "所", "名", "人", "位", "辆", "台", "件", "场", "批", "间", "栋",
         "次", "株", "盏", "张")
_UNIT = re.compile("|".join(UNITS))
_CLAUSE_BREAK = re.compile(r"，|(?<!\d),|,(?!\d)|[:：]")  # a comma between digits is a thousands separator
_OPEN_QUOTES, _CLOSE_QUOTES = "“‘「『《", "”’」』》"
_AT_LEAST_BEFORE = re.compile(r"(?:超过|超|逾)$")
_AT_LEAST_AFTER = re.compile(r"以上")
_WHITESPACE = re.compile(r"\s+")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_ANNOUNCING = ("以下", "如下", "下列")


@dataclass(frozen=True)
class Clause:
    display: str  # the report's own characters (cleaned, no whitespace)
    match: str  # normalize(display), same length


@dataclass(frozen=True)
class Quantity:
    value: float  # the figure, or the low end of a range (1-2家 → 1)
    high: float | None  # the high end of a range
    at_least: bool  # 300余户, 超50亩: the figure is a lower bound
    unit: str  # in Simplified: 只, 套, 元, %
    start: int  # span of figure + unit in the clause
    end: int

    def text(self, clause: Clause) -> str:
        return clause.display[self.start : self.end]


def clauses(sentence: str) -> list[Clause]:
    """The sentence's clauses, split at commas and colons (never at 、, which lists things)."""
    return [clause_of(text) for text, _ in _pieces(sentence)]


def words_before(sentence: str, first: int, last: int) -> str:
    """Clauses first..last-1 of clauses(sentence) with the report's own commas after them, as clause_of shows them."""
    return _WHITESPACE.sub("", clean("".join(text + separator for text, separator in _pieces(sentence)[first:last])))


def _pieces(sentence: str) -> list[tuple[str, str]]:
    """(clause text, the separator after it), blank clauses dropped."""
    parts = re.split(f"({_CLAUSE_BREAK.pattern})", sentence)
    return [(text, separator) for text, separator in zip(parts[0::2], [*parts[1::2], ""]) if text.strip()]


def clause_of(text: str) -> Clause:
    display = _WHITESPACE.sub("", clean(text)).strip("。！？；;!?")
    match = normalize(display)
    # OpenCC t2s maps character for character in practice; if it ever does not, show Simplified.
    return Clause(display, match) if len(match) == len(display) else Clause(match, match)


def quantities(clause: Clause) -> list[Quantity]:
    """Figures with a counting unit (or %), skipping names: 第二批, “两个先行”, 一批 (an article)."""
    found: list[Quantity] = []
    cursor = 0
    for figure in find_figures(clause.match):
        start = clause.match.find(figure.text, cursor)
        if start < 0:
            continue
        end = cursor = start + len(figure.text)
        unit = "%" if figure.text.endswith("%") else _unit_at(clause.match, end)
        if not unit or _is_name(clause.match, start, figure.text) or _ordinal(clause.match, figure.text, unit, end):
            continue
        end += 0 if unit == "%" else len(unit)
        low, high = figure.values[0], (figure.values[1] if len(figure.values) > 1 else None)
        at_least = ("余" in figure.text or "多" in figure.text or bool(_AT_LEAST_BEFORE.search(clause.match, 0, start))
                    or bool(_AT_LEAST_AFTER.match(clause.match, end)))
        found.append(Quantity(low, high, at_least, unit, start, end))
    return found


def _ordinal(text: str, figure: str, unit: str, end: int) -> bool:
    """二次发掘, 三次创业: a numeral word with 次 before more name is which time, not how many (做好…二次发掘)."""
    return unit == "次" and len(figure) == 1 and not figure.isdigit() and bool(_CJK.match(text, end + len(unit)))


def _unit_at(text: str, pos: int) -> str:
    m = _UNIT.match(text, pos)
    return m[0] if m else ""


def _is_name(text: str, start: int, figure: str) -> bool:
    if figure == "一" or text[start - 1 : start] == "第" or text[max(0, start - 2) : start] in _ANNOUNCING:
        return True  # 抓好以下四个方面: an outline, not a count
    before = text[:start]
    return sum(before.count(q) for q in _OPEN_QUOTES) > sum(before.count(q) for q in _CLOSE_QUOTES)


@dataclass(frozen=True)
class Segment:
    """The words one quantity belongs to: from the previous quantity (or clause start) to the next."""

    quantity: Quantity
    start: int  # text before the figure: [start, quantity.start)
    end: int  # text after the unit: [quantity.end, end)


def segments(clause: Clause) -> Iterator[Segment]:
    found = quantities(clause)
    for i, q in enumerate(found):
        start = found[i - 1].end if i else 0
        # 新建5条主干道路、2台热水锅炉, 8公里管网和5个公厕: the words from the previous unit to the first 、 or 和 are
        # that figure's item, not this one's, unless they open this figure's examples (…实施了甲、乙等14个项目).
        cut = clause.match.find("、", start, q.start)
        cut = cut if cut >= 0 else clause.match.find("和", start, q.start)  # 验收和养护、90万亩: the 、 separates
        if i and cut > start and not clause.match.endswith("等", 0, q.start):
            start = cut + 1
        end = found[i + 1].start if i + 1 < len(found) else len(clause.match)
        yield Segment(q, start, end)


def strip_lead(text: str, start: int, end: int, lead: re.Pattern[str]) -> int:
    """Skip leading words matched by `lead` (time words, adverbs, connectors) from start."""
    # No endpos: a lead's lookahead may look at the figure (有(?=82家)).
    while start < end and (m := lead.match(text, start)) and start < m.end() <= end:
        start = m.end()
    return start


def trim_end(text: str, start: int, end: int, trail: re.Pattern[str]) -> int:
    """Drop trailing words matched by `trail` (a pattern ending in $) from end."""
    while start < end and (m := trail.search(text, start, end)) and m.start() < end:
        end = m.start()
    return end


def split_span(text: str, start: int, end: int, separator: re.Pattern[str]) -> list[tuple[int, int]]:
    """Non-empty sub-spans of text[start:end] between separators."""
    cuts = [start, *(x for m in separator.finditer(text, start, end) for x in (m.start(), m.end())), end]
    return [(a, b) for a, b in zip(cuts[::2], cuts[1::2]) if b > a]

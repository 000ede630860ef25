"""Figures in Chinese text as comparable values, to catch numbers a generated answer made up.

"58亿元", "5,800,000,000元" and "五十八亿元" are the same figure; "2.8%" and "百分之二点八" too.
Every text is normalised first (Simplified, half-width), so Traditional reports read the same.
Chinese numerals count only when they look like a count (followed by a measure word, or a
multi-character numeral such as 三千 or 二〇二二): 一是, 进一步, 八八战略 and 十分 are words, not figures.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from index.textnorm import normalize

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
_SCALES = {**_CN_SMALL, **_CN_BIG}

_ARABIC = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?"
# A Chinese numeral starts with a digit or 十 (千方百计, 万一 and 百姓 do not), may carry a 点 decimal part.
_CN = r"[零〇一二两三四五六七八九十][零〇一二两三四五六七八九十百千万亿]*(?:点[零〇一二三四五六七八九]+[万亿]*)?"
_NUM = rf"(?:{_ARABIC}|{_CN})"
_FIGURE = re.compile(
    rf"百分之(?P<percent>{_CN})"
    rf"|(?P<low>{_NUM})(?:[-~至到—–](?P<high>{_NUM}))?(?P<approx>[余多])?"
    r"(?P<scale>(?:[十百千]?[万亿])*)(?P<sign>[%‰])?"
)
# Measure words and units that make a Chinese numeral a count: 两家, 十一届, 三年, 二〇二二年.
_UNIT = re.compile(
    r"个|家|项|条|户|所|次|年|届|批|座|名|人|位|元|岁|倍|台|辆|套|件|处|栋|间|场|期|类|种|轮|支|级|张|"
    r"亩|吨|米|公里|千米|平方|立方|度|天|日|月|周|季度|小时|分钟|大|中|村|镇|乡|区|县|%"
)
_ARTICLE = "一"  # 一 alone is an article more often than a count (一个重要举措, 一批项目)
_REL_TOL = 1e-6  # figures are copied, not rounded: only float noise is forgiven


@dataclass(frozen=True)
class Figure:
    text: str  # as written, normalised (Simplified, half-width)
    values: tuple[float, ...]  # a range gives both ends


def figures(text: str) -> set[float]:
    """Every figure in the text as a canonical value (58亿元 → 5.8e9, 2.8% → 2.8, 两家 → 2)."""
    return {value for figure in find_figures(text) for value in figure.values}


def unsupported_figures(sentence: str, sources: Sequence[str]) -> list[str]:
    """Figures of the sentence (as written) with a value found in none of the sources."""
    known = [value for source in sources for value in figures(source)]
    return [
        figure.text
        for figure in find_figures(sentence)
        if figure.text != _ARTICLE and not all(_known(value, known) for value in figure.values)
    ]


def find_figures(text: str) -> list[Figure]:
    # A full-width comma separates clauses, never thousands: keep NFKC from turning it into ",".
    normalized = normalize(text.replace("，", "、"))
    return list(_figures(normalized))


def _figures(text: str) -> Iterator[Figure]:
    for match in _FIGURE.finditer(text):
        if match["percent"]:
            value = _chinese_value(match["percent"])
            if value is not None:
                yield Figure(match[0], (_canonical(value),))
            continue
        ends = [end for end in (match["low"], match["high"]) if end]
        values = [_number_value(end) for end in ends]
        if None in values or not _is_count(match, text):
            continue
        factor = math.prod(_SCALES[ch] for ch in match["scale"])
        yield Figure(match[0], tuple(_canonical(v * factor) for end in values for v in end))


def _is_count(match: re.Match[str], text: str) -> bool:
    """Arabic figures always count; a Chinese numeral only when it is followed by a unit or is unmistakable."""
    low = match["low"]
    if low[0].isascii() or match["sign"] or match["high"]:
        return True
    if _UNIT.match(text, match.end()):
        return True
    # 三千, 十一, 二〇二二: a numeral of several characters with a place value, or a digit string (a year).
    return len(low) >= 2 and (any(ch in _SCALES for ch in low) or len(low) >= 3)


def _number_value(text: str) -> tuple[float, ...] | None:
    if text[0].isascii():
        return (float(text.replace(",", "")),)
    if len(text) == 2 and all(ch in _CN_DIGITS for ch in text):
        return tuple(float(_CN_DIGITS[ch]) for ch in text)  # 两三家: "two or three", not 23
    value = _chinese_value(text)
    return None if value is None else (value,)


def _chinese_value(text: str) -> float | None:
    """二十四 → 24, 三千 → 3000, 一亿三千万 → 1.3e8, 二〇二二 → 2022, 二点八 → 2.8; None when malformed (十四五)."""
    whole, _, decimals = text.partition("点")
    trailing = re.search(r"[万亿]*$", decimals)[0] if decimals else ""
    value = _chinese_integer(whole)
    if value is None:
        return None
    if decimals:
        digits = decimals[: len(decimals) - len(trailing)]
        value += float("0." + "".join(str(_CN_DIGITS[ch]) for ch in digits))
    return value * math.prod(_CN_BIG[ch] for ch in trailing)


def _chinese_integer(text: str) -> float | None:
    if all(ch in _CN_DIGITS for ch in text):
        return float("".join(str(_CN_DIGITS[ch]) for ch in text))  # read digit by digit: 二〇二二
    total = section = 0
    digit: int | None = None
    for ch in text:
        if ch in _CN_DIGITS:
            if digit not in (None, 0) and _CN_DIGITS[ch]:
                return None  # two digits with no place value between them: 十四五 is a name, not a number
            digit = _CN_DIGITS[ch]
        elif ch in _CN_SMALL:
            section += (digit or 1) * _CN_SMALL[ch]  # 十一: a leading 十 means one ten
            digit = None
        else:
            # 万/亿 multiply everything below them: 一亿三千万 → 1e8 + 3000×1e4, 三万亿 → 3e4×1e8.
            unit = _CN_BIG[ch]
            section += digit or 0
            below = total % unit
            total = total - below + (below + section) * unit
            section, digit = 0, None
    return float(total + section + (digit or 0))


def _canonical(value: float) -> float:
    """Drop float noise so equal figures compare equal: 14.56 × 1e4 → 145600.0."""
    return float(f"{value:.12g}")


def _known(value: float, known: Sequence[float]) -> bool:
    return any(math.isclose(value, other, rel_tol=_REL_TOL) for other in known)

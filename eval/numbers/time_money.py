"""Time words and money: the hand-written readers against jionlp.parse_time's extractor and parse_money.

Questions are read in the report's frame (its plan year is 今年), so jionlp gets 1 January of the
plan year as its reference time, never today.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import jionlp

from assistant.answer.question import resolve_time_words
from eval.numbers.measure import Case, Score, load, score
from index.numbers import figures
from index.textnorm import years_named

_RANGE = re.compile(r"[-~至到]")


def compare_time() -> list[Score]:
    cases = load("time_gold.jsonl", "years")
    return [
        score("resolve_time_words + years_named", lambda c: years_named(resolve_time_words(c.text, c.context)), cases),
        score("jionlp.extract_time", _jionlp_years, cases),
    ]


def compare_money() -> list[Score]:
    cases = load("money_gold.jsonl", "yuan")
    return [
        score("index.numbers.figures", lambda c: figures(c.text), cases),
        score("jionlp.extract_money", _jionlp_yuan, cases),
    ]


def _jionlp_years(case: Case) -> set[int]:
    base = datetime(case.context, 1, 1).timestamp()
    years: set[int] = set()
    for found in jionlp.ner.extract_time(case.text, time_base=base):
        span = found["detail"]["time"]
        if not isinstance(span, list):
            continue  # a duration or a period (三年, 每年) names no year
        start = datetime.fromisoformat(span[0])
        # An end at midnight belongs to the day before (过去一年 ends 1 January 00:00); inf is open.
        end = start if span[1] == "inf" else datetime.fromisoformat(span[1]) - timedelta(seconds=1)
        years.update(range(start.year, end.year + 1))
    return years


def _jionlp_yuan(case: Case) -> list[float]:
    values: list[float] = []
    for found in jionlp.ner.extract_money(case.text, with_parsing=True):
        num = found["detail"]["num"]
        nums = [float(n) for n in (num if isinstance(num, list) else [num])]
        # A blur range (300多万 → 300万–400万) stands for its stated figure; a written range keeps both ends.
        values += nums if _RANGE.search(found["text"]) else nums[:1]
    return values

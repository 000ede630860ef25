"""Figures in report text and questions: index.numbers against cn2an.

cn2an has no notion of which numerals are figures (八八战略, 一是 and 十四五 are names), so it is tried
two ways: as the numeral reader inside our own figure finder (the replacement the issue asks about),
and as cn2an.transform rewriting every numeral to Arabic before our finder reads the text.
"""

from __future__ import annotations

import warnings
from unittest.mock import patch

import cn2an

from eval.numbers.measure import Case, Score, load, score
from index.numbers import figures


def compare() -> list[Score]:
    cases = load("figures_gold.jsonl", "figures")
    return [
        score("index.numbers", lambda case: figures(case.text), cases),
        score("cn2an.cn2an(smart) as our numeral reader", _figures_read_by_cn2an, cases),
        score("cn2an.transform, then index.numbers", _figures_after_transform, cases),
    ]


def _cn2an_value(numeral: str) -> float | None:
    try:
        return float(cn2an.cn2an(numeral, "smart"))
    except ValueError:
        return None  # what our reader answers for a malformed numeral


def _figures_read_by_cn2an(case: Case) -> set[float]:
    with patch("index.numbers._chinese_value", _cn2an_value):
        return figures(case.text)


def _figures_after_transform(case: Case) -> set[float]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # transform warns for every numeral it leaves as written (十四五)
        return figures(cn2an.transform(case.text, "cn2an"))

"""Counts per government and year (assistant.ledger.summary) and their HTML (assistant.ledger.html_report)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from assistant.ledger import html_report
from assistant.ledger.extract import PENDING, Commitment, Link, Source
from assistant.ledger.link import MET, MISSED, PARTLY, STATUSES, UNMENTIONED
from assistant.ledger.summary import (
    STYLES, SUMMARY_HEADERS, UNKNOWN_GOVERNMENT, YearSummary, summarize, summary_rows, total,
)
from index.textnorm import to_traditional

XSS = "<img src=x onerror=alert(1)>"
GOVERNMENTS = {"hl-2015": "海拉尔区", "hl-2016": "海拉尔区", "kd-2023": f"坎墩街道{XSS}"}
TITLES = {"hl-2015": f"2015年海拉尔区政府工作报告{XSS}", "hl-2016": "2016年海拉尔区政府工作报告"}


def _promise(doc_id: str, year: int, status: str, text: str = "新建停车位50只",
             evidence: Source | None = None) -> Commitment:
    return Commitment(Source(doc_id, 12, ("二、目标任务", "（一）城镇建设"), f"{text}。"), year, "新建", "停车位", "",
                      "50只", 50, None, False, "只", "新建", text, Link(status, f"理由{XSS}", evidence, "", ""))


REVIEW = Source("hl-2016", 3, ("一、2015年工作回顾",), f"新建停车位60只{XSS}。")
ROWS = [
    _promise("hl-2015", 2015, MET, evidence=REVIEW), _promise("hl-2015", 2015, MET), _promise("hl-2015", 2015, PARTLY),
    _promise("hl-2015", 2015, MISSED), _promise("hl-2015", 2015, UNMENTIONED, f"确保{XSS}落地"),
    _promise("hl-2016", 2016, PENDING), _promise("kd-2023", 2023, PENDING), _promise("gone", 2023, MET),
]


def test_counts_per_government_and_year_in_status_order() -> None:
    counted = summarize(ROWS, GOVERNMENTS)
    assert [(s.government, s.year, s.counts) for s in counted] == [
        (f"坎墩街道{XSS}", 2023, (0, 0, 0, 0, 1)),
        (UNKNOWN_GOVERNMENT, 2023, (1, 0, 0, 0, 0)),  # a report the ledger has no issuer for
        ("海拉尔区", 2015, (2, 1, 1, 1, 0)),
        ("海拉尔区", 2016, (0, 0, 0, 0, 1)),
    ]
    hailar = counted[2]
    assert hailar.total == 5 and hailar.count(MET) == 2 and hailar.count(PENDING) == 0
    assert total(counted) == (3, 1, 1, 1, 2) and total([]) == (0,) * len(STATUSES)
    assert summarize([], GOVERNMENTS) == []


def test_rows_have_english_keys_under_chinese_headers() -> None:
    rows = summary_rows(summarize(ROWS, GOVERNMENTS))
    assert rows[2] == {"government": "海拉尔区", "year": 2015, "met": 2, "partly": 1, "missed": 1, "unmentioned": 1,
                       "pending": 0, "total": 5}
    assert list(SUMMARY_HEADERS) == list(rows[2])
    assert list(SUMMARY_HEADERS.values()) == ["政府", "年份", *STATUSES, "合计"]


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("status", STATUSES)
def test_every_status_has_colours_at_aa_contrast(status) -> None:
    style = STYLES[status]
    assert _contrast(style.dark, style.light) >= 4.5  # badge text on its background
    assert _contrast("#ffffff", style.dark) >= 4.5  # the bar's white numbers
    assert f".status-{style.key} {{ background: {style.light}; color: {style.dark}; }}" in html_report.STATUS_CSS
    assert f".bar-{style.key} {{ background: {style.dark}; color: #ffffff; }}" in html_report.CHART_CSS


def test_styles_follow_the_status_order() -> None:
    assert tuple(STYLES) == STATUSES and len({s.key for s in STYLES.values()}) == len(STATUSES)


def test_chart_bars_say_their_numbers_in_text_and_aria_labels() -> None:
    counted = summarize(ROWS, GOVERNMENTS)
    chart = html_report.chart(counted)
    assert 'aria-labelledby="ledger-chart-title"' in chart and html_report.CHART_TITLE in chart
    assert chart.count('class="chart-row" role="img"') == 4
    assert 'aria-label="海拉尔区 2015年：共 5 项，达成 2 项，部分达成 1 项，未达成 1 项，未提及 1 项"' in chart
    hailar = chart[chart.index('aria-label="海拉尔区 2015年'):]
    assert re.findall(r'class="bar bar-(\w+)" style="flex-grow:(\d)" title="[^"]+">(\d)<', hailar)[:4] == [
        ("met", "2", "2"), ("partly", "1", "1"), ("missed", "1", "1"), ("unmentioned", "1", "1")]
    assert 'style="width:100.0%' in chart and 'style="width:20.0%' in chart  # 5 is the longest, 1 a fifth
    assert all(f"</span>{status}</li>" in chart for status in STATUSES)  # the legend names every colour
    assert html_report.chart([]) == "" and html_report.summary_table([]) == ""


def test_the_counts_table_and_the_script() -> None:
    table = html_report.summary_table(summarize(ROWS, GOVERNMENTS), to_traditional)
    assert '<th scope="row">海拉爾區</th><td class="num">2015</td><td class="num">2</td><td class="num">1</td>' in table
    assert '<th scope="row" colspan="2">合计</th><td class="num">3</td>' in table and '<td class="num">8</td>' in table
    assert "海拉爾區 2015年" in html_report.chart([YearSummary("海拉尔区", 2015, (1, 0, 0, 0, 0))], to_traditional)
    # it scrolls sideways on a phone: a named region that takes keyboard focus (axe scrollable-region-focusable)
    assert table.startswith(f'<div class="ledger-counts-wrap" tabindex="0" role="region" aria-label="{html_report.TABLE_TITLE}">')


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append(tag)


def test_the_page_is_self_contained_escaped_and_holds_the_numbers_and_citations() -> None:
    page = html_report.page(summarize(ROWS, GOVERNMENTS), ROWS, TITLES, f"筛选：{XSS}")
    parser = _Tags()
    parser.feed(page)
    assert "img" not in parser.tags and "script" not in parser.tags and "link" not in parser.tags
    assert "<img" not in page and page.count("&lt;img src=x onerror=alert(1)&gt;") >= 6  # titles, quotes, names…
    assert page.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in page and '<meta charset="utf-8">' in page
    assert "http" not in page and "<style>" in page  # nothing fetched
    assert "共 8 项承诺" in page and "海拉尔区 2015年：共 5 项，达成 2 项" in page
    assert f"《2015年海拉尔区政府工作报告&lt;img" in page and "承诺：第12段" in page  # no title: the paragraph only
    assert "回顾：《2016年海拉尔区政府工作报告》第3段" in page and "<blockquote>新建停车位60只&lt;img" in page
    assert page.count("<tr><td") == len(ROWS) and "筛选：&lt;img" in page

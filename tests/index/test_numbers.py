import pytest

from index.numbers import figures, unsupported_figures


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("地区生产总值58亿元", {5.8e9}),
        ("總投資近5500萬元", {5.5e7}),
        ("改造面積14.56萬平方米", {145600}),
        ("同比增长2.8%", {2.8}),
        ("同比增长百分之二点八", {2.8}),
        ("共计5,800,000,000元", {5.8e9}),
        ("1.2万亿元", {1.2e12}),
        ("300多万元", {3e6}),
        ("两家企业", {2}),
        ("十一届人大", {11}),
        ("二十四个项目", {24}),
        ("三千", {3000}),
        ("一亿三千万", {1.3e8}),
        ("二〇二二年", {2022}),
        ("培育1-2家", {1, 2}),
        ("三至五年", {3, 5}),
        ("两三家", {2, 3}),
        ("300余户", {300}),
        ("2022年", {2022}),
    ],
)
def test_figures(text, expected):
    assert figures(text) == expected


@pytest.mark.parametrize(
    ("traditional", "expected"),
    [
        ("總受益戶數達300餘戶", {300}),
        ("每年可為兩村各增收50萬元", {2, 5e5}),
        ("二點八億元", {2.8e8}),
        ("四個百分點", {4}),
    ],
)
def test_traditional_text(traditional, expected):
    assert figures(traditional) == expected


@pytest.mark.parametrize("words", ["进一步统一部署", "八八战略", "十分重要", "千方百计", "“十四五”规划", "一是稳增长", "这是一个重要举措"])
def test_words_made_of_numerals_are_not_figures(words):
    assert unsupported_figures(words, []) == []


def test_full_width_comma_is_not_a_thousands_separator():
    assert figures("分别为12，345家") == {12, 345}


def test_equal_figures_written_differently_are_supported():
    source = "2022年，街道預計可實現地區生產總值58億元，同比增長2.8%。"
    assert unsupported_figures("2022年地区生产总值五十八亿元，增长百分之二点八。", [source]) == []
    assert unsupported_figures("地区生产总值5800000000元。", [source]) == []


def test_invented_figures_are_reported_as_written():
    sources = ["地區生產總值58億元。", "2022年完成整治企業7家。"]
    assert unsupported_figures("2022年地区生产总值99亿元，增长2.8%。", sources) == ["99亿", "2.8%"]


def test_year_must_be_in_a_source():
    assert unsupported_figures("2023年地区生产总值58亿元。", ["2022年地區生產總值58億元。"]) == ["2023"]


def test_range_needs_both_ends():
    assert unsupported_figures("培育1-3家。", ["培育1-2家。"]) == ["1-3"]

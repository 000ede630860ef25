from assistant.answer.intent import classify
from assistant.answer.outline import announced_items, announces_list, outline_items
from index.reading import read_report_lines
from index.structure import parse_report
from index.textnorm import normalize

import pytest


@pytest.fixture
def report(sample_report):
    return parse_report(read_report_lines(sample_report), doc_id="kandun", source=sample_report.name)


@pytest.mark.parametrize("question, expected", [
    ("这份报告分为哪两大部分？", True),
    ("2022年工作回顾从哪几个方面进行了总结？", True),
    ("2023年企业技术改造以哪些方面为重点？", False),  # a content question, not about the document
    ("2022年地区生产总值是多少？", False),
])
def test_outline_questions_are_recognised(question, expected):
    assert classify(question, question, question).wants_outline is expected


def test_outline_of_the_report_is_its_parts(report):
    items = outline_items(report, "这份报告分为哪两大部分？")
    assert [p.text for p in items] == ["一、2022年工作回顧", "二、2023年目標任務"]


def test_outline_of_a_named_part_is_its_sections(report):
    items = outline_items(report, "2022年工作回顾从哪几个方面进行了总结？")
    assert len(items) == 6 and all(p.text.startswith("——回顧過去一年") for p in items)


def test_a_sentence_announcing_a_list_is_completed_by_the_headings_after_it(report):
    announcing = next(p for p in report.paragraphs if "抓好以下五方面工作" in p.text)
    last_sentence = announcing.text.split("。")[-1]
    assert announces_list(last_sentence)
    items = announced_items(report, announcing.number)
    assert [normalize(p.text)[:3] for p in items] == ["(一)", "(二)", "(三)", "(四)", "(五)"]

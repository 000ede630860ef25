from assistant.answer.intent import classify
from assistant.answer.outline import announced_count, announced_items, announces_list, numbered_after, outline_items
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


COUNTED_REPORT = parse_report([
    "2025年政府工作报告", "一、2025年主要任务",
    "（一）办好民生实事",
    "今年将继续办好群众可感可及的3件实事。一是新增学位2万个。二是支持1万名高校毕业生到基层就业。三是实施白内障复明手术。",
    "附件：2025年2件惠民实事",
    "1.稳定和扩大就业",
    "年度目标：城镇新增就业50万人以上。",
    "2.实施银龄人才计划",
    "3.这一条已不在所数之内",
    "（二）防范化解风险",
    "推动构建房地产发展新模式。",
], "doc", "doc.txt")


def _paragraph(text):
    return next(p for p in COUNTED_REPORT.paragraphs if text in p.text)


def test_a_count_of_what_was_asked_announces_items_a_count_of_something_else_does_not():
    assert announced_count("今年将继续办好群众可感可及的10件实事。", "今年要办哪些实事？") == 10
    assert announced_count("坚决贯彻落实两个先行决定。", "农创园建设了哪些新项目？") is None
    assert announced_count("推动构建房地产发展新模式。", "今年要办哪些实事？") is None


def test_items_numbered_in_the_announcing_paragraph_are_its_later_sentences():
    source = _paragraph("3件实事")
    items = numbered_after(COUNTED_REPORT, source.number, 0, 3)
    assert [quote for _, quote in items] == ["一是新增学位2万个。", "二是支持1万名高校毕业生到基层就业。",
                                             "三是实施白内障复明手术。"]
    assert all(p.number == source.number for p, _ in items)


def test_items_numbered_in_the_paragraphs_after_skip_their_details_and_stop_at_the_count():
    source = _paragraph("2件惠民实事")
    items = numbered_after(COUNTED_REPORT, source.number, 0, 2)
    assert [quote for _, quote in items] == ["1.稳定和扩大就业", "2.实施银龄人才计划"]


def test_no_items_unless_a_numbered_run_starts_right_after_at_one():
    # The next paragraph is the heading （二）: numbered, but not a run that starts at one.
    assert numbered_after(COUNTED_REPORT, _paragraph("已不在所数之内").number, 0, 5) == []
    assert numbered_after(COUNTED_REPORT, _paragraph("房地产").number, 0, 5) == []  # nothing follows

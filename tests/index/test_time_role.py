"""Each sentence's time role at ingest: the section's year first, then a year the sentence names, then words."""

from index.structure import parse_report
from index.time_role import ACHIEVED, TARGET, UNKNOWN, paragraph_roles, sentence_role

REVIEWED, PLANNED = (2024,), (2025,)


def test_the_section_year_decides():
    review = ("一、2024年工作回顾", "（一）经济运行")
    plan = ("二、2025年主要任务", "（一）扩大内需")
    text = "全年完成地区生产总值5000亿元。城镇新增就业50万人。"
    assert paragraph_roles(text, review, REVIEWED, PLANNED) == ACHIEVED * 2
    assert paragraph_roles(text, plan, REVIEWED, PLANNED) == TARGET * 2


def test_a_sentence_naming_the_reviewed_year_in_a_plan_section_is_achieved():
    assert sentence_role("2024年完成改造3000户。", ("二、2025年主要任务",), REVIEWED, PLANNED) == ACHIEVED
    assert sentence_role("到2025年底建成5个园区。", ("一、2024年工作回顾",), REVIEWED, PLANNED) == TARGET


def test_a_part_that_names_no_year_says_its_role_in_words():
    # 初步预计…左右 is a review's estimate, not a target, in a part called 过去一年工作回顾.
    sentence = "初步预计，全区地区生产总值增长4.2%左右。"
    assert sentence_role(sentence, ("一、过去一年工作回顾",), REVIEWED, PLANNED) == ACHIEVED
    assert sentence_role("城镇新增就业50万人。", ("二、今年主要任务",), REVIEWED, PLANNED) == TARGET


def test_without_a_dated_or_named_part_the_words_decide():
    assert sentence_role("地区生产总值增长5%左右。", (), REVIEWED, PLANNED) == TARGET
    assert sentence_role("地区生产总值比上年增长5.8%。", ("正文",), REVIEWED, PLANNED) == ACHIEVED
    assert sentence_role("坚持稳中求进工作总基调。", (), REVIEWED, PLANNED) == UNKNOWN
    # Both kinds of words: undecided, not guessed.
    assert sentence_role("力争实现比上年增长5%。", (), REVIEWED, PLANNED) == UNKNOWN


def test_parsed_paragraphs_carry_one_role_per_sentence():
    report = parse_report([
        "2025年政府工作报告", "一、2024年工作回顾", "全年粮食产量836.9亿斤。城镇新增就业75万人。",
        "二、2025年主要任务", "城镇新增就业68万人左右。",
    ], "doc", "doc.txt")
    body = [p for p in report.paragraphs if p.kind == "body"]
    assert [p.roles for p in body] == [ACHIEVED * 2, TARGET]

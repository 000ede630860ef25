"""Service how-tos (怎么办理居住证？) told apart from questions about what a report says (如何推进…)."""

import json
from pathlib import Path

import pytest

from assistant.answer.howto import asks_service
from assistant.answer.intent import classify

QUESTION_SETS = sorted((Path(__file__).parents[3] / "eval" / "questions").glob("*.jsonl"))


def _asks_service(text: str) -> bool:
    return classify(text, text, text).asks_procedure


@pytest.mark.parametrize("question", [
    "怎么办理居住证？", "社保卡丢了怎么补办？", "公积金怎么提取？", "孩子上学怎么报名？",  # issue 15's
    "居住证怎么办？", "社保卡丢了怎么办？", "办居住证需要带什么材料？", "医保怎么报销？", "养老金怎么领？",
    "新生儿怎么上户口？", "户口怎么迁到海拉尔？", "护照去哪办", "营业执照在哪里办？", "怎么考驾照",
    "我想开个小店，要办什么手续？", "失业金如何申领？", "怎么在网上预约办理护照？", "電費怎麼交？",
    "居住证的办事流程是什么？", "街道办事处的联系电话是多少？", "明天海拉尔天气怎么样？",
])
def test_how_to_get_a_service_done_is_a_service_question(question):
    assert _asks_service(question)


@pytest.mark.parametrize("question", [
    "如何推进老旧小区改造？",  # the brief's look-alike: what the report says
    "山东2025年怎么推进“高效办成一件事”？", "山东省怎样完善异地就医报销政策？", "甘肃怎么落实城镇落户政策？",
    "宁夏如何解决企业“办事难”问题？", "海拉尔区2015年怎样提高办事效率？", "如何办好民生实事？",
    "经济下行压力大怎么办？", "安徽推动“高效办成一件事”改革，重点事项办理时限压缩了多少？",
    "辽宁省2024年高考报名人数是多少？", "机关干部的激励考核机制是怎样的？", "云南怎么做好新生儿参保报销？",
])
def test_questions_about_the_reports_work_are_not(question):
    assert not _asks_service(question)


def test_a_figure_asked_is_a_question_for_the_report_unless_it_is_a_phone_number():
    assert asks_service("医保怎么报销？") and not asks_service("医保怎么报销？", figure_asked=True)
    assert asks_service("办事处的电话是多少？", figure_asked=True)


def test_every_answerable_question_of_the_question_sets_still_goes_to_the_reports():
    questions = [json.loads(line) for path in QUESTION_SETS for line in path.read_text(encoding="utf-8").splitlines()
                 if line.strip()]
    answerable = [q for q in questions if q["answerable"]]
    assert len(answerable) > 300
    assert [q["id"] for q in answerable if _asks_service(q["question"])] == []

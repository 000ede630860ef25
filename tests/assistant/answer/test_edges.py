"""Friendly edges through the whole pipeline (fake embedder): small talk answered briefly, service how-tos
sent to 12345, look-alike questions still answered, and refusals that offer only body text as reading."""

import pytest

from assistant.answer.pipeline import REFUSAL_OPENING
from assistant.answer.related import readable
from assistant.records import FROM_REPORTS, SERVICE, SMALLTALK
from assistant.service import Assistant
from assistant.settings import Settings
from tests.fakes import FakeEmbedder

REPORT = """2025年某县人民政府工作报告
索引号：123456/2025-00001
2025年1月10日在某县第十八届人民代表大会第四次会议上
各位代表：
现在，我代表县人民政府向大会报告工作，请予审议，并请县政协委员和列席人员提出意见。
一、2024年工作回顾
——回顾过去一年，我们推进老旧小区改造，城市面貌不断改善
全年改造老旧小区12个，惠及居民3000户。
新建停车位500个，新增城镇就业2000人。
二、2025年主要任务
（一）推进城市更新和老旧小区改造
继续推进老旧小区改造，计划改造老旧小区15个，加装电梯30部。
（二）办好民生实事
推进居住证持有人享受基本公共服务，建设便民服务中心2个。
"""


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    folder = tmp_path_factory.mktemp("edges")
    path = folder / "county-2025.txt"
    path.write_text(REPORT, encoding="utf-8")
    assistant = Assistant(Settings(index_dir=folder / "index"), embedder=FakeEmbedder())
    assistant.ingest([path])
    return assistant


@pytest.mark.parametrize("message", ["你好", "您好！", "hi", "谢谢", "好的谢谢", "你能做什么？"])
def test_small_talk_is_answered_with_what_the_assistant_does_and_holds(assistant, message):
    answer = assistant.ask(message)
    assert answer.kind == SMALLTALK and not answer.answered
    assert answer.citations == () and answer.related == () and answer.hits == ()
    assert not answer.text.startswith(REFUSAL_OPENING) and "请用中文" not in answer.text
    assert f"《{assistant.reports()[0].title}》" in answer.text  # the one report held


def test_thanks_after_a_question_is_not_merged_with_it(assistant):
    history = [{"role": "user", "content": "2024年新建停车位多少个？"}, {"role": "assistant", "content": "500个[1]。"}]
    answer = assistant.ask("谢谢！", history)
    assert answer.kind == SMALLTALK and answer.text.startswith("不客气")


def test_small_talk_in_traditional_script_is_answered_in_it(assistant):
    text = assistant.ask("謝謝").text
    assert text.startswith("不客氣") and "報告" in text


def test_a_question_after_a_greeting_is_answered(assistant):
    answer = assistant.ask("你好，请问2024年新建停车位多少个？")
    assert answer.kind == FROM_REPORTS and answer.answered and "500个" in answer.text
    assert answer.question == "你好，请问2024年新建停车位多少个？"


@pytest.mark.parametrize("question", ["怎么办理居住证？", "社保卡丢了怎么补办？", "公积金怎么提取？", "孩子上学怎么报名？"])
def test_a_service_how_to_is_sent_to_the_hotline_with_what_the_reports_cover(assistant, question):
    answer = assistant.ask(question)
    assert answer.kind == SERVICE and not answer.answered and answer.text.startswith(REFUSAL_OPENING)
    assert "12345" in answer.text and "政务服务中心" in answer.text and "工作回顾和计划" in answer.text
    assert answer.citations == () and answer.related == ()


def test_a_look_alike_question_about_the_reports_work_is_answered(assistant):
    answer = assistant.ask("某县如何推进老旧小区改造？")
    assert answer.kind == FROM_REPORTS and answer.answered and answer.citations
    assert "老旧小区" in answer.citations[0].quote


def test_a_refusal_offers_only_body_paragraphs_as_reading(assistant):
    answer = assistant.ask("某县2030年老旧小区改造多少个？")  # on topic, but a year no report covers
    assert not answer.answered and answer.related
    county = next(r for r in assistant.reports() if r.doc_id == answer.related[0].doc_id)
    paragraphs = {p.number: p for p in assistant.report(county.doc_id).paragraphs}
    ranked = [paragraphs[h.chunk.paragraph] for h in answer.hits if h.chunk.doc_id == county.doc_id]
    assert any(not readable(p, assistant.report(county.doc_id)) for p in ranked[:3])  # a heading ranks high
    for c in answer.related:
        assert paragraphs[c.paragraph].text.startswith(("全年改造", "新建停车位", "继续推进", "推进居住证")), c.text


def test_a_question_of_words_no_report_uses_offers_no_reading(assistant):
    answer = assistant.ask("怎么考驾照？")
    assert answer.kind == SERVICE
    answer = assistant.ask("量子计算机的算力怎么样？")
    assert not answer.answered and answer.related == () and "请用中文" not in answer.text


def test_readable_paragraphs_are_body_text_after_the_first_heading(assistant):
    report = assistant.report(assistant.reports()[0].doc_id)
    kept = [p.text[:4] for p in report.paragraphs if readable(p, report)]
    assert kept == ["全年改造", "新建停车", "继续推进", "推进居住"]  # not the header block, the opening, any heading
    assert {p.kind for p in report.paragraphs if p.text[:4] not in kept} == {"metadata", "body", "heading"}

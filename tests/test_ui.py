"""The chat UI against a fake assistant: markup, streaming, errors, history and the API endpoint."""

from __future__ import annotations

from collections.abc import Sequence

import gradio as gr
import pytest

from assistant.errors import GovQAError, InvalidQuestion
from assistant.records import Answer, Citation, Report
from ui.app import api_ask, build_app, render_answer, render_sources, respond

XSS = "<img src=x onerror=alert(1)>"
PARAGRAPH = "2022年，全街道实现地区生产总值58亿元，同比增长3.5%。<b>工业</b>稳步发展。"
QUOTE = "2022年，全街道实现地区生产总值58亿元，同比增长3.5%。"
SECTION = "一、2022年工作回顾 › （一）经济发展"


def citation(n: int = 1, quote: str = QUOTE, text: str = PARAGRAPH) -> Citation:
    return Citation(n=n, doc_id="kd", doc_title="坎墩街道2022年工作报告", section=SECTION, paragraph=7,
                    quote=quote, text=text)


def answered(question: str = "2022年GDP是多少？") -> Answer:
    return Answer(question, True, "全街道实现地区生产总值58亿元，同比增长3.5%[1]。", (citation(),))


def refused(question: str = "2024年的GDP是多少？") -> Answer:
    long_text = "相关内容" * 60 + XSS
    return Answer(question, False, "报告中没有找到这个问题的答案：报告未涉及2024年。", notice="生成模型不可用",
                  related=(citation(1, "", long_text), citation(2, "", PARAGRAPH)))


class FakeAssistant:
    def __init__(self, *results: Answer | Exception) -> None:
        self.results = list(results)
        self.calls: list[tuple[str, list[dict] | None]] = []

    def ask(self, question: str, history: Sequence[dict] | None = None) -> Answer:
        self.calls.append((question, list(history) if history is not None else None))
        result = self.results.pop(0)
        if isinstance(result, Exception):
            raise result
        return result

    def reports(self) -> list[Report]:
        return [Report("kd", "坎墩街道2022年工作报告", "kd.txt", "h", {}, (2022, 2023), ())]


def run(fake: FakeAssistant, question: str, chat: list | None = None, history: list | None = None) -> list:
    return list(respond(fake, question, chat or [], history or [], step=4, delay=0))


# --- rendering -------------------------------------------------------------------------------------
def test_sources_show_place_and_highlight_quote() -> None:
    html = render_sources(answered())
    assert "[1]" in html and "坎墩街道2022年工作报告" in html
    assert "第7段" in html and "一、2022年工作回顾 › （一）经济发展" in html
    assert f"<mark>{QUOTE}</mark>" in html
    assert "<details>" in html and "<summary>" in html


def test_report_text_is_escaped() -> None:
    html = render_answer(Answer("q", True, f"答案{XSS}[1]", (citation(text=PARAGRAPH + XSS),)))
    assert "<img" not in html and "<b>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;b&gt;工业&lt;/b&gt;" in html


def test_quote_split_over_sentences_is_marked_piecewise() -> None:
    paragraph = "第一句。中间句。第三句。"
    html = render_sources(Answer("q", True, "t", (citation(quote="第一句。第三句。", text=paragraph),)))
    assert "<mark>第一句。</mark>中间句。<mark>第三句。</mark>" in html


def test_refusal_lists_related_paragraphs_and_notice() -> None:
    html = render_answer(refused())
    assert "报告中没有找到这个问题的答案" in html and "相关段落" in html
    assert "第7段" in html and "生成模型不可用" in html
    assert "来源" not in html and "<mark>" not in html
    assert "…" in html and XSS not in html  # excerpt cut to ~120 characters


# --- chat handler ----------------------------------------------------------------------------------
def test_handler_streams_then_appends_sources() -> None:
    updates = run(FakeAssistant(answered()), "2022年GDP是多少？")
    texts = [chat[-1]["content"] for chat, _ in updates]
    assert len(texts) > 3
    assert all(len(a) <= len(b) for a, b in zip(texts[:-1], texts[1:]))
    assert "来源" not in texts[0]
    final_chat, final_history = updates[-1]
    assert "58亿元" in final_chat[-1]["content"] and "<mark>" in final_chat[-1]["content"]
    assert final_chat[0] == {"role": "user", "content": "2022年GDP是多少？"}
    assert final_history[-1] == {"role": "assistant", "content": answered().text}


def test_question_is_escaped_in_chat() -> None:
    chat, _ = run(FakeAssistant(answered(XSS)), XSS)[-1]
    assert chat[0]["content"] == "&lt;img src=x onerror=alert(1)&gt;"


def test_domain_error_shows_chinese_message_and_chat_goes_on() -> None:
    fake = FakeAssistant(InvalidQuestion("问题太长，请精简。"), answered())
    chat, history = run(fake, "很长的问题")[-1]
    assert "问题太长，请精简。" in chat[-1]["content"] and history == []
    chat, history = run(fake, "2022年GDP是多少？", chat, history)[-1]
    assert "58亿元" in chat[-1]["content"] and len(history) == 2


def test_unexpected_error_is_not_shown_as_traceback() -> None:
    chat, _ = run(FakeAssistant(RuntimeError("boom")), "问题")[-1]
    assert "内部错误" in chat[-1]["content"] and "boom" not in chat[-1]["content"]


def test_follow_up_gets_plain_previous_turns() -> None:
    fake = FakeAssistant(answered(), refused())
    chat, history = run(fake, "2022年GDP是多少？")[-1]
    run(fake, "那2024年呢？", chat, history)
    _, passed = fake.calls[1]
    assert passed == [
        {"role": "user", "content": "2022年GDP是多少？"},
        {"role": "assistant", "content": answered().text},
    ]
    assert all("<" not in turn["content"] for turn in passed)


# --- API and app -----------------------------------------------------------------------------------
def test_api_ask_returns_json_and_raises_gr_error() -> None:
    fake = FakeAssistant(answered(), GovQAError("还没有导入任何报告。"))
    result = api_ask(fake, "2022年GDP是多少？", [])
    assert result["answer"] == answered().text and result["citations"][0]["paragraph"] == 7
    with pytest.raises(gr.Error, match="还没有导入任何报告"):
        api_ask(fake, "问题")


def test_build_app_exposes_ask_endpoint() -> None:
    app = build_app(FakeAssistant())
    endpoints = app.get_api_info()["named_endpoints"]
    assert list(endpoints) == ["/ask"]  # the UI plumbing stays private
    assert [p["parameter_name"] for p in endpoints["/ask"]["parameters"]] == ["question", "history"]
    chatbot = next(b for b in app.blocks.values() if isinstance(b, gr.Chatbot))
    assert chatbot.sanitize_html
    assert "坎墩街道2022年工作报告" in str(app.config)

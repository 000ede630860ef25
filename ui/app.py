"""Gradio chat over the indexed reports: a thin shell around Assistant.ask that streams and cites."""

from __future__ import annotations

import os

# Must be set before gradio is imported: it reads the flag at import time. Offline tool, no telemetry.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"

import html
import logging
import time
from collections.abc import Iterator, Sequence
from functools import partial
from typing import Any, Protocol

import gradio as gr

from assistant.errors import GovQAError
from assistant.records import Answer, Citation, Report
from index.textnorm import split_sentences

log = logging.getLogger(__name__)

TITLE = "政务报告问答"
EXAMPLES = (
    "2022年坎墩街道地区生产总值是多少？",
    "2023年计划建设多少个停车位？",
    "我们街道去年经济怎么样？",
    "2024年的GDP是多少？",
)
EXCERPT_CHARS = 120
STREAM_STEP = 4  # characters added per streamed update
STREAM_DELAY_S = 0.02  # the offline answer is ready at once; pacing makes the streaming visible

Message = dict[str, Any]


class AssistantLike(Protocol):
    def ask(self, question: str, history: Sequence[dict] | None = None) -> Answer: ...

    def reports(self) -> list[Report]: ...


# --- markup: pure functions, every report or user string escaped ----------------------------------
def _esc(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def _quote_spans(paragraph: str, quote: str) -> list[tuple[int, int]]:
    """Where the quote sits in its paragraph: whole, or sentence by sentence when it joins several."""
    if not quote:
        return []
    if (start := paragraph.find(quote)) >= 0:
        return [(start, start + len(quote))]
    spans = sorted(
        (start, start + len(s)) for s in split_sentences(quote) if (start := paragraph.find(s)) >= 0
    )
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(paragraph: str, quote: str) -> str:
    """The escaped paragraph with the quoted sentence(s) in <mark>."""
    spans = _quote_spans(paragraph, quote)
    if quote and not spans:  # a quote not found verbatim (e.g. from a generative model) is still shown
        return f"<p><mark>{_esc(quote)}</mark></p><p>{_esc(paragraph)}</p>"
    parts, pos = [], 0
    for start, end in spans:
        parts += [_esc(paragraph[pos:start]), f"<mark>{_esc(paragraph[start:end])}</mark>"]
        pos = end
    parts.append(_esc(paragraph[pos:]))
    return "".join(parts)


def _place(c: Citation) -> str:
    return " · ".join(_esc(p) for p in (c.doc_title, c.section, f"第{c.paragraph}段") if p)


def render_source(c: Citation) -> str:
    return (f"<details><summary>[{c.n}] {_place(c)}</summary>"
            f"<blockquote>{highlight(c.text, c.quote)}</blockquote></details>")


def _excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS] + "…"


def render_related(c: Citation) -> str:
    return f"<li>{_place(c)}：{_esc(_excerpt(c.text))}</li>"


def render_sources(answer: Answer) -> str:
    """Cited paragraphs for an answer; the closest paragraphs for a refusal."""
    if answer.answered and answer.citations:
        # One line, no blank lines: markdown then passes the whole block through as HTML.
        return "<p><strong>来源</strong></p>" + "".join(render_source(c) for c in answer.citations)
    if not answer.answered and answer.related:
        return "<p><strong>相关段落</strong></p><ul>" + "".join(render_related(c) for c in answer.related) + "</ul>"
    return ""


def render_text(text: str) -> str:
    return f"<p>{_esc(text)}</p>"


def render_answer(answer: Answer) -> str:
    notice = f"<p><em>（{_esc(answer.notice)}）</em></p>" if answer.notice else ""
    return render_text(answer.text) + notice + render_sources(answer)


def render_error(message: str) -> str:
    return f"<p>⚠️ {_esc(message)}</p>"


def indexed_line(reports: Sequence[Report]) -> str:
    if not reports:
        return "尚未导入任何报告。"
    return "已索引报告：" + "、".join(_esc(r.title) for r in reports)


# --- handlers --------------------------------------------------------------------------------------
def _prefixes(text: str, step: int) -> Iterator[str]:
    for end in range(step, len(text), step):
        yield text[:end]


def respond(assistant: AssistantLike, question: str, chat: list[Message], history: list[dict], *,
            step: int = STREAM_STEP, delay: float = STREAM_DELAY_S) -> Iterator[tuple[list[Message], list[dict]]]:
    """Chat handler: streams the answer text, then the answer with its sources.

    `chat` holds the rendered messages; `history` the plain turns the assistant sees for follow-ups.
    """
    shown = [*chat, {"role": "user", "content": _esc(question)}] if question.strip() else list(chat)
    try:
        answer = assistant.ask(question, history)
    except GovQAError as exc:
        yield [*shown, {"role": "assistant", "content": render_error(str(exc))}], history
        return
    except Exception:  # keep the chat usable; the traceback goes to the log, not the page
        log.exception("ask failed")
        yield [*shown, {"role": "assistant", "content": render_error("内部错误，请稍后重试。")}], history
        return
    for partial_text in _prefixes(answer.text, step):
        yield [*shown, {"role": "assistant", "content": render_text(partial_text)}], history
        time.sleep(delay)
    turns = [{"role": "user", "content": question}, {"role": "assistant", "content": answer.text}]
    yield [*shown, {"role": "assistant", "content": render_answer(answer)}], [*history, *turns]


def api_ask(assistant: AssistantLike, question: str, history: list[dict] | None = None) -> dict:
    try:
        return assistant.ask(question, history or None).to_json()
    except GovQAError as exc:
        raise gr.Error(str(exc)) from exc


def _take_question(text: str) -> tuple[str, str]:
    """Clear the textbox and hand the question on."""
    return "", text


def _example_question(evt: gr.SelectData) -> str:
    return evt.value["text"]


def _cleared() -> tuple[list[Message], list[dict]]:
    return [], []


# --- app -------------------------------------------------------------------------------------------
def build_app(assistant: AssistantLike) -> gr.Blocks:
    with gr.Blocks(title=TITLE) as app:
        gr.Markdown(f"# {TITLE}")
        gr.Markdown(indexed_line(assistant.reports()))
        chatbot = gr.Chatbot(
            label="对话", height=560, sanitize_html=True, latex_delimiters=[],
            examples=[{"text": q} for q in EXAMPLES], placeholder="请就已索引的报告提问，答案会注明出处段落。",
        )
        history = gr.State([])  # plain-text turns, without the sources markup
        pending = gr.State("")
        with gr.Row():
            textbox = gr.Textbox(placeholder="输入问题，回车发送", show_label=False, scale=8, autofocus=True)
            send = gr.Button("发送", variant="primary", scale=1)
        clear = gr.Button("清空对话", variant="secondary")

        private = {"api_visibility": "private"}  # UI plumbing; the public API is "ask" alone
        answering = gr.on(
            [textbox.submit, send.click], _take_question, textbox, [textbox, pending], queue=False, **private
        ).then(partial(respond, assistant), [pending, chatbot, history], [chatbot, history], **private)
        from_example = chatbot.example_select(_example_question, None, pending, queue=False, **private).then(
            partial(respond, assistant), [pending, chatbot, history], [chatbot, history], **private
        )
        for trigger in (clear.click, chatbot.clear):
            trigger(_cleared, None, [chatbot, history], queue=False, cancels=[answering, from_example], **private)

        # A typed function, not a partial: gr.api derives the endpoint's schema from these hints.
        def ask(question: str, history: list[dict] | None = None) -> dict:
            """回答关于已索引报告的问题。history：此前的对话 [{role, content}]。返回答案、引用与检索结果。"""
            return api_ask(assistant, question, history)

        gr.api(ask, api_name="ask")
    return app


def serve(assistant: AssistantLike, host: str = "127.0.0.1", port: int = 7860) -> None:
    app = build_app(assistant)
    app.queue()
    app.launch(server_name=host, server_port=port, share=False, show_error=True)

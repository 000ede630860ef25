"""Gradio app over the indexed reports: residents' chat with sources and feedback, the report viewer,
and (behind GOVQA_STAFF_PASSWORD) the staff workspace. Markup lives in ui/render.py and ui/reports.py."""

from __future__ import annotations

import os

# Must be set before gradio is imported: it reads the flag at import time. Offline tool, no telemetry.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"

import logging
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import gradio as gr

from assistant.answer.scope import Scope
from assistant.feedback import FeedbackStore
from assistant.ratelimit import RateLimiter
from assistant.records import Answer
from index.errors import GovQAError
from index.records import Report
from ui.assets import BRIDGE_JS, PRIVACY_NOTE, SCROLL_JS, TEXT_SIZE_HTML, TEXT_SIZE_JS
from ui.clients import ClientAddresses
from ui.render import (
    SCRIPT_CHOICES, Coverage, Message, Script, Turn, coverage_of, indexed_line, parse_paragraph_anchor, plain_html,
    render_chat, render_text, user_message,
)
from ui.ledger_tab import build_ledger_tab
from ui.reports import render_report, report_choices
from ui.staff import PRIVATE, StaffAssistant, StaffGate, api_delete_report, build_staff_tab

log = logging.getLogger(__name__)

TITLE = "政务报告问答"
EXAMPLES = (
    "2022年坎墩街道地区生产总值是多少？",
    "2023年计划建设多少个停车位？",
    "我们街道去年经济怎么样？",
    "2024年的GDP是多少？",
)
STREAM_STEP = 4  # characters added per streamed update
STREAM_DELAY_S = 0.02  # the offline answer is ready at once; pacing makes the streaming visible
INTERNAL_ERROR = "内部错误，请稍后重试。"


@dataclass(frozen=True)
class Limits:
    """Per-client limits of the handlers, keyed on the client address (not Gradio's session, which
    every raw API call gets anew). None = unlimited."""

    asks: RateLimiter | None = None
    feedback: RateLimiter | None = None
    clients: ClientAddresses = ClientAddresses()

    def admission(self, limiter: RateLimiter | None, request: Any) -> Callable[[], None] | None:
        if limiter is None:
            return None
        key = self.clients.of_request(request)
        return lambda: limiter.check(key)


class AssistantLike(StaffAssistant, Protocol):
    def ask(self, question: str, history: Sequence[dict] | None = None, *, scope: Scope | None = None) -> Answer: ...

    def report(self, doc_id: str) -> Report | None: ...


# --- chat ------------------------------------------------------------------------------------------
def _prefixes(text: str, step: int) -> Iterator[str]:
    for end in range(step, len(text), step):
        yield text[:end]


def _coverage(assistant: AssistantLike, answer: Answer) -> tuple[Coverage, ...]:
    """For a refusal: what the reports near the question (or all of them) do cover."""
    if answer.answered:
        return ()
    doc_ids = dict.fromkeys(c.doc_id for c in answer.related) or [r.doc_id for r in assistant.reports()]
    return tuple(coverage_of(report) for report in map(assistant.report, doc_ids) if report)


def _record(feedback: FeedbackStore | None, question: str, answer: Answer, history: list[dict]) -> int | None:
    """Every answer gets a row (rating 0) so refusals reach the export; a vote updates it."""
    if feedback is None:
        return None
    try:
        return feedback.record(question, answer, 0, history=history or None)
    except sqlite3.Error:  # feedback is a side channel: never cost the resident the answer
        log.exception("could not record the answer for feedback")
        return None


def respond(assistant: AssistantLike, question: str, turns: list[Turn], script: Script = "auto",
            feedback: FeedbackStore | None = None, *, step: int = STREAM_STEP, delay: float = STREAM_DELAY_S,
            admit: Callable[[], None] | None = None) -> Iterator[tuple[list[Message], list[Turn]]]:
    """Chat handler: shows the question, streams the answer text, then the answer with its sources.

    `turns` is the conversation so far; the chat markup is always re-rendered from it.
    """
    shown = render_chat(turns, script)
    if not question.strip():
        yield shown, turns
        return
    shown.append(user_message(question))
    yield shown, turns
    history = [message for turn in turns for message in turn.history()]
    try:
        if admit is not None:
            admit()  # the session's rate limit: RateLimited is a GovQAError, shown like any other
        answer = assistant.ask(question, history)
    except GovQAError as exc:
        turn = Turn(question, error=str(exc))
    except Exception:  # keep the chat usable; the traceback goes to the log, not the page
        log.exception("ask failed")
        turn = Turn(question, error=INTERNAL_ERROR)
    else:
        cited = {c.n for c in answer.citations}
        for partial_text in _prefixes(answer.text, step):
            yield [*shown, {"role": "assistant", "content": render_text(partial_text, len(turns), cited, script)}], turns
            time.sleep(delay)
        turn = Turn(question, answer, feedback_id=_record(feedback, question, answer, history),
                    coverage=_coverage(assistant, answer))
    turns = [*turns, turn]
    yield render_chat(turns, script), turns


def api_ask(assistant: AssistantLike, question: str, history: list[dict] | None = None,
            admit: Callable[[], None] | None = None, scope: Scope | None = None) -> dict:
    """The API's answer. Refusals carry their Chinese message and log one line; anything else is a
    generic message to the caller and a traceback in the log only."""
    try:
        if admit is not None:
            admit()
        return assistant.ask(question, history or None, scope=scope).to_json()
    except GovQAError as exc:
        log.debug("ask refused: %s", exc)  # expected (limits, bad input): not worth a line each
        raise gr.Error(str(exc), print_exception=False) from exc
    except Exception as exc:
        log.exception("ask failed")
        raise gr.Error(INTERNAL_ERROR, print_exception=False) from exc


# --- feedback --------------------------------------------------------------------------------------
def _rating(liked: bool | str) -> int:
    """Gradio sends True (👍), False (👎) or "" when a vote is taken back."""
    return 1 if liked is True else -1 if liked is False else 0


def vote(feedback: FeedbackStore, turns: Sequence[Turn], message_index: int,
         liked: bool | str, admit: Callable[[], None] | None = None) -> tuple[dict, int | None, str]:
    """(comment box, row the comment goes to, message) after 👍/👎 on the chat message at that index."""
    turn_index = message_index // 2  # each turn is a question and a reply
    turn = turns[turn_index] if 0 <= turn_index < len(turns) else None
    if turn is None or turn.feedback_id is None:
        return gr.update(visible=False), None, plain_html("这条消息无法评价。")
    try:
        if admit is not None:
            admit()
    except GovQAError as exc:
        return gr.update(visible=False), None, plain_html(str(exc))
    rating = _rating(liked)
    feedback.rate(turn.feedback_id, rating)
    if rating == 0:
        return gr.update(visible=False), None, plain_html("已撤回评价。")
    return gr.update(visible=True), turn.feedback_id, plain_html("感谢反馈！如愿意，可以补充说明：")


def save_comment(feedback: FeedbackStore, row_id: int | None, comment: str,
                 admit: Callable[[], None] | None = None) -> tuple[dict, int | None, str, str]:
    """(comment box, pending row, text, message): hidden and cleared once saved; kept for a too-long comment."""
    if row_id is not None and comment.strip():
        try:
            if admit is not None:
                admit()
            feedback.add_comment(row_id, comment)
        except GovQAError as exc:
            return gr.update(visible=True), row_id, comment, plain_html(str(exc))
    return gr.update(visible=False), None, "", plain_html("已收到，谢谢！")


# --- report viewer ---------------------------------------------------------------------------------
def open_paragraph(assistant: AssistantLike, anchor: str) -> tuple[dict, str, gr.Tabs]:
    """A source link was clicked: show its report in the viewer tab with the paragraph marked."""
    target = parse_paragraph_anchor(anchor or "")
    report = assistant.report(target[0]) if target else None
    if report is None:
        return gr.update(), '<p class="warning">这份报告已不在索引中。</p>', gr.Tabs(selected="viewer")
    return gr.update(value=report.doc_id), render_report(report, focus=target[1]), gr.Tabs(selected="viewer")


def show_report(assistant: AssistantLike, doc_id: str | None) -> str:
    return render_report(assistant.report(doc_id) if doc_id else None)


def on_page_load(assistant: AssistantLike) -> tuple[str, dict, str]:
    """Fresh lists for every page, so reports added or deleted by staff show up on reload."""
    reports = assistant.reports()
    first = reports[0].doc_id if reports else None
    return indexed_line(reports), gr.update(choices=report_choices(reports), value=first), show_report(assistant, first)


# --- app -------------------------------------------------------------------------------------------
def build_app(assistant: AssistantLike, *, gate: StaffGate | None = None, feedback: FeedbackStore | None = None,
              limits: Limits = Limits()) -> gr.Blocks:
    """The whole app. No gate with a password: no staff tab and no staff endpoint. No feedback store: no
    votes. `limits` cap questions, votes and comments per client address."""
    gate = gate or StaffGate(None)
    with gr.Blocks(title=TITLE) as app:
        gr.Markdown(f"# {TITLE}")
        gr.HTML(TEXT_SIZE_HTML, js_on_load=TEXT_SIZE_JS, elem_id="govqa-text-size")  # 字号, kept in the browser
        indexed = gr.HTML(indexed_line(assistant.reports()))  # report titles: text, never Markdown
        # Receives clicks on source links inside chat messages (see ui/assets.py).
        bridge = gr.HTML("", visible="hidden", js_on_load=BRIDGE_JS, elem_id="govqa-bridge")
        with gr.Tabs() as tabs:
            with gr.Tab("问答", id="chat"):
                _chat_tab(assistant, feedback, limits)
            with gr.Tab("报告原文", id="viewer"):
                viewer_select = gr.Dropdown(label="报告", choices=[], interactive=True)
                viewer = gr.HTML(elem_id="govqa-viewer")
            ledger_tab = None
            if (ledger := getattr(assistant, "ledger", None)) is not None:  # residents and staff alike
                with gr.Tab("承诺台账", id="ledger"):
                    ledger_tab = build_ledger_tab(ledger)
            if gate.enabled:
                with gr.Tab("工作人员", id="staff"):
                    for change in build_staff_tab(gate, assistant):
                        change.then(lambda: on_page_load(assistant), None, [indexed, viewer_select, viewer], **PRIVATE)
                        if ledger_tab is not None:
                            ledger_tab.reload_on(change.then)

        viewer_select.input(lambda doc_id: show_report(assistant, doc_id), viewer_select, viewer, **PRIVATE)
        bridge.change(lambda anchor: open_paragraph(assistant, anchor), bridge, [viewer_select, viewer, tabs],
                      **PRIVATE).then(None, bridge, None, js=SCROLL_JS, **PRIVATE)
        app.load(lambda: on_page_load(assistant), None, [indexed, viewer_select, viewer], **PRIVATE)
        if ledger_tab is not None:
            ledger_tab.reload_on(app.load)
        _api(assistant, gate, limits)
    return app


def _example_question(evt: gr.SelectData) -> str:
    return evt.value["text"]


def _chat_tab(assistant: AssistantLike, feedback: FeedbackStore | None, limits: Limits) -> None:
    """The residents' chat and its events."""
    chatbot = gr.Chatbot(
        label="对话", show_label=False, height="65vh", sanitize_html=True, latex_delimiters=[],
        buttons=["copy", "copy_all"],  # not Gradio's share button: it posts to Hugging Face
        examples=[{"text": q} for q in EXAMPLES], placeholder="请就已索引的报告提问，答案会注明出处段落。",
    )
    turns = gr.State([])
    pending = gr.State("")
    with gr.Row():
        textbox = gr.Textbox(label="问题", placeholder="输入问题，回车发送", show_label=False, scale=8, autofocus=True)
        send = gr.Button("发送", variant="primary", scale=1, min_width=80)
    gr.HTML(PRIVACY_NOTE)
    with gr.Row():
        clear = gr.Button("清空对话", variant="secondary", scale=1, min_width=80)
        script = gr.Radio(SCRIPT_CHOICES, value="auto", label="答案简繁", scale=2)
    with gr.Row(visible=False) as comment_row:
        comment = gr.Textbox(label="补充说明", placeholder="补充说明（可选）", show_label=False, scale=8, max_lines=3,
                             elem_id="govqa-comment")
        send_comment = gr.Button("提交", scale=1, min_width=80)
    feedback_message = gr.HTML()
    comment_target = gr.State(None)

    def on_question(question: str, turns_now: list[Turn], script_now: Script, request: gr.Request):
        yield from respond(assistant, question, turns_now, script_now, feedback,
                           admit=limits.admission(limits.asks, request))

    answer_io = ([pending, turns, script], [chatbot, turns])
    answering = gr.on([textbox.submit, send.click], lambda text: ("", text), textbox, [textbox, pending],
                      queue=False, **PRIVATE).then(on_question, *answer_io, **PRIVATE)
    from_example = chatbot.example_select(_example_question, None, pending, queue=False,
                                          **PRIVATE).then(on_question, *answer_io, **PRIVATE)
    for trigger in (clear.click, chatbot.clear):
        trigger(lambda: ([], [], gr.update(visible=False), None, ""), None,
                [chatbot, turns, comment_row, comment_target, feedback_message], queue=False,
                cancels=[answering, from_example], **PRIVATE)
    script.change(render_chat, [turns, script], chatbot, queue=False, **PRIVATE)

    if feedback is not None:  # the like event is what makes Gradio show 👍/👎 on each answer
        def on_vote(turns_now: list[Turn], data: gr.LikeData, request: gr.Request):
            return vote(feedback, turns_now, data.index, data.liked, limits.admission(limits.feedback, request))

        def on_comment(row_id: int | None, text: str, request: gr.Request):
            return save_comment(feedback, row_id, text, limits.admission(limits.feedback, request))

        chatbot.like(on_vote, turns, [comment_row, comment_target, feedback_message], **PRIVATE)
        gr.on([comment.submit, send_comment.click], on_comment,
              [comment_target, comment], [comment_row, comment_target, comment, feedback_message], **PRIVATE)


def _scope(report: str | None, place: str | None, year: int | str | None) -> Scope:
    try:
        return Scope(report or None, place or None, int(year) if year else None)
    except (TypeError, ValueError) as exc:
        raise gr.Error("year 应为年份数字，如 2025。", print_exception=False) from exc


def _api(assistant: AssistantLike, gate: StaffGate, limits: Limits) -> None:
    # Typed functions, not partials: gr.api derives each endpoint's schema from these hints.
    def ask(question: str, history: list[dict] | None = None, report: str | None = None, place: str | None = None,
            year: int | None = None, request: gr.Request = None) -> dict:
        """回答关于已索引报告的问题。history：此前的对话 [{role, content}]；report/place/year：只在这份报告、
        这个政府或这一年的报告中查找。返回答案、引用（含报告标题、地方、年份）与检索结果。"""
        return api_ask(assistant, question, history, admit=limits.admission(limits.asks, request),
                       scope=_scope(report, place, year))

    gr.api(ask, api_name="ask")
    if gate.enabled:
        def delete_report(doc_id: str, password: str, request: gr.Request = None) -> str:
            """工作人员：删除一份报告。需要工作人员密码。"""
            return api_delete_report(gate, assistant, doc_id, password, request)

        gr.api(delete_report, api_name="delete_report")

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
from dataclasses import dataclass, replace
from typing import Any, Protocol

import gradio as gr

from assistant.answer.scope import Scope
from assistant.feedback import FeedbackStore
from assistant.ratelimit import RateLimiter
from assistant.records import FROM_REPORTS, Answer
from index.errors import GovQAError
from index.records import Report
from ui.assets import ACCESSIBLE_NAMES_JS, PRIVACY_NOTE, TEXT_SIZE_HTML, TEXT_SIZE_JS
from ui.page_scripts import BRIDGE_JS, COPY_ALL_JS, SCROLL_JS, SCROLL_TO_OPEN_JS
from ui.clients import ClientAddresses
from ui.render import (
    SCRIPT_CHOICES, Coverage, Message, Script, Turn, coverage_of, feedback_values, indexed_line, parse_paragraph_anchor,
    plain_html, render_chat, render_text, user_message,
)
from ui.scope_picker import ALL, choices, describe, report_choices as resident_report_choices
from ui.ledger_tab import build_ledger_tab
from ui.reports import render_report
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
MAX_RESTORED_TURNS = 20  # a reload asks the kept questions again: bounded, ~0.3 s each


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
    if answer.answered or answer.kind != FROM_REPORTS:  # a greeting or a service how-to searched no report
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
            feedback: FeedbackStore | None = None, *, scope: Scope = Scope(), scope_label: str = "",
            step: int = STREAM_STEP, delay: float = STREAM_DELAY_S,
            admit: Callable[[], None] | None = None) -> Iterator[tuple[list[Message], list[Turn]]]:
    """Chat handler: shows the question, streams the answer text, then the answer with its sources.

    `turns` is the conversation so far; the chat markup is always re-rendered from it.
    """
    shown = render_chat(turns, script)
    if not question.strip():
        yield shown, turns
        return
    shown.append(user_message(question, scope_label))
    yield shown, turns
    history = [message for turn in turns for message in turn.history()]
    try:
        if admit is not None:
            admit()  # the session's rate limit: RateLimited is a GovQAError, shown like any other
        answer = assistant.ask(question, history, scope=scope)
    except GovQAError as exc:
        turn = Turn(question, error=str(exc), scope=scope, scope_label=scope_label)
    except Exception:  # keep the chat usable; the traceback goes to the log, not the page
        log.exception("ask failed")
        turn = Turn(question, error=INTERNAL_ERROR, scope=scope, scope_label=scope_label)
    else:
        cited = {c.n for c in answer.citations}
        for partial_text in _prefixes(answer.text, step):
            yield [*shown, {"role": "assistant", "content": render_text(partial_text, len(turns), cited, script)}], turns
            time.sleep(delay)
        turn = Turn(question, answer, feedback_id=_record(feedback, question, answer, history),
                    coverage=_coverage(assistant, answer), scope=scope, scope_label=scope_label)
    turns = [*turns, turn]
    yield render_chat(turns, script), turns


def restore(assistant: AssistantLike, saved: Any, script: Script = "auto") -> list[Turn]:
    """The conversation a reloaded page had, asked again (answers are deterministic) from what the browser
    kept: questions, their scopes and votes. Not recorded again as feedback; a vote on it records it then."""
    turns: list[Turn] = []
    for entry in list(saved)[-MAX_RESTORED_TURNS:] if isinstance(saved, list) else []:
        try:  # the browser's storage is the user's: skip what is not ours
            question, scope = str(entry["q"]), _scope(entry.get("report"), entry.get("gov"), entry.get("year"))
        except (KeyError, TypeError, AttributeError, gr.Error):
            continue
        if not question.strip():
            continue
        *_, (_, asked) = respond(assistant, question, turns, script, scope=scope,
                                 scope_label=str(entry.get("label") or ""), step=10**9, delay=0)
        turns = [*asked[:-1], replace(asked[-1], rating=_rating_of(entry.get("rating")))]
    return turns


def saved_form(turns: Sequence[Turn]) -> list[dict]:
    """What the browser keeps of the conversation (gr.BrowserState): no answers, no ids."""
    return [{"q": t.question, "report": t.scope.report, "gov": t.scope.place, "year": t.scope.year,
             "label": t.scope_label, "rating": t.rating} for t in turns]


def _rating_of(value: Any) -> int:
    return value if value in (1, -1) else 0


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
         liked: bool | str, admit: Callable[[], None] | None = None) -> tuple[dict, int | None, str, list[Turn]]:
    """(comment box, row the comment goes to, message, turns with the vote kept) after 👍/👎 on the chat
    message at that index. A restored turn has no row yet: the vote records it."""
    turns = list(turns)
    turn_index = message_index // 2  # each turn is a question and a reply
    turn = turns[turn_index] if 0 <= turn_index < len(turns) else None
    if turn is None or turn.answer is None:
        return gr.update(visible=False), None, plain_html("这条消息无法评价。"), turns
    try:
        if admit is not None:
            admit()
    except GovQAError as exc:
        return gr.update(visible=False), None, plain_html(str(exc)), turns
    rating = _rating(liked)
    row_id = turn.feedback_id
    if row_id is None:
        history = [message for earlier in turns[:turn_index] for message in earlier.history()]
        row_id = _record(feedback, turn.question, turn.answer, history)
        if row_id is None:
            return gr.update(visible=False), None, plain_html("暂时无法评价，请稍后重试。"), turns
    feedback.rate(row_id, rating)
    turns[turn_index] = replace(turn, feedback_id=row_id, rating=rating)
    if rating == 0:
        return gr.update(visible=False), None, plain_html("已撤回评价。"), turns
    return gr.update(visible=True), row_id, plain_html("感谢反馈！如愿意，可以补充说明："), turns


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
def open_paragraph(assistant: AssistantLike, anchor: str, script: Script = "auto") -> tuple[dict, str, gr.Tabs]:
    """A source link was clicked (or a deep link opened): its report in the viewer tab, the cited sentences marked."""
    target = parse_paragraph_anchor(anchor or "")
    report = assistant.report(target.doc_id) if target else None
    if report is None:
        return gr.update(), '<p class="warning">这份报告已不在索引中。</p>', gr.Tabs(selected="viewer")
    return gr.update(value=report.doc_id), render_report(report, target, script), gr.Tabs(selected="viewer")


def show_report(assistant: AssistantLike, doc_id: str | None, script: Script = "auto") -> str:
    return render_report(assistant.report(doc_id) if doc_id else None, script=script)


# --- app -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChatParts:
    """The chat tab's components the page-level events (load, script switch) update."""

    chatbot: gr.Chatbot
    turns: gr.State
    saved: gr.BrowserState
    government: gr.Dropdown
    year: gr.Dropdown
    report: gr.Dropdown
    scope_line: gr.HTML


def on_page_load(assistant: AssistantLike, saved: Any, saved_script: Any, request: gr.Request | None) -> tuple:
    """Fresh lists for every page (reports added or deleted by staff show up on reload), the conversation the
    browser kept, and the deep link of the URL: ?q=…(&gov=&year=&report=) asks it, ?open=p-… opens the viewer."""
    reports = assistant.reports()
    query = dict(request.query_params) if request is not None else {}
    script: Script = saved_script if saved_script in ("auto", "simplified", "traditional") else "auto"
    turns = restore(assistant, saved, script)
    government, year, report = (query.get(k) or ALL for k in ("gov", "year", "report"))
    picked = choices(reports, government, year)
    first = reports[0].doc_id if reports else None
    viewer_choice, viewer_html, tab = gr.update(value=first), show_report(assistant, first, script), gr.Tabs()
    if (anchor := query.get("open")) and parse_paragraph_anchor(anchor):
        viewer_choice, viewer_html, tab = open_paragraph(assistant, anchor, script)
    try:
        scope = _scope(report, government, year)
    except gr.Error:
        scope, government, year, report = Scope(), ALL, ALL, ALL
    return (indexed_line(reports), gr.update(choices=resident_report_choices(reports), **_value(viewer_choice)),
            viewer_html, tab, script,
            gr.update(choices=picked.governments, value=government), gr.update(choices=picked.years, value=year),
            gr.update(choices=picked.reports, value=report), plain_html("提问范围：" + describe(scope, reports)),
            *((_chat_update(turns, script), turns) if turns else (gr.skip(), gr.skip())),  # never wipe a question typed meanwhile
            query.get("q", ""))


def _value(update: dict) -> dict:
    return {"value": update["value"]} if isinstance(update, dict) and "value" in update else {}


def _chat_update(turns: Sequence[Turn], script: Script) -> dict:
    return gr.update(value=render_chat(turns, script), feedback_value=feedback_values(turns))


def build_app(assistant: AssistantLike, *, gate: StaffGate | None = None, feedback: FeedbackStore | None = None,
              limits: Limits = Limits()) -> gr.Blocks:
    """The whole app. No gate with a password: no staff tab and no staff endpoint. No feedback store: no
    votes. `limits` cap questions, votes and comments per client address."""
    gate = gate or StaffGate(None)
    with gr.Blocks(title=TITLE) as app:
        with gr.Row(elem_id="govqa-header", equal_height=True):
            gr.Markdown(f"# {TITLE}")
            gr.HTML(TEXT_SIZE_HTML, js_on_load=TEXT_SIZE_JS, elem_id="govqa-text-size")  # 字号, kept in the browser
            # One switch for everything shown: answers, sources, the viewer, the ledger, copies.
            script = gr.Radio(SCRIPT_CHOICES, value="auto", label="简繁", elem_id="govqa-script", scale=0, min_width=240)
        saved_script = gr.BrowserState("auto", storage_key="govqa-script")
        indexed = gr.HTML(indexed_line(assistant.reports()))  # report titles: text, never Markdown
        # Receives clicks on source links inside chat messages (see ui/assets.py).
        bridge = gr.HTML("", visible="hidden", js_on_load=BRIDGE_JS + ACCESSIBLE_NAMES_JS, elem_id="govqa-bridge")
        with gr.Tabs() as tabs:
            with gr.Tab("问答", id="chat"):
                chat = _chat_tab(assistant, feedback, limits, script)
            with gr.Tab("报告原文", id="viewer"):
                viewer_select = gr.Dropdown(label="选择报告", choices=[], interactive=True, filterable=True)
                viewer = gr.HTML(elem_id="govqa-viewer")
                viewer_anchor = gr.State("")  # the link the viewer was opened at, for re-rendering it
            ledger_tab = None
            if (ledger := getattr(assistant, "ledger", None)) is not None:  # residents and staff alike
                with gr.Tab("承诺台账", id="ledger") as ledger_tab_shown:
                    ledger_tab = build_ledger_tab(ledger, script)
                ledger_tab.open_on(ledger_tab_shown.select)
            if gate.enabled:
                with gr.Tab("工作人员", id="staff"):
                    for change in build_staff_tab(gate, assistant, feedback=feedback):
                        change.then(lambda: _report_lists(assistant), None, [indexed, viewer_select], **PRIVATE)
                        if ledger_tab is not None:
                            ledger_tab.reload_on(change.then)

        def on_viewer_select(doc_id: str | None, script_now: Script):
            return show_report(assistant, doc_id, script_now), ""

        def on_open(opened: str, script_now: Script):
            anchor = (opened or "").split(" ")[0]  # the bridge adds a counter so the same link fires twice
            return (*open_paragraph(assistant, anchor, script_now), anchor)

        def on_script(turns_now: list[Turn], doc_id: str | None, anchor: str, script_now: Script):
            viewer_html = (open_paragraph(assistant, anchor, script_now)[1] if anchor
                           else show_report(assistant, doc_id, script_now))
            return _chat_update(turns_now, script_now), viewer_html, script_now

        # The deep link's question: its own state, so a load finishing late never clears a question typed meanwhile.
        linked = gr.State("")

        def on_load(saved: Any, saved_script_now: Any, request: gr.Request):
            return on_page_load(assistant, saved, saved_script_now, request)

        viewer_select.input(on_viewer_select, [viewer_select, script], [viewer, viewer_anchor], **PRIVATE)
        bridge.change(on_open, [bridge, script], [viewer_select, viewer, tabs, viewer_anchor],
                      **PRIVATE).then(None, bridge, None, js=SCROLL_JS, **PRIVATE)
        script.input(on_script, [chat.turns, viewer_select, viewer_anchor, script], [chat.chatbot, viewer, saved_script],
                     queue=False, **PRIVATE)
        app.load(on_load, [chat.saved, saved_script],
                 [indexed, viewer_select, viewer, tabs, script, chat.government, chat.year, chat.report, chat.scope_line,
                  chat.chatbot, chat.turns, linked], **PRIVATE).then(
            *_asking(assistant, feedback, limits, chat, script, linked), **PRIVATE).then(
            None, None, None, js=SCROLL_TO_OPEN_JS, **PRIVATE)
        _api(assistant, gate, limits)
    return app


def _report_lists(assistant: AssistantLike) -> tuple[str, dict]:
    reports = assistant.reports()
    return indexed_line(reports), gr.update(choices=resident_report_choices(reports))


def _example_question(evt: gr.SelectData) -> str:
    return evt.value["text"]


def _asking(assistant: AssistantLike, feedback: FeedbackStore | None, limits: Limits, chat: ChatParts,
            script: gr.Radio, question: gr.State) -> tuple:
    """The (fn, inputs, outputs, ...) of answering `question`'s text in the chosen scope, for .then()."""
    def on_question(question: str, turns_now: list[Turn], script_now: Script, government: str, year: str,
                    report: str, request: gr.Request):
        if not question.strip():  # a page load without ?q=: leave a conversation running meanwhile alone
            yield gr.skip(), gr.skip(), gr.skip()
            return
        scope = _scope(report, government, year)
        label = "" if scope.empty else describe(scope, assistant.reports())
        for shown, turns_after in respond(assistant, question, turns_now, script_now, feedback, scope=scope,
                                          scope_label=label, admit=limits.admission(limits.asks, request)):
            yield gr.update(value=shown, feedback_value=feedback_values(turns_after)), turns_after, saved_form(turns_after)

    return (on_question, [question, chat.turns, script, chat.government, chat.year, chat.report],
            [chat.chatbot, chat.turns, chat.saved])


def _chat_tab(assistant: AssistantLike, feedback: FeedbackStore | None, limits: Limits, script: gr.Radio) -> ChatParts:
    """The residents' chat, its scope selector and its events."""
    chatbot = gr.Chatbot(
        label="对话", show_label=False, height="60vh", elem_id="govqa-chat", sanitize_html=True, latex_delimiters=[],
        buttons=[],  # Gradio's copy puts raw HTML on the clipboard and its share posts to Hugging Face: ours are in each answer
        examples=[{"text": q} for q in EXAMPLES], placeholder="请就已索引的报告提问，答案会注明出处段落。",
        feedback_options=("Like", "Dislike") if feedback is not None else (),
    )
    turns = gr.State([])
    saved = gr.BrowserState([], storage_key="govqa-conversation")
    pending = gr.State("")
    with gr.Row(visible=False) as comment_row:  # right under the chat, where the 👎 was given
        comment = gr.Textbox(label="补充说明", placeholder="补充说明（可选）", show_label=False, scale=8, max_lines=3,
                             elem_id="govqa-comment")
        send_comment = gr.Button("提交", scale=1, min_width=80)
    feedback_message = gr.HTML()
    comment_target = gr.State(None)
    scope_line = gr.HTML(elem_id="govqa-scope-line")
    with gr.Accordion("选择提问范围（政府、年份、报告）", open=False, elem_id="govqa-scope"):
        with gr.Row():
            government = gr.Dropdown(label="政府", choices=[("全部政府", ALL)], value=ALL, filterable=True)
            year = gr.Dropdown(label="年份", choices=[("全部年份", ALL)], value=ALL)
            report = gr.Dropdown(label="报告", choices=[("全部报告", ALL)], value=ALL, filterable=True)
    with gr.Row():
        textbox = gr.Textbox(label="问题", placeholder="输入问题，回车发送", show_label=False, scale=8, autofocus=True)
        send = gr.Button("发送", variant="primary", scale=1, min_width=80)
    gr.HTML(PRIVACY_NOTE)
    with gr.Row():
        clear = gr.Button("清空对话", variant="secondary", scale=1, min_width=80)
        copy_all = gr.Button("复制全部对话", variant="secondary", scale=1, min_width=80)
    chat = ChatParts(chatbot, turns, saved, government, year, report, scope_line)

    asking = _asking(assistant, feedback, limits, chat, script, pending)
    answering = gr.on([textbox.submit, send.click], lambda text: ("", text), textbox, [textbox, pending],
                      queue=False, **PRIVATE).then(*asking, **PRIVATE)
    from_example = chatbot.example_select(_example_question, None, pending, queue=False,
                                          **PRIVATE).then(*asking, **PRIVATE)
    for trigger in (clear.click, chatbot.clear):
        trigger(lambda: ([], [], [], gr.update(visible=False), None, ""), None,
                [chatbot, turns, saved, comment_row, comment_target, feedback_message], queue=False,
                cancels=[answering, from_example], **PRIVATE)
    copy_all.click(None, None, None, js=COPY_ALL_JS, **PRIVATE)

    def on_scope(government_now: str, year_now: str, report_now: str):
        reports = assistant.reports()
        picked = choices(reports, government_now, year_now)
        years = [v for _, v in picked.years]
        year_now = year_now if year_now in years else ALL
        picked = choices(reports, government_now, year_now)
        report_now = report_now if report_now in [v for _, v in picked.reports] else ALL
        try:
            scope = _scope(report_now, government_now, year_now)
        except gr.Error:
            scope = Scope()
        return (gr.update(choices=picked.years, value=year_now), gr.update(choices=picked.reports, value=report_now),
                plain_html("提问范围：" + describe(scope, reports)))

    gr.on([government.input, year.input, report.input], on_scope, [government, year, report],
          [year, report, scope_line], queue=False, **PRIVATE)

    if feedback is not None:  # the like event is what makes Gradio show 👍/👎 on each answer
        def on_vote(turns_now: list[Turn], data: gr.LikeData, request: gr.Request):
            box, row, message, turns_after = vote(feedback, turns_now, data.index, data.liked,
                                                  limits.admission(limits.feedback, request))
            return box, row, message, turns_after, saved_form(turns_after)

        def on_comment(row_id: int | None, text: str, request: gr.Request):
            return save_comment(feedback, row_id, text, limits.admission(limits.feedback, request))

        chatbot.like(on_vote, turns, [comment_row, comment_target, feedback_message, turns, saved],
                     **PRIVATE)  # the comment box comes into view and focus by itself (ui/assets.py)
        gr.on([comment.submit, send_comment.click], on_comment,
              [comment_target, comment], [comment_row, comment_target, comment, feedback_message], **PRIVATE)
    return chat


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

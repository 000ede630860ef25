"""The app against a fake assistant: markup, streaming, follow-ups, feedback, staff guard, viewer, API."""

from __future__ import annotations

from collections.abc import Callable, Sequence
import tempfile
from pathlib import Path

import gradio as gr

from assistant.ratelimit import RateLimiter
import pytest

from index.errors import GovQAError, UnsupportedFormat
from assistant.errors import InvalidQuestion, LockedOut
from assistant.feedback import FeedbackStore
from assistant.records import Answer, Citation
from index.identity import Correction
from index.records import Paragraph, Report
from index.ingest import IngestResult
from ui import staff
from assistant.ratelimit import Lockout
from ui.app import Limits, api_ask, build_app, open_paragraph, respond, save_comment, vote
from ui.clients import ClientAddresses
from ui.render import (
    ParagraphTarget, Turn, coverage_of, esc, indexed_line, parse_paragraph_anchor, paragraph_anchor, render_answer,
    render_chat, render_text, target_anchor,
)
from ui.reports import render_preview, render_report, report_choices
from ui.staff import COOKIE, DENIED, StaffGate

XSS = "<img src=x onerror=alert(1)>"
PARAGRAPH = "2022年，全街道实现地区生产总值58亿元，同比增长3.5%。<b>工业</b>稳步发展。"
QUOTE = "2022年，全街道实现地区生产总值58亿元，同比增长3.5%。"
SECTION = "一、2022年工作回顾 › （一）经济发展"
PASSWORD = "s3cret-口令"


def citation(n: int = 1, quote: str = QUOTE, text: str = PARAGRAPH) -> Citation:
    return Citation(n=n, doc_id="kd", doc_title="坎墩街道2022年工作报告", section=SECTION, paragraph=7,
                    quote=quote, text=text)


def answered(question: str = "2022年GDP是多少？") -> Answer:
    return Answer(question, True, "全街道实现地区生产总值58亿元，同比增长3.5%[1]。", (citation(),))


def refused(question: str = "2024年的GDP是多少？") -> Answer:
    long_text = "相关内容" * 60 + XSS
    return Answer(question, False, "报告中没有找到这个问题的答案：报告未涉及2024年。", notice="生成模型不可用",
                  related=(citation(1, "", long_text), citation(2, "", PARAGRAPH)))


def paragraph(number: int, section: tuple[str, ...], text: str, kind: str = "body") -> Paragraph:
    return Paragraph("kd", number, section, text, kind)


REPORT = Report("kd", "坎墩街道2022年工作报告", "kd.txt", "h", {"发布机构": "坎墩街道"}, (2022, 2023), (
    paragraph(1, ("文件信息",), "发布机构：坎墩街道", "metadata"),
    paragraph(2, ("一、2022年工作回顾",), "一、2022年工作回顾", "heading"),
    paragraph(3, ("一、2022年工作回顾", "（一）经济发展"), "（一）经济发展", "heading"),
    paragraph(4, ("一、2022年工作回顾", "（一）经济发展"), "地区生产总值58亿元。" + XSS),
    paragraph(5, ("二、2023年目标任务",), "二、2023年目标任务", "heading"),
    paragraph(6, ("二、2023年目标任务",), "建设停车位500个。"),
))


class FakeAssistant:
    def __init__(self, *results: Answer | Exception) -> None:
        self.results = list(results)
        self.calls: list[tuple[str, list[dict] | None]] = []
        self.scopes: list = []
        self.corrections: list = []
        self.ingested: list[Path] = []
        self.deleted: list[str] = []

    def ask(self, question: str, history: Sequence[dict] | None = None, *, scope=None) -> Answer:
        self.calls.append((question, list(history) if history is not None else None))
        self.scopes.append(scope)
        result = self.results.pop(0)
        if isinstance(result, Exception):
            raise result
        return result

    def reports(self) -> list[Report]:
        return [Report(**{**REPORT.__dict__, "paragraphs": ()})]

    def report(self, doc_id: str) -> Report | None:
        return REPORT if doc_id == "kd" else None

    def preview(self, path: Path, correction=None, *, uploaded: bool = False) -> Report:
        if path.suffix != ".txt":
            raise UnsupportedFormat(f"不支持的文件类型：{path.suffix}")
        return Report(**{**REPORT.__dict__, "doc_id": path.stem, "source": path.name})

    def ingest(self, paths: Sequence[Path], progress: Callable[[int, int], None] | None = None, *,
               uploaded: bool = False, correction=None) -> list[IngestResult]:
        self.ingested += paths
        self.corrections.append(correction)
        if progress:
            progress(3, 3)
        return [IngestResult(Path(p).stem, "新报告", "added", 6, 6, 3) for p in paths]

    def delete(self, doc_id: str) -> bool:
        self.deleted.append(doc_id)
        return doc_id == "kd"


def run(fake: FakeAssistant, question: str, turns: list[Turn] | None = None, script: str = "auto",
        feedback: FeedbackStore | None = None) -> list[tuple[list, list[Turn]]]:
    return list(respond(fake, question, turns or [], script, feedback, step=4, delay=0))


class Client:
    def __init__(self, host: str) -> None:
        self.host = host


class Request:
    """What the handlers read of a gr.Request: the peer, the headers, the cookies."""

    def __init__(self, host: str = "203.0.113.7", cookie: str = "", headers: dict | None = None) -> None:
        self.client = Client(host)
        self.headers = headers or {}
        self.cookies = {COOKIE: cookie} if cookie else {}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def logged_in(gate: StaffGate, host: str = "203.0.113.7") -> tuple[str, Request]:
    """A staff login as the browser completes it: token in the page's state, cookie from the ticket."""
    token, ticket = gate.login(PASSWORD, Request(host))
    cookie = gate.redeem(ticket, host)
    assert cookie
    return token, Request(host, cookie)


@pytest.fixture
def store(tmp_path) -> FeedbackStore:
    return FeedbackStore.for_index(tmp_path)


@pytest.fixture(autouse=True)
def no_login_delay(monkeypatch) -> None:
    monkeypatch.setattr(staff, "FAILED_LOGIN_DELAY_S", 0)


# --- answer markup ---------------------------------------------------------------------------------
def test_sources_show_place_highlight_and_viewer_link() -> None:
    html = render_answer(answered(), turn=2)
    assert 'id="src-2-1"' in html and "坎墩街道2022年工作报告" in html
    assert "第7段" in html and "一、2022年工作回顾 › （一）经济发展" in html
    assert f"<mark>{QUOTE}</mark>" in html
    assert 'href="#p-kd-7~0-0"' in html and "在报告中查看" in html  # the paragraph and its cited sentence


def test_markers_become_badges_linked_to_their_sources() -> None:
    html = render_text("甲[1]，乙[2]，丙[3]。", turn=4, cited={1, 2})
    assert '<a class="cite-badge" href="#src-4-1" aria-label="来源 1">1</a>' in html
    assert 'href="#src-4-2"' in html
    assert "丙[3]" in html  # no source 3: the marker stays plain text


def test_report_and_question_text_is_escaped() -> None:
    html = render_answer(Answer("q", True, f"答案{XSS}[1]", (citation(text=PARAGRAPH + XSS),)))
    assert "<img" not in html and "<b>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;b&gt;工业&lt;/b&gt;" in html
    chat = render_chat([Turn(XSS, error=XSS)])
    assert chat[0]["content"] == '<div class="question-text">&lt;img src=x onerror=alert(1)&gt;</div>'
    assert "<img" not in chat[1]["content"]


def test_titles_and_questions_never_become_markdown_or_keep_bidi_overrides() -> None:
    title = "![t](http://evil.example/t.png)\r\r**粗体** 报告\u202etxt.exe"
    line = indexed_line([Report(**{**REPORT.__dict__, "title": title, "paragraphs": ()})])
    assert line.startswith('<p class="govqa-message">') and "\r" not in line and "\n" not in line
    assert "\u202e" not in line and "报告txt.exe" in line
    # Every line break is a <br>: no blank line can end the chat's HTML block and start Markdown.
    assert esc("a\r\rb\n\nc\u2028d") == "a<br><br>b<br><br>c<br>d"
    question = render_chat([Turn(title, error="x")])[0]["content"]
    assert question.startswith('<div class="question-text">') and "\r" not in question
    (label, _), = report_choices([Report(**{**REPORT.__dict__, "title": "报告\u202etxt.exe"})])
    assert label == "报告txt.exe（kd）"  # dropdowns show plain text: the override goes there too


def test_quote_split_over_sentences_is_marked_piecewise() -> None:
    paragraph_text = "第一句。中间句。第三句。"
    html = render_answer(Answer("q", True, "t", (citation(quote="第一句。第三句。", text=paragraph_text),)))
    assert "<mark>第一句。</mark>中间句。<mark>第三句。</mark>" in html


def test_script_switch_converts_the_answer_its_sources_and_titles() -> None:
    html = render_answer(answered(), script="traditional")
    assert "全街道實現地區生產總值58億元" in html  # the answer's own words
    assert "<mark>2022年，全街道實現地區生產總值58億元，同比增長3.5%。</mark>" in html  # the quote, still marked
    assert "坎墩街道2022年工作報告" in html and "第7段" in html
    assert "地区生产总值" in render_answer(Answer("q", True, "地區生產總值58億元[1]。", (citation(),)), script="simplified")


def test_refusal_shows_closest_paragraphs_notice_and_coverage() -> None:
    html = render_answer(refused(), coverage=[coverage_of(REPORT)])
    assert "报告中没有找到这个问题的答案" in html and "相关段落" in html
    assert "第7段" in html and "生成模型不可用" in html and 'href="#p-kd-7"' in html
    assert "来源" not in html and "<mark>" not in html
    assert "…" in html and XSS not in html  # excerpt cut to ~120 characters
    assert "涵盖：一、2022年工作回顾；二、2023年目标任务" in html and "（2022、2023年）" in html
    assert "<li>（一）经济发展</li>" in html


def test_coverage_lists_parts_and_their_sections_without_metadata() -> None:
    coverage = coverage_of(REPORT)
    assert coverage.parts == (("一、2022年工作回顾", ("（一）经济发展",)), ("二、2023年目标任务", ()))
    assert coverage.years == (2022, 2023)


# --- report viewer and staff preview ---------------------------------------------------------------
def test_paragraph_anchors_round_trip_with_dashes_in_doc_ids() -> None:
    assert paragraph_anchor("kandun-2022-plan", 5) == "p-kandun-2022-plan-5"
    assert parse_paragraph_anchor("#p-kandun-2022-plan-5") == ParagraphTarget("kandun-2022-plan", 5)
    target = ParagraphTarget("kandun-2022-plan", 5, (1, 2))
    assert parse_paragraph_anchor(target_anchor(target)) == target
    assert parse_paragraph_anchor("src-1-2") is None and parse_paragraph_anchor("p-kd-x") is None


def test_viewer_gives_every_paragraph_its_number_and_anchor() -> None:
    html = render_report(REPORT, focus=ParagraphTarget("kd", 4))
    for p in REPORT.paragraphs:
        assert f'id="p-kd-{p.number}"' in html
    assert '<h3 id="p-kd-2" class="para heading">' in html and '<h4 id="p-kd-3"' in html
    assert '<p id="p-kd-4" class="para body focus"><span class="pno" title="第4段">4</span>' in html
    assert "<img" not in html and "&lt;img" in html and "共 6 段" in html


def test_open_paragraph_selects_report_marks_paragraph_and_switches_tab() -> None:
    selected, html, tabs = open_paragraph(FakeAssistant(), "p-kd-4")
    assert selected["value"] == "kd" and 'class="para body focus"' in html and tabs.selected == "viewer"
    _, missing, _ = open_paragraph(FakeAssistant(), "p-gone-1")
    assert "不在索引中" in missing


def test_preview_shows_tree_metadata_years_and_replacement() -> None:
    html = render_preview(REPORT, replaces=REPORT)
    assert "共 6 段" in html and "2022、2023" in html and "<th>发布机构</th><td>坎墩街道</td>" in html
    assert "一、2022年工作回顾 <small>（1段）</small><ul><li>（一）经济发展 <small>（2段）</small>" in html
    assert "将替换已导入的同名报告" in html


# --- chat handler ----------------------------------------------------------------------------------
def test_handler_shows_question_streams_then_appends_sources() -> None:
    updates = run(FakeAssistant(answered()), "2022年GDP是多少？")
    first_chat, _ = updates[0]
    assert first_chat == [{"role": "user", "content": '<div class="question-text">2022年GDP是多少？</div>'}]
    texts = [chat[-1]["content"] for chat, _ in updates[1:]]
    assert len(texts) > 3 and all("来源" not in t for t in texts[:-1])
    final_chat, turns = updates[-1]
    assert "<mark>" in final_chat[-1]["content"] and 'class="cite-badge"' in final_chat[-1]["content"]
    assert turns[-1].history()[-1] == {"role": "assistant", "content": answered().text}


def test_empty_question_changes_nothing() -> None:
    assert run(FakeAssistant(), "  ") == [([], [])]


def test_domain_error_shows_chinese_message_and_chat_goes_on() -> None:
    fake = FakeAssistant(InvalidQuestion("问题太长，请精简。"), answered())
    chat, turns = run(fake, "很长的问题")[-1]
    assert "问题太长，请精简。" in chat[-1]["content"] and turns[0].history() == []
    chat, turns = run(fake, "2022年GDP是多少？", turns)[-1]
    assert "58亿元" in chat[-1]["content"] and len(chat) == 4
    assert fake.calls[1][1] == []  # the failed turn is not part of the conversation


def test_unexpected_error_is_not_shown_as_traceback() -> None:
    chat, _ = run(FakeAssistant(RuntimeError("boom")), "问题")[-1]
    assert "内部错误" in chat[-1]["content"] and "boom" not in chat[-1]["content"]


def test_follow_up_gets_plain_previous_turns() -> None:
    fake = FakeAssistant(answered(), refused())
    _, turns = run(fake, "2022年GDP是多少？")[-1]
    run(fake, "那2024年呢？", turns)
    assert fake.calls[1][1] == [
        {"role": "user", "content": "2022年GDP是多少？"},
        {"role": "assistant", "content": answered().text},
    ]


def test_refusal_turn_carries_what_the_report_covers() -> None:
    chat, turns = run(FakeAssistant(refused()), "2024年的GDP是多少？")[-1]
    assert turns[0].coverage == (coverage_of(REPORT),)
    assert "涵盖：" in chat[-1]["content"]


def test_chat_rerenders_in_the_chosen_script() -> None:
    _, turns = run(FakeAssistant(answered()), "2022年GDP是多少？")[-1]
    assert "地區生產總值" in render_chat(turns, "traditional")[-1]["content"]
    assert "地区生产总值" in render_chat(turns, "auto")[-1]["content"]


# --- feedback --------------------------------------------------------------------------------------
def test_every_answer_is_recorded_and_votes_update_it(store: FeedbackStore) -> None:
    fake = FakeAssistant(answered(), refused())
    _, turns = run(fake, "2022年GDP是多少？", feedback=store)[-1]
    _, turns = run(fake, "那2024年呢？", turns, feedback=store)[-1]
    first, second = store.rows()
    assert (first.rating, second.rating, second.answered) == (0, 0, False)
    assert second.history[0]["content"] == "2022年GDP是多少？"

    box, target, message, turns = vote(store, turns, 3, False)  # 👎 on the second reply
    assert [t.rating for t in turns] == [0, -1]  # kept with the turn: a re-render shows it
    assert box["visible"] and target == second.id and "补充说明" in message
    box, kept, text, message = save_comment(store, target, "长" * 1001)  # over GOVQA_MAX_COMMENT_CHARS
    assert box["visible"] and kept == target and "请精简到 1000 字以内" in message and store.rows()[1].comment == ""
    assert save_comment(store, target, "  数字不对 ")[0]["visible"] is False
    assert (store.rows()[1].rating, store.rows()[1].comment) == (-1, "数字不对")
    vote(store, turns, 1, True)
    assert store.rows()[0].rating == 1
    box, target, message, _ = vote(store, turns, 1, "")  # the 👍 taken back
    assert store.rows()[0].rating == 0 and target is None and "撤回" in message


def test_votes_and_comments_are_limited_per_client(store: FeedbackStore) -> None:
    _, turns = run(FakeAssistant(answered()), "2022年GDP是多少？", feedback=store)[-1]
    limits = Limits(feedback=RateLimiter(per_minute=60, burst=2, clock=lambda: 0.0))
    admit = limits.admission(limits.feedback, Request("198.51.100.9"))
    vote(store, turns, 1, True, admit)
    save_comment(store, turns[0].feedback_id, "好", admit)
    box, _, message, _ = vote(store, turns, 1, False, admit)
    assert not box["visible"] and "操作太频繁" in message or "太频繁" in message
    assert store.rows()[0].rating == 1  # the limited vote changed nothing


def test_a_reply_without_an_answer_cannot_be_rated(store: FeedbackStore) -> None:
    _, turns = run(FakeAssistant(InvalidQuestion("问题太长")), "很长的问题", feedback=store)[-1]
    box, target, message, _ = vote(store, turns, 1, False)
    assert not box["visible"] and target is None and "无法评价" in message and store.rows() == []


# --- staff guard -----------------------------------------------------------------------------------
def test_no_password_means_no_staff_at_all() -> None:
    gate = StaffGate(None)
    assert not gate.enabled
    for attempt in ("", "anything"):
        with pytest.raises(gr.Error, match=DENIED):
            gate.login(attempt, Request())
    with pytest.raises(gr.Error, match=DENIED):
        gate.check_password("", Request())
    assert not gate.may_upload("any-cookie", "203.0.113.7")


def test_staff_functions_refuse_without_a_session_or_the_password(tmp_path: Path) -> None:
    gate, fake = StaffGate(PASSWORD), FakeAssistant()
    upload = tmp_path / "new.txt"
    upload.write_text("报告", encoding="utf-8")
    token, request = logged_in(gate)
    forged = [(None, request), ("", request), ("forged-token", request), (PASSWORD, request),  # not a token
              (token, Request()),  # the state's token without the session's cookie: a stolen session hash
              (token, Request("198.51.100.1", request.cookies[COOKIE]))]  # the cookie from another address
    for bad_token, bad_request in forged:
        with pytest.raises(gr.Error, match=DENIED):
            staff.preview_upload(gate, fake, bad_token, str(upload), bad_request)
        with pytest.raises(gr.Error, match=DENIED):
            staff.commit_upload(gate, fake, bad_token, str(upload), lambda *a, **k: None, bad_request)
        with pytest.raises(gr.Error, match=DENIED):
            staff.delete_report(gate, fake, bad_token, "kd", bad_request)
    for password in ("", "wrong", PASSWORD + " "):
        with pytest.raises(gr.Error, match=DENIED):
            staff.api_delete_report(gate, fake, "kd", password, Request("198.51.100.2"))
    assert fake.ingested == [] and fake.deleted == [] and upload.exists()


def test_login_then_preview_commit_delete_and_logout(tmp_path: Path) -> None:
    gate, fake = StaffGate(PASSWORD), FakeAssistant()
    token, ticket, _, message = staff.login(gate, "wrong", Request())
    assert token is None and ticket == "" and "密码不正确" in message
    token, ticket, cleared, _ = staff.login(gate, PASSWORD, Request())
    assert token and ticket and cleared == ""
    assert gate.redeem(ticket, "198.51.100.1") is None  # a ticket works from the login's address only…
    token, ticket, _, _ = staff.login(gate, PASSWORD, Request())
    cookie = gate.redeem(ticket, "203.0.113.7")
    assert cookie and gate.redeem(ticket, "203.0.113.7") is None  # …and once
    request = Request(cookie=cookie)
    form, panel, listing, _ = staff.show_panel(gate, fake, token, request)
    assert not form["visible"] and panel["visible"] and "kd" in listing
    assert gate.may_upload(cookie, "203.0.113.7") and not gate.may_upload(cookie, "198.51.100.1")

    upload = tmp_path / "kd.txt"
    upload.write_text("报告", encoding="utf-8")
    preview, pending, confirm, title, place, year = staff.preview_upload(gate, fake, token, str(upload), request)
    assert "将替换已导入的同名报告" in preview and pending == str(upload) and confirm["visible"]
    assert title["value"] == REPORT.title and title["visible"] and place["visible"] and year["visible"]
    bad = tmp_path / "x.exe"
    bad.write_bytes(b"MZ")
    refused, pending_bad, *_ = staff.preview_upload(gate, fake, token, str(bad), request)
    assert "无法解析" in refused and pending_bad is None and not bad.exists()  # a refused upload is deleted

    fractions: list[float] = []
    message, pending, _ = staff.commit_upload(gate, fake, token, str(upload), lambda f, desc="": fractions.append(f),
                                              request)
    assert "已导入" in message and fake.ingested == [upload] and fractions == [0, 1.0] and pending is None
    assert not upload.exists()  # imported: the upload is gone
    assert not fake.corrections[-1]  # fields left as read are no correction
    again = Path(tempfile.mkdtemp()) / "kd.txt"  # an upload lives in a folder of its own, deleted with it
    again.write_text("报告", encoding="utf-8")
    staff.commit_upload(gate, fake, token, str(again), lambda *a, **k: None, request, REPORT.title, "海拉尔区", 2014)
    assert fake.corrections[-1] == Correction(None, "海拉尔区", 2014)
    assert "已删除：kd" in staff.delete_report(gate, fake, token, "kd", request)
    assert staff.api_delete_report(gate, fake, "gone", PASSWORD, Request()) == "没有这份报告：gone"

    staff.logout(gate, token)
    with pytest.raises(gr.Error):
        staff.delete_report(gate, fake, token, "kd", request)
    assert not gate.may_upload(cookie, "203.0.113.7")


def test_messages_with_report_titles_are_text(tmp_path: Path) -> None:
    gate, fake = StaffGate(PASSWORD), FakeAssistant()
    token, request = logged_in(gate)
    fake.ingest = lambda paths, progress=None, uploaded=False, correction=None: [IngestResult("x", XSS, "added", 1, 1, 1)]
    upload = tmp_path / "x.txt"
    upload.write_text("报告", encoding="utf-8")
    message, _, _ = staff.commit_upload(gate, fake, token, str(upload), lambda *a, **k: None, request)
    assert "<img" not in message and "&lt;img" in message


def test_wrong_passwords_lock_the_client_out_then_everyone() -> None:
    clock = Clock()
    gate = StaffGate(PASSWORD, lockout=Lockout(per_key=3, overall=5, window_s=900, clock=clock), clock=clock)
    for _ in range(3):
        with pytest.raises(gr.Error, match=DENIED):
            gate.check_password("guess", Request("198.51.100.1"))
    token, _, _, message = staff.login(gate, PASSWORD, Request("198.51.100.1"))  # the right one, while locked
    assert token is None and "已暂时锁定" in message
    with pytest.raises(gr.Error, match="已暂时锁定"):
        staff.api_delete_report(gate, FakeAssistant(), "kd", PASSWORD, Request("198.51.100.1"))
    for _ in range(2):  # two more from another address: five in all
        with pytest.raises(gr.Error, match=DENIED):
            gate.check_password("guess", Request("198.51.100.2"))
    with pytest.raises(LockedOut):
        gate.check_password(PASSWORD, Request("203.0.113.50"))  # everyone waits now
    clock.now += 901
    gate.check_password(PASSWORD, Request("198.51.100.1"))  # the window passed


def test_staff_sessions_expire_idle_and_after_their_maximum() -> None:
    clock = Clock()
    gate = StaffGate(PASSWORD, idle_s=60, max_s=150, clock=clock)
    token, request = logged_in(gate)
    for _ in range(3):  # used every 40 s: never idle for 60 s
        clock.now += 40
        gate.require_session(token, request)
    clock.now += 40  # 160 s after login
    with pytest.raises(gr.Error, match=DENIED):
        gate.require_session(token, request)
    token, request = logged_in(gate)
    clock.now += 61
    with pytest.raises(gr.Error, match=DENIED):
        gate.require_session(token, request)


def test_client_address_is_the_peer_unless_a_trusted_proxy_says_otherwise() -> None:
    clients = ClientAddresses.of(["10.0.0.2"], "X-Forwarded-For")
    spoofed = {"x-forwarded-for": "1.2.3.4"}
    assert clients.address("198.51.100.1", spoofed) == "198.51.100.1"  # not a proxy: its header is ignored
    assert clients.address("10.0.0.2", {"x-forwarded-for": "1.2.3.4, 198.51.100.1"}) == "198.51.100.1"
    assert clients.address("10.0.0.2", {"x-forwarded-for": "198.51.100.1, 10.0.0.2"}) == "198.51.100.1"
    assert clients.address("10.0.0.2", {}) == "10.0.0.2"
    assert clients.address("::ffff:198.51.100.1", {}) == "198.51.100.1"


# --- API and app -----------------------------------------------------------------------------------
def test_api_ask_returns_json_and_raises_gr_error() -> None:
    fake = FakeAssistant(answered(), GovQAError("还没有导入任何报告。"))
    result = api_ask(fake, "2022年GDP是多少？", [])
    assert result["answer"] == answered().text and result["citations"][0]["paragraph"] == 7
    with pytest.raises(gr.Error, match="还没有导入任何报告"):
        api_ask(fake, "问题")


def test_rate_limit_is_per_client_address_whatever_the_session() -> None:
    limits = Limits(asks=RateLimiter(per_minute=60, burst=1, clock=lambda: 0.0))
    fake = FakeAssistant(answered(), answered(), answered())
    first = list(respond(fake, "2022年GDP是多少？", [], admit=limits.admission(limits.asks, Request("198.51.100.1")),
                         step=4, delay=0))[-1]
    # A new session (every raw API call gets one) from the same address is the same client.
    second = list(respond(fake, "再问一次", first[1], admit=limits.admission(limits.asks, Request("198.51.100.1")),
                          step=4, delay=0))[-1]
    assert "提问太频繁" in str(second[0][-1]["content"])
    assert len(fake.calls) == 1  # the limited question never reached the assistant
    with pytest.raises(gr.Error, match="提问太频繁"):
        api_ask(fake, "问题", admit=limits.admission(limits.asks, Request("198.51.100.1")))
    api_ask(fake, "问题", admit=limits.admission(limits.asks, Request("198.51.100.2")))  # another client is not limited


def test_api_errors_are_generic_to_the_caller() -> None:
    with pytest.raises(gr.Error) as caught:
        api_ask(FakeAssistant(KeyError("/srv/govqa/var/index secret detail")), "问题")
    assert caught.value.message == "内部错误，请稍后重试。" and not caught.value.print_exception


def _blocks(app: gr.Blocks, kind: type) -> list:
    return [b for b in app.blocks.values() if isinstance(b, kind)]


def test_app_without_staff_password_has_no_staff_tab_or_endpoint() -> None:
    app = build_app(FakeAssistant())
    endpoints = app.get_api_info()["named_endpoints"]
    assert list(endpoints) == ["/ask"]  # the UI plumbing stays private
    assert [p["parameter_name"] for p in endpoints["/ask"]["parameters"]] == ["question", "history", "report", "place", "year"]
    assert [t.label for t in _blocks(app, gr.Tab)] == ["问答", "报告原文"]
    assert not _blocks(app, gr.File)
    assert all(chatbot.sanitize_html for chatbot in _blocks(app, gr.Chatbot))


def test_app_with_staff_password_hides_staff_controls_until_login(store: FeedbackStore) -> None:
    app = build_app(FakeAssistant(), gate=StaffGate(PASSWORD), feedback=store)
    endpoints = app.get_api_info()["named_endpoints"]
    assert list(endpoints) == ["/ask", "/delete_report"]
    assert [p["parameter_name"] for p in endpoints["/delete_report"]["parameters"]] == ["doc_id", "password"]
    (upload,) = _blocks(app, gr.File)
    panel = next(c for c in _blocks(app, gr.Column) if upload in _descendants(c))
    assert panel.visible is False
    assert PASSWORD not in str(app.config)


def _descendants(block) -> list:
    children = getattr(block, "children", [])
    return [*children, *(d for child in children for d in _descendants(child))]

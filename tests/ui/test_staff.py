"""The staff workspace beyond login and import (tests/ui/test_ui.py): the corrected preview and its chunks,
delete's confirmation, the retrieval test and the review screen — each refused without a live session."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import gradio as gr
import pytest

from assistant.answer.scope import Scope
from assistant.feedback import FeedbackStore
from assistant.records import Answer, Citation
from eval.harness import load_questions
from index.chunking import chunk_report
from index.errors import GovQAError
from index.ingest import read_report
from index.records import Chunk, Hit, Report
from ui import staff
from ui.reports import PREVIEW_CHUNKS, render_chunks
from ui.review import export_file, show_review
from ui.staff import COOKIE, DENIED, StaffGate
from ui.staff_retrieval import ALL_REPORTS, retrieval_test

PASSWORD = "s3cret-口令"
XSS = "<img src=x onerror=alert(1)>"
# A report whose header names no government: the staff preview is where it gets one.
NAMELESS = "政府工作报告\n一、2014年工作回顾\n过去一年，全区地区生产总值增长5%。\n二、2015年工作安排\n2015年，新建公园3个。\n"


class Request:
    """What the handlers read of a gr.Request: the peer, the headers, the cookies."""

    def __init__(self, host: str = "203.0.113.7", cookie: str = "") -> None:
        self.client = SimpleNamespace(host=host)
        self.headers: dict = {}
        self.cookies = {COOKIE: cookie} if cookie else {}


def logged_in(gate: StaffGate, host: str = "203.0.113.7") -> tuple[str, Request]:
    token, ticket = gate.login(PASSWORD, Request(host))
    return token, Request(host, gate.redeem(ticket, host) or "")


def forged(token: str, request: Request) -> list[tuple[str | None, Request]]:
    """Every way of calling a handler without the live session: no token, a guessed one, a stolen page
    state without the cookie, the cookie from another address."""
    return [(None, request), ("forged", request), (PASSWORD, request), (token, Request()),
            (token, Request("198.51.100.1", request.cookies[COOKIE]))]


def hit(doc_id: str, paragraph: int, score: float, text: str = "正文") -> Hit:
    return Hit(Chunk(f"{doc_id}-{paragraph}", doc_id, paragraph, ("一、回顾", "（一）经济"), text, text), score, text)


class FakeStaffAssistant:
    """Two indexed reports, a retriever that ranks three paragraphs, and an answer citing one."""

    def __init__(self, answer: Answer | Exception | None = None) -> None:
        self.deleted: list[str] = []
        self.searched: list[tuple[str, str | None]] = []
        self.scopes: list[Scope | None] = []
        self.answer = answer or Answer("问", True, "据《坎墩街道报告》：GDP58亿元[1]。", (
            Citation(1, "kd", "坎墩街道报告", "一、回顾", 7, "GDP58亿元。", "GDP58亿元。"),))

    def reports(self) -> list[Report]:
        return [Report(doc_id, title, f"{doc_id}.txt", "h", {}, (2022,), ())
                for doc_id, title in (("kd", "坎墩街道报告"), ("hl", f"海拉尔区报告{XSS}"))]

    def preview(self, path: Path, correction=None, *, uploaded: bool = False) -> Report:
        return read_report(path, 10**6, correction)

    def delete(self, doc_id: str) -> bool:
        self.deleted.append(doc_id)
        return True

    def rankings(self, query: str, doc_id: str | None = None) -> dict[str, list[Hit]]:
        self.searched.append((query, doc_id))
        return {"hybrid": [hit("hl", 3, 0.9, f"排第一{XSS}"), hit("kd", 7, 0.5), hit("kd", 9, 0.2)],
                "dense": [hit("kd", 7, 1.0), hit("hl", 3, 0.5)],
                "lexical": [hit("hl", 3, 1.0), hit("kd", 9, 0.25)]}

    def ask(self, question: str, history=None, *, scope: Scope | None = None) -> Answer:
        self.scopes.append(scope)
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


@pytest.fixture(autouse=True)
def no_login_delay(monkeypatch) -> None:
    monkeypatch.setattr(staff, "FAILED_LOGIN_DELAY_S", 0)


@pytest.fixture
def store(tmp_path: Path) -> FeedbackStore:
    return FeedbackStore.for_index(tmp_path / "index")


def test_every_new_staff_handler_refuses_without_the_session(tmp_path: Path, store: FeedbackStore) -> None:
    gate, fake = StaffGate(PASSWORD), FakeStaffAssistant()
    store.record("辖区有多少人口？", Answer("辖区有多少人口？", False, "报告中没有找到。"), 0)
    upload = tmp_path / "new.txt"
    upload.write_text(NAMELESS, encoding="utf-8")
    token, request = logged_in(gate)
    handlers = [
        lambda t, r: staff.corrected_preview(gate, fake, t, str(upload), "", "海拉尔区", 2015, r),
        lambda t, r: staff.cleared_upload(gate, t, str(upload), r),
        lambda t, r: staff.ask_delete(gate, fake, t, "kd", r),
        lambda t, r: staff.confirmed_delete(gate, fake, t, "kd", r),
        lambda t, r: staff.cancel_delete(gate, t, r),
        lambda t, r: staff.refreshed_lists(gate, fake, t, r),
        # (no token at all is a failed login, which after_login leaves alone: the next test)
        lambda t, r: staff.after_login(gate, fake, store, t or "no-token", r),
        lambda t, r: retrieval_test(gate, fake, t, "kd", "GDP是多少？", r),
        lambda t, r: show_review(gate, store, t, r),
    ]
    for handler in handlers:
        for bad_token, bad_request in forged(token, request):
            with pytest.raises(gr.Error, match=DENIED):
                handler(bad_token, bad_request)
        handler(token, request)  # the live session passes
    assert fake.deleted == ["kd"]  # only by the live session's confirmed delete
    assert len(fake.searched) == 1 and not upload.exists()  # only the live session's clearing deleted it


def test_after_login_fills_the_retrieval_choices_and_the_review_only_with_a_store(store: FeedbackStore) -> None:
    gate, fake = StaffGate(PASSWORD), FakeStaffAssistant()
    failed = staff.after_login(gate, fake, store, None, Request())  # a failed login: nothing filled, nothing refused
    assert len(failed) == 4 and all(update == gr.update() for update in failed)
    token, request = logged_in(gate)
    choices, review, download, _ = staff.after_login(gate, fake, store, token, request)
    assert choices["choices"][0] == ("全部报告", ALL_REPORTS) and choices["value"] == ALL_REPORTS
    assert ("坎墩街道报告（kd）", "kd") in choices["choices"] and "暂无" in review
    (alone,) = staff.after_login(gate, fake, None, token, request)
    assert alone == choices


# --- upload preview --------------------------------------------------------------------------------
def test_corrected_government_and_year_reach_the_preview_and_the_index(fake_assistant, tmp_path: Path) -> None:
    """The real assistant (fake embedder): what staff type is what the preview shows and the index files."""
    gate = StaffGate(PASSWORD)
    token, request = logged_in(gate)
    upload = tmp_path / "upload" / "nameless.txt"
    upload.parent.mkdir()
    upload.write_text(NAMELESS, encoding="utf-8")
    preview, pending, confirm, title, place, year = staff.preview_upload(gate, fake_assistant, token, str(upload),
                                                                         request)
    assert "发布政府：未识别（请在下方填写）" in preview and place["value"] == "" and confirm["visible"]
    assert "分块预览：共 3 块" in preview and year["value"] == 2015  # the headings are too short to be chunks

    corrected, title_field, filled = staff.corrected_preview(gate, fake_assistant, token, pending, title["value"],
                                                             "呼伦贝尔市", 2016, request, title["value"])
    assert "发布政府：呼伦贝尔市（市）" in corrected and "报告年份：2016" in corrected
    assert "<h3>2016年呼伦贝尔市政府工作报告</h3>" in corrected  # the title read follows the correction…
    assert title_field["value"] == filled == "2016年呼伦贝尔市政府工作报告"  # …in the form too
    corrected, title_field, filled = staff.corrected_preview(gate, fake_assistant, token, pending, filled,
                                                             "海拉尔区", 2016, request, filled)  # corrected again
    assert "<h3>2016年海拉尔区政府工作报告</h3>" in corrected and filled == "2016年海拉尔区政府工作报告"
    own, title_field, kept = staff.corrected_preview(gate, fake_assistant, token, pending, "海拉尔区报告", "海拉尔区",
                                                     2016, request, filled)
    assert "<h3>海拉尔区报告</h3>" in own and title_field == gr.update() and kept == filled  # staff's own title stays
    assert staff.corrected_preview(gate, fake_assistant, token, None, "", "", None, request)[0] == ""

    # The place changed once more without 按修改更新预览: the filled-in title is still not staff's own.
    message, _, _ = staff.commit_upload(gate, fake_assistant, token, pending, lambda *a, **k: None, request,
                                        "2016年呼伦贝尔市政府工作报告", "海拉尔区", 2016,
                                        filled_title="2016年呼伦贝尔市政府工作报告")
    assert "已导入：《2016年海拉尔区政府工作报告》" in message and not upload.exists()
    (report,) = [r for r in fake_assistant.reports() if r.doc_id == "nameless"]
    assert (report.identity.place, report.identity.year, report.title) == ("海拉尔区", 2016, "2016年海拉尔区政府工作报告")
    assert report.identity.corrected == ("place", "year")
    cleared = staff.cleared_upload(gate, token, None, request)
    assert cleared[:3] == (None, None, "") and not any(update["visible"] for update in cleared[3:])
    again = tmp_path / "again" / "nameless.txt"
    again.parent.mkdir()
    again.write_text(NAMELESS, encoding="utf-8")
    staff.cleared_upload(gate, token, str(again), request)  # the file removed before 确认导入
    assert not again.exists()


def test_chunk_preview_lists_breadcrumb_paragraph_and_text_escaped_and_capped() -> None:
    chunks = [Chunk(f"c{i}", "kd", i, ("一、回顾", f"（{i}）{XSS}"), f"第{i}块正文{XSS}", "") for i in range(1, 46)]
    html = render_chunks(chunks)
    assert f"分块预览：共 45 块，下面列出前 {PREVIEW_CHUNKS} 块" in html
    assert html.count("<li>") == PREVIEW_CHUNKS and "第40块正文" in html and "第41块正文" not in html
    assert "第3段 · 一、回顾 › （3）&lt;img" in html and "<img" not in html
    assert "共 2 块</summary>" in render_chunks(chunks[:2]) and "列出前" not in render_chunks(chunks[:2])


def test_preview_chunks_are_the_ones_ingest_will_index(fake_assistant, sample_report: Path) -> None:
    report = fake_assistant.preview(sample_report)
    assert f"分块预览：共 {len(chunk_report(report))} 块" in staff.render_preview(report)


# --- delete ----------------------------------------------------------------------------------------
def test_delete_asks_first_naming_the_report_and_deletes_only_what_it_named() -> None:
    gate, fake = StaffGate(PASSWORD), FakeStaffAssistant()
    token, request = logged_in(gate)
    message, row, pending, button = staff.ask_delete(gate, fake, token, "hl", request)
    assert fake.deleted == [] and row["visible"] and pending == "hl"
    assert "确定删除《海拉尔区报告&lt;img" in message and "<img" not in message
    assert button["value"] == f"确认删除《海拉尔区报告{XSS}》"  # a button label is text, not markup
    message, row, pending = staff.confirmed_delete(gate, fake, token, pending, request)
    assert fake.deleted == ["hl"] and "已删除：hl（《海拉尔区报告&lt;img" in message and not row["visible"]
    assert pending is None

    for doc_id, said in ((None, "请选择要删除的报告。"), ("gone", "没有这份报告：gone")):
        message, row, pending, _ = staff.ask_delete(gate, fake, token, doc_id, request)
        assert said in message and not row["visible"] and pending is None
    _, _, pending, _ = staff.ask_delete(gate, fake, token, "kd", request)
    message, row, pending = staff.cancel_delete(gate, token, request)
    assert "已取消删除" in message and not row["visible"] and pending is None and fake.deleted == ["hl"]


# --- retrieval test --------------------------------------------------------------------------------
def test_retrieval_test_ranks_paragraphs_with_each_search_s_score_and_the_answer() -> None:
    gate, fake = StaffGate(PASSWORD), FakeStaffAssistant()
    token, request = logged_in(gate)
    html = retrieval_test(gate, fake, token, "kd", " 2022年GDP是多少？ ", request)
    assert fake.searched == [("2022年GDP是多少？", "kd")] and fake.scopes == [Scope(report="kd")]
    rows = html.split("<tr")[2:]  # after the header
    assert len(rows) == 3
    first, second, third = rows
    # fused, then dense and lexical alone, each with its own rank; "—" where a search did not find it
    assert "<td>1</td><td>0.900</td><td>0.500 <small>（第2）</small></td><td>1.000 <small>（第1）</small></td>" in first
    assert "排第一&lt;img" in first and "《海拉尔区报告&lt;img" in first and "<img" not in html
    assert "<td>0.250 <small>（第2）</small></td>" in third and "<td>—</td>" in third
    assert "第7段" in second and "答案引用[1]" in second and "答案引用" not in first + third
    assert "一、回顾 › （一）经济" in first and "范围：《坎墩街道报告》" in html
    assert "居民会得到的回答（已回答" in html and "据《坎墩街道报告》：GDP58亿元[1]。" in html

    retrieval_test(gate, fake, token, ALL_REPORTS, "GDP", request)
    assert fake.searched[-1] == ("GDP", None) and fake.scopes[-1] is None
    assert "请输入测试问题" in retrieval_test(gate, fake, token, "kd", "  ", request) and len(fake.searched) == 2
    failing = FakeStaffAssistant(GovQAError(f"问题太长{XSS}"))
    assert "检索测试失败：问题太长&lt;img" in retrieval_test(gate, failing, token, "kd", "GDP", request)


def test_rankings_give_each_search_s_scores_that_the_fused_score_sums(fake_assistant, sample_report: Path) -> None:
    """Weighted fusion: fused = w·dense + (1−w)·lexical, each as the search alone scores it (0 if it missed)."""
    fake_assistant.ingest([sample_report])
    ranked = fake_assistant.rankings("地区生产总值增长多少")
    w = fake_assistant.settings.dense_weight
    alone = {mode: {(h.chunk.doc_id, h.chunk.paragraph): h.score for h in ranked[mode]} for mode in ("dense", "lexical")}
    assert len(ranked["hybrid"]) == fake_assistant.settings.k_hits
    for h in ranked["hybrid"]:
        key = (h.chunk.doc_id, h.chunk.paragraph)
        assert h.score == pytest.approx(w * alone["dense"].get(key, 0) + (1 - w) * alone["lexical"].get(key, 0))
    assert fake_assistant.rankings("地区生产总值", "no-such-report") == {"hybrid": [], "dense": [], "lexical": []}


# --- review ----------------------------------------------------------------------------------------
def test_review_lists_votes_and_refusals_newest_first_and_exports_eval_cases(store: FeedbackStore,
                                                                             tmp_path: Path) -> None:
    gate = StaffGate(PASSWORD)
    token, request = logged_in(gate)
    cited = Answer("GDP？", True, f"GDP58亿元[1]。{XSS}", (Citation(1, "kd", "坎墩街道报告", "一、回顾", 7, "q", "t"),))
    store.record("2022年GDP是多少？", cited, 1)  # 👍: not for review
    down = store.record("那2023年呢？", cited, 0, history=[{"role": "user", "content": "2022年GDP是多少？"},
                                                      {"role": "assistant", "content": "58亿元"}])
    store.rate(down, -1)
    store.add_comment(down, f"答非所问{XSS}")
    store.record("怎么办理居住证？", Answer("怎么办理居住证？", False, "报告中没有找到这个问题的答案。"), 0)

    html, download, message = show_review(gate, store, token, request)
    assert html.index("怎么办理居住证？") < html.index("那2023年呢？") and html.count('class="review-question"') == 2
    assert "未回答" in html and "👎 差评" in html and "居民说明：答非所问&lt;img" in html and "<img" not in html
    assert "前一问：2022年GDP是多少？" in html and "《坎墩街道报告》第7段" in html and f"feedback-{down}" in html
    assert "待复核 2 条" in message and "可导出 2 个评测问题" in message
    assert download["interactive"] and download["value"].endswith("feedback.jsonl")
    cases = load_questions(download["value"])  # the eval harness takes the downloaded file as it is
    assert [c["question"] for c in cases] == ["那2023年呢？", "怎么办理居住证？"] and all(c["to_complete"] for c in cases)

    empty = FeedbackStore.for_index(tmp_path / "empty")
    html, download, message = show_review(gate, empty, token, request)
    assert "暂无" in html and not download["interactive"] and download["value"] is None and message == ""


def test_export_file_is_named_by_its_content(tmp_path: Path) -> None:
    cases = [{"id": "feedback-1", "question": "问"}]
    path = export_file(cases, tmp_path)
    assert path == export_file(cases, tmp_path) != export_file([*cases, {"id": "feedback-2"}], tmp_path)
    assert json.loads(Path(path).read_text("utf-8")) == cases[0] and export_file([], tmp_path) is None


# --- layout ----------------------------------------------------------------------------------------
def test_every_staff_action_first_clears_every_message_area(store: FeedbackStore) -> None:
    with gr.Blocks() as app:
        changes = staff.build_staff_tab(StaffGate(PASSWORD), FakeStaffAssistant(), feedback=store)
    assert len(changes) == 2
    config = app.get_config_file()
    clears = [d for d in config["dependencies"] if d.get("js") and "\"\"" in d["js"] and "fetch" not in d["js"]]
    by_id = {c["id"]: c for c in config["components"]}
    areas = {tuple(d["outputs"]) for d in clears}
    assert len(areas) == 1  # one set of message areas, emptied by every action
    (outputs,) = areas
    assert all(by_id[o]["type"] == "html" for o in outputs) and len(outputs) == 5
    triggers = {(t[0], t[1]) for d in clears for t in d["targets"]}
    buttons = {c["id"]: c["props"].get("value") for c in by_id.values() if c["type"] in ("button",)}
    pressed = {buttons[i] for i, event in triggers if i in buttons and event == "click"}
    assert {"登录", "退出登录", "按修改更新预览", "确认导入", "删除", "确认删除", "取消", "开始检索测试", "刷新"} <= pressed
    with gr.Blocks() as without_store:
        staff.build_staff_tab(StaffGate(PASSWORD), FakeStaffAssistant())
    assert not [b for b in without_store.blocks.values() if isinstance(b, gr.DownloadButton)]  # no review screen

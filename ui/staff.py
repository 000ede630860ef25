"""Staff workspace: log in, upload and preview a report (its identity corrected, its chunks shown), commit
it, list and delete reports (after a confirmation naming the report), test retrieval (ui/staff_retrieval.py),
review residents' 👎 and refused questions (ui/review.py).

Each action has its own message area, and every message area is cleared in the page as any action starts:
no message outlives the action it reports on.

Every staff handler checks the session itself, on the server: the controls being hidden in the page
is cosmetic. A session is valid only if login issued it, it has not expired (idle or too old), and
the request comes from the address that logged in and carries the session's HttpOnly cookie — the
token in server-side gr.State alone (reachable by anyone who learns the page's session hash) is not
enough. The cookie is also what lets the browser upload files (ui/http_guard.py). Every password
check, form or API, goes through one lockout per client address and over all addresses, and is logged.
"""

from __future__ import annotations

import hmac
import json
import logging
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

import gradio as gr

from assistant.errors import LockedOut
from assistant.ratelimit import Lockout
from index.errors import GovQAError
from index.records import Report
from index.identity import Correction, corrected
from index.ingest import IngestResult
from ui.clients import ClientAddresses
from ui.render import esc, plain_html, shown
from ui.reports import render_preview, render_report_list, report_choices
from ui.review import ReviewSource, show_review
from ui.staff_retrieval import RetrievalAssistant, retrieval_test, scope_choices
from ui.uploads import discard_upload

log = logging.getLogger(__name__)

DENIED = "需要工作人员登录（密码不正确或未登录）。"
FAILED_LOGIN_DELAY_S = 1.0  # every wrong password costs the guesser a second, on the form and the API alike
TICKET_TTL_S = 60.0  # the page trades its login ticket for the cookie at once; a stale ticket is worthless
COOKIE = "govqa_staff"
REPORT_TYPES = [".txt", ".docx", ".pdf", ".html", ".htm"]
STATUS_WORDS = {"added": "已导入", "replaced": "已替换", "unchanged": "内容未变化，无需更新"}
PRIVATE = {"api_visibility": "private"}  # UI plumbing; the staff API is ui.app's delete_report


class StaffAssistant(RetrievalAssistant, Protocol):
    def reports(self) -> list[Report]: ...

    def preview(self, path: Path, correction: Correction | None = None, *, uploaded: bool) -> Report: ...

    def ingest(self, paths: Sequence[Path], progress: Callable[[int, int], None] | None = None, *,
               uploaded: bool, correction: Correction | None = None) -> list[IngestResult]: ...

    def delete(self, doc_id: str) -> bool: ...


@dataclass(frozen=True)
class StaffSession:
    token: str  # in the page's server-side gr.State
    cookie: str  # in the browser's HttpOnly cookie
    client: str  # the address that logged in
    started: float
    last_used: float


def _denied() -> gr.Error:
    return gr.Error(DENIED, print_exception=False)  # an expected refusal: no traceback in the log


class StaffGate:
    """The staff password (unset = no staff workspace), its lockout, and the sessions that logged in with it."""

    def __init__(self, password: str | None, *, lockout: Lockout | None = None, idle_s: float = 1800,
                 max_s: float = 8 * 3600, clients: ClientAddresses = ClientAddresses(),
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._password = (password or "").encode()
        self.lockout = lockout or Lockout(per_key=5, overall=50, window_s=900)
        self.idle_s, self.max_s, self.clients, self.clock = idle_s, max_s, clients, clock
        self._sessions: dict[str, StaffSession] = {}
        self._tickets: dict[str, tuple[str, float]] = {}  # ticket → (session token, expiry)
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return bool(self._password)

    def check_password(self, attempt: str | None, request: Any) -> None:
        """Raise LockedOut while the caller (or everyone) is locked out, gr.Error for a wrong password."""
        client = self.clients.of_request(request)
        self.lockout.check(client)
        # compare_digest: the time taken does not reveal how much of the guess was right.
        if self.enabled and hmac.compare_digest((attempt or "").encode(), self._password):
            self.lockout.succeeded(client)
            return
        failures = self.lockout.failed(client)
        log.warning("staff password refused for %s (%d recent failures)", client, failures)
        time.sleep(FAILED_LOGIN_DELAY_S)
        raise _denied()

    def login(self, attempt: str, request: Any) -> tuple[str, str]:
        """(session token, one-time ticket the page trades for the cookie); raises like check_password."""
        self.check_password(attempt, request)
        now, client = self.clock(), self.clients.of_request(request)
        session = StaffSession(secrets.token_urlsafe(32), secrets.token_urlsafe(32), client, now, now)
        ticket = secrets.token_urlsafe(32)
        with self._lock:
            self._sessions[session.token] = session
            self._tickets = {t: v for t, v in self._tickets.items() if v[1] > now}
            self._tickets[ticket] = (session.token, now + TICKET_TTL_S)
        log.info("staff logged in from %s", client)
        return session.token, ticket

    def redeem(self, ticket: str, client: str) -> str | None:
        """The cookie for a fresh ticket presented from the address that logged in; a ticket works once."""
        with self._lock:
            token, expiry = self._tickets.pop(ticket, ("", 0.0))
            session = self._sessions.get(token)
        if session is None or expiry < self.clock() or session.client != client:
            return None
        return session.cookie

    def logout(self, token: str | None) -> None:
        with self._lock:
            self._sessions.pop(token or "", None)

    def require_session(self, token: str | None, request: Any) -> None:
        cookie = (getattr(request, "cookies", None) or {}).get(COOKIE, "")
        if self._live(lambda s: s.token == token and hmac.compare_digest(s.cookie, cookie),
                      self.clients.of_request(request)) is None:
            raise _denied()

    def may_upload(self, cookie: str, client: str) -> bool:
        """For the HTTP guard: does this cookie belong to a live session of this client?"""
        return bool(cookie) and self._live(lambda s: hmac.compare_digest(s.cookie, cookie), client) is not None

    def _live(self, matches: Callable[[StaffSession], bool], client: str) -> StaffSession | None:
        """The matching session, if it has not expired and is used from its own address; touches it."""
        if not self.enabled:
            return None
        now = self.clock()
        with self._lock:
            for token, session in list(self._sessions.items()):
                if now - session.last_used > self.idle_s or now - session.started > self.max_s:
                    del self._sessions[token]  # expired: gone for good
                elif matches(session):
                    if session.client != client:
                        return None
                    self._sessions[token] = replace(session, last_used=now)
                    return session
        return None


# --- handlers --------------------------------------------------------------------------------------
def login(gate: StaffGate, attempt: str, request: Any) -> tuple[str | None, str, str, str]:
    """(token, one-time cookie ticket, cleared password box, message)."""
    try:
        token, ticket = gate.login(attempt, request)
    except LockedOut as exc:
        return None, "", "", plain_html(str(exc))
    except gr.Error:
        return None, "", "", plain_html("密码不正确。")
    return token, ticket, "", plain_html("已登录。")


def show_panel(gate: StaffGate, assistant: StaffAssistant, token: str | None, request: Any) -> tuple[dict, dict, str, dict]:
    """After the cookie is set: (login form, staff panel, report list, delete choices); nothing for a failed login."""
    if not token:
        return gr.update(visible=True), gr.update(visible=False), "", gr.update()
    gate.require_session(token, request)
    return gr.update(visible=False), gr.update(visible=True), *report_lists(assistant)


def logout(gate: StaffGate, token: str | None) -> tuple[None, str, dict, dict, str]:
    gate.logout(token)
    return None, "", gr.update(visible=True), gr.update(visible=False), plain_html("已退出登录。")


def preview_upload(gate: StaffGate, assistant: StaffAssistant, token: str | None, path: str | None,
                   request: Any) -> tuple[str, str | None, dict, dict, dict, dict]:
    """Parse the uploaded file without indexing it: (preview, file kept for 确认导入, confirm button, and
    the title, government and year fields filled with what was read, for staff to correct)."""
    gate.require_session(token, request)
    hidden = gr.update(visible=False)
    if not path:
        return "", None, hidden, hidden, hidden, hidden
    try:
        report = assistant.preview(Path(path), uploaded=True)
    except (GovQAError, OSError) as exc:
        discard_upload(path)  # nothing to import: the upload goes now, not at its expiry
        return f'<p class="warning">无法解析：{esc(str(exc))}</p>', None, hidden, hidden, hidden, hidden
    existing = next((r for r in assistant.reports() if r.doc_id == report.doc_id), None)
    identity = report.identity
    return (render_preview(report, existing), path, gr.update(visible=True),
            gr.update(value=report.title, visible=True), gr.update(value=identity.place, visible=True),
            gr.update(value=identity.year, visible=True))


def corrected_preview(gate: StaffGate, assistant: StaffAssistant, token: str | None, pending: str | None,
                      title: str | None, place: str | None, year: float | int | None, request: Any,
                      filled_title: str | None = None) -> tuple[str, dict, str | None]:
    """The preview again with staff's corrections applied — the identity 确认导入 will file the report under:
    (preview, title field, the title now filled in). A title staff did not type themselves (the one read, or
    `filled_title`, the one filled in last) follows the corrected government and year."""
    gate.require_session(token, request)
    if not pending:
        return "", gr.update(), filled_title
    try:
        correction = staff_correction(assistant, Path(pending), title, place, year, filled_title)
        report = assistant.preview(Path(pending), correction, uploaded=True)
    except (GovQAError, OSError) as exc:
        return f'<p class="warning">无法解析：{esc(str(exc))}</p>', gr.update(), filled_title
    existing = next((r for r in assistant.reports() if r.doc_id == report.doc_id), None)
    if correction.title:
        return render_preview(report, existing), gr.update(), filled_title
    return render_preview(report, existing), gr.update(value=report.title), report.title


def cleared_upload(gate: StaffGate, token: str | None, pending: str | None,
                   request: Any) -> tuple[None, None, str, dict, dict, dict, dict, dict]:
    """After 确认导入, or the file removed before it: the pending upload deleted, and (empty upload, nothing
    pending, no preview, and hidden 确认导入, title, government, year and 按修改更新预览)."""
    gate.require_session(token, request)
    if pending:
        discard_upload(pending)
    hidden = gr.update(visible=False)
    return None, None, "", hidden, hidden, hidden, hidden, hidden


def staff_correction(assistant: StaffAssistant, path: Path, title: str | None, place: str | None,
                     year: float | int | None, filled_title: str | None = None) -> Correction:
    """The fields staff changed from what the file reads as (unchanged fields are no correction; nor is a
    title that was filled in for them, `filled_title` or the one the corrected place and year compose)."""
    read = assistant.preview(path, uploaded=True)
    title, place = (title or "").strip(), (place or "").strip()
    year = int(year) if year else None
    place = place if place and place != read.identity.place else None
    year = year if year and year != read.identity.year else None
    composed = corrected(read.identity, place=place, year=year).title
    return Correction(title=title if title and title not in (read.title, filled_title, composed) else None,
                      place=place, year=year)


def commit_upload(gate: StaffGate, assistant: StaffAssistant, token: str | None, pending: str | None,
                  progress: Callable[..., Any], request: Any, title: str | None = None, place: str | None = None,
                  year: float | int | None = None, filled_title: str | None = None) -> tuple[str, None, dict]:
    """Ingest the previewed file with staff's corrections: (message, cleared pending file, hidden confirm button).
    The upload is deleted."""
    gate.require_session(token, request)
    if not pending:
        return plain_html("请先上传报告文件。"), None, gr.update(visible=False)
    progress(0, desc="正在导入…")
    try:
        correction = staff_correction(assistant, Path(pending), title, place, year, filled_title)
        result = assistant.ingest([Path(pending)], progress=lambda done, total: progress(
            done / max(total, 1), desc=f"正在计算向量 {done}/{total}"), uploaded=True, correction=correction)[0]
    except (GovQAError, OSError) as exc:
        log.warning("staff ingest failed: %s", exc)
        return plain_html(f"导入失败：{exc}" if isinstance(exc, GovQAError) else "导入失败：无法写入索引。"), None, \
            gr.update(visible=False)
    finally:
        discard_upload(pending)
    log.info("staff ingested %s (%s)", result.doc_id, result.status)
    return plain_html(f"{STATUS_WORDS.get(result.status, result.status)}：《{result.title}》（{result.doc_id}），"
                      f"{result.paragraphs} 段，{result.chunks} 块（新计算向量 {result.embedded}）。"), None, \
        gr.update(visible=False)


def ask_delete(gate: StaffGate, assistant: StaffAssistant, token: str | None, doc_id: str | None,
               request: Any) -> tuple[str, dict, str | None, dict]:
    """删除's first step: (message naming the report, the confirmation row, the report it would delete, the
    confirm button named after it). Nothing is deleted until that button is pressed."""
    gate.require_session(token, request)
    report = next((r for r in assistant.reports() if r.doc_id == doc_id), None) if doc_id else None
    if report is None:
        return plain_html("请选择要删除的报告。" if not doc_id else f"没有这份报告：{doc_id}"), \
            gr.update(visible=False), None, gr.update()
    return (plain_html(f"确定删除《{report.title}》（{report.doc_id}）吗？删除后居民将查不到这份报告，"
                       "恢复只能重新导入。"),
            gr.update(visible=True), report.doc_id, gr.update(value=shown(f"确认删除《{report.title}》")))


def delete_report(gate: StaffGate, assistant: StaffAssistant, token: str | None, doc_id: str | None,
                  request: Any) -> str:
    gate.require_session(token, request)
    return plain_html(_delete(assistant, doc_id))


def confirmed_delete(gate: StaffGate, assistant: StaffAssistant, token: str | None, doc_id: str | None,
                     request: Any) -> tuple[str, dict, None]:
    """删除's second step, for the report the first step named: (message, hidden confirmation row, nothing pending)."""
    return delete_report(gate, assistant, token, doc_id, request), gr.update(visible=False), None


def cancel_delete(gate: StaffGate, token: str | None, request: Any, message: str = "已取消删除。") -> tuple[str, dict, None]:
    gate.require_session(token, request)
    return plain_html(message), gr.update(visible=False), None


def api_delete_report(gate: StaffGate, assistant: StaffAssistant, doc_id: str, password: str, request: Any) -> str:
    """The API twin of 删除: the caller has no session, so it must give the password (same lockout)."""
    try:
        gate.check_password(password, request)
    except LockedOut as exc:
        raise gr.Error(str(exc), print_exception=False) from exc
    return _delete(assistant, doc_id)


def _delete(assistant: StaffAssistant, doc_id: str | None) -> str:
    if not doc_id:
        return "请选择要删除的报告。"
    title = next((r.title for r in assistant.reports() if r.doc_id == doc_id), "")
    if not assistant.delete(doc_id):
        return f"没有这份报告：{doc_id}"
    log.info("staff deleted %s", doc_id)
    return f"已删除：{doc_id}（《{title}》）" if title else f"已删除：{doc_id}"


def report_lists(assistant: StaffAssistant) -> tuple[str, dict]:
    """The staff list of reports and the choices of the delete dropdown."""
    reports = assistant.reports()
    return render_report_list(reports), gr.update(choices=report_choices(reports), value=None)


def refreshed_lists(gate: StaffGate, assistant: StaffAssistant, token: str | None,
                    request: Any) -> tuple[str, dict, dict]:
    """After a report came or went: (report list, delete choices, retrieval-test choices)."""
    gate.require_session(token, request)
    return *report_lists(assistant), scope_choices(assistant.reports())


def after_login(gate: StaffGate, assistant: StaffAssistant, feedback: ReviewSource | None, token: str | None,
                request: Any) -> tuple:
    """The screens filled once the panel shows: (retrieval-test choices, and with a feedback store the review
    list, its download and its message); nothing after a failed login."""
    count = 4 if feedback is not None else 1
    if not token:
        return (gr.update(),) * count
    gate.require_session(token, request)
    reviewed = show_review(gate, feedback, token, request) if feedback is not None else ()
    return scope_choices(assistant.reports()), *reviewed


# --- layout ----------------------------------------------------------------------------------------
SESSION_PATH = "/govqa/staff-session"  # ui/server.py: trades a login ticket for the HttpOnly cookie
# Runs in the page between login and showing the panel; the panel's own request then carries the cookie.
SET_COOKIE_JS = f"""
async (ticket) => {{
  if (ticket) await fetch('{SESSION_PATH}', {{method: 'POST', body: ticket, credentials: 'same-origin',
                                               headers: {{'content-type': 'text/plain'}}}});
  return [];
}}
"""


def _clearing_js(count: int) -> str:
    return f"() => {json.dumps([''] * count)}"


def build_staff_tab(gate: StaffGate, assistant: StaffAssistant, feedback: ReviewSource | None = None) -> list:
    """The staff tab's contents (feedback: the store the review screen reads; None = no review). Returns the
    events that change the set of reports, for refreshing views."""
    token = gr.State(None)
    ticket = gr.Textbox(visible="hidden", elem_id="govqa-staff-ticket")
    with gr.Column() as login_form:
        password = gr.Textbox(label="工作人员密码", type="password", max_lines=1)
        login_button = gr.Button("登录", variant="primary")
    login_message = gr.HTML()
    with gr.Column(visible=False) as panel:  # not in the page at all until login
        with gr.Accordion("报告管理", open=True):
            gr.Markdown("### 导入报告\n支持 TXT、DOCX、PDF、HTML。上传后先预览解析结果，确认无误再导入；"
                        "同一文件（同名）再次导入会替换旧版本，名称不同的文件是新报告。")
            upload = gr.File(label="上传报告", file_types=REPORT_TYPES, type="filepath")
            preview = gr.HTML(elem_id="govqa-staff-preview")
            with gr.Row():  # what the file reads as; staff correct it before 确认导入
                title = gr.Textbox(label="报告标题", visible=False, max_lines=1, scale=3)
                place = gr.Textbox(label="发布政府（地名）", visible=False, max_lines=1, scale=2)
                year = gr.Number(label="报告年份", visible=False, precision=0, scale=1)
            pending = gr.State(None)
            filled_title = gr.State(None)  # the title the form filled in, not staff: it follows corrections
            with gr.Row():
                refresh = gr.Button("按修改更新预览", variant="secondary", visible=False)
                confirm = gr.Button("确认导入", variant="primary", visible=False)
            ingest_message = gr.HTML()
            gr.Markdown("### 已导入的报告")
            listing = gr.HTML()
            with gr.Row():
                to_delete = gr.Dropdown(label="选择要删除的报告", choices=[], scale=4)
                delete_button = gr.Button("删除", variant="stop", scale=1)
            delete_message = gr.HTML()
            pending_delete = gr.State(None)  # the report the confirmation names: what 确认删除 deletes
            with gr.Row(visible=False) as confirm_row:
                confirm_delete = gr.Button("确认删除", variant="stop")
                cancel = gr.Button("取消", variant="secondary")
        with gr.Accordion("检索测试", open=False):
            gr.Markdown("向一份报告（或全部报告）提问，查看检索到的段落、各路分数，以及居民会得到的回答。")
            with gr.Row():
                probe_scope = gr.Dropdown(label="检索范围", choices=[], scale=2)
                probe_question = gr.Textbox(label="测试问题", max_lines=1, scale=3)
            probe_button = gr.Button("开始检索测试", variant="primary")
            probe_result = gr.HTML(elem_id="govqa-staff-retrieval")
        if feedback is not None:  # no store, no review
            with gr.Accordion("反馈复核", open=False):
                gr.Markdown("居民点了 👎 的回答（附说明）和未能回答的问题，最新的在前。可下载为评测问题（JSONL，"
                            "格式同 eval/questions/*.jsonl）。")
                with gr.Row():
                    review_refresh = gr.Button("刷新", variant="secondary")
                    review_download = gr.DownloadButton("下载评测问题（JSONL）", interactive=False)
                review_message = gr.HTML()
                review_list = gr.HTML(elem_id="govqa-staff-review")
            review = [review_list, review_download, review_message]
        else:
            review = []
        logout_button = gr.Button("退出登录", variant="secondary")
    messages = [login_message, ingest_message, delete_message, probe_result, *review[2:]]

    def action(triggers: list, fn: Callable[..., Any], inputs: Any, outputs: Any):
        """One staff action: every message area is emptied in the page as it starts, then fn runs on the server."""
        return gr.on(triggers, None, None, messages, js=_clearing_js(len(messages)), **PRIVATE).then(
            fn, inputs, outputs, **PRIVATE)

    def on_login(attempt: str, request: gr.Request):
        return login(gate, attempt, request)

    def on_show(session: str | None, request: gr.Request):
        return show_panel(gate, assistant, session, request)

    def on_after_login(session: str | None, request: gr.Request):
        return after_login(gate, assistant, feedback, session, request)

    def on_logout(session: str | None):
        return logout(gate, session)

    def on_upload(session: str | None, path: str | None, request: gr.Request):
        previewed = preview_upload(gate, assistant, session, path, request)
        # 按修改更新预览 shows with 确认导入; the title filled in is the one read
        return *previewed, gr.update(visible=previewed[2]["visible"]), previewed[3].get("value")

    def on_refresh(session: str | None, path: str | None, title: str, place: str, year: float | None,
                   filled: str | None, request: gr.Request):
        return corrected_preview(gate, assistant, session, path, title, place, year, request, filled)

    def on_cleared(session: str | None, path: str | None, request: gr.Request):
        return cleared_upload(gate, session, path, request)

    def on_confirm(session: str | None, path: str | None, title: str, place: str, year: float | None,
                   filled: str | None, request: gr.Request, progress=gr.Progress()):
        return commit_upload(gate, assistant, session, path, progress, request, title, place, year, filled)

    def on_ask_delete(session: str | None, doc_id: str | None, request: gr.Request):
        return ask_delete(gate, assistant, session, doc_id, request)

    def on_delete(session: str | None, doc_id: str | None, request: gr.Request):
        return confirmed_delete(gate, assistant, session, doc_id, request)

    def on_cancel(session: str | None, request: gr.Request):
        return cancel_delete(gate, session, request)

    def on_other_choice(session: str | None, request: gr.Request):
        return cancel_delete(gate, session, request, message="")

    def on_list(session: str | None, request: gr.Request):
        return refreshed_lists(gate, assistant, session, request)

    def on_probe(session: str | None, doc_id: str | None, question: str, request: gr.Request):
        return retrieval_test(gate, assistant, session, doc_id, question, request)

    def on_review(session: str | None, request: gr.Request):
        return show_review(gate, feedback, session, request)

    action([password.submit, login_button.click], on_login, password, [token, ticket, password, login_message]).then(
        None, ticket, None, js=SET_COOKIE_JS, **PRIVATE).then(
        on_show, token, [login_form, panel, listing, to_delete], **PRIVATE).then(
        on_after_login, token, [probe_scope, *review], **PRIVATE)
    action([logout_button.click], on_logout, token, [token, password, login_form, panel, login_message])

    upload_form = [upload, pending, preview, confirm, title, place, year, refresh]
    action([upload.upload], on_upload, [token, upload],
           [preview, pending, confirm, title, place, year, refresh, filled_title])
    action([upload.clear], on_cleared, [token, pending], upload_form)
    action([refresh.click, title.submit, place.submit, year.submit], on_refresh,
           [token, pending, title, place, year, filled_title], [preview, title, filled_title])
    committed = action([confirm.click], on_confirm, [token, pending, title, place, year, filled_title],
                       [ingest_message, pending, confirm])
    committed.then(on_cleared, [token, pending], upload_form, **PRIVATE)

    action([delete_button.click], on_ask_delete, [token, to_delete],
           [delete_message, confirm_row, pending_delete, confirm_delete])
    action([cancel.click], on_cancel, token, [delete_message, confirm_row, pending_delete])
    action([to_delete.input], on_other_choice, token, [delete_message, confirm_row, pending_delete])
    deleted = action([confirm_delete.click], on_delete, [token, pending_delete],
                     [delete_message, confirm_row, pending_delete])

    action([probe_button.click, probe_question.submit], on_probe, [token, probe_scope, probe_question], probe_result)
    if review:
        action([review_refresh.click], on_review, token, review)

    changes = [committed, deleted]
    for change in changes:
        change.success(on_list, token, [listing, to_delete, probe_scope], **PRIVATE)
    return changes

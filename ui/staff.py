"""Staff workspace: log in, upload and preview a report, commit it, list and delete reports.

Every staff handler checks the session itself, on the server: the controls being hidden in the page
is cosmetic. A session token lives in server-side gr.State and is valid only if login issued it.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

import gradio as gr

from index.errors import GovQAError
from index.records import Report
from index.identity import Correction
from index.ingest import IngestResult
from ui.render import esc
from ui.reports import render_preview, render_report_list, report_choices

log = logging.getLogger(__name__)

DENIED = "需要工作人员登录（密码不正确或未登录）。"
FAILED_LOGIN_DELAY_S = 1.0  # slows down password guessing
REPORT_TYPES = [".txt", ".docx", ".pdf", ".html", ".htm"]
STATUS_WORDS = {"added": "已导入", "replaced": "已替换", "unchanged": "内容未变化，无需更新"}
PRIVATE = {"api_visibility": "private"}  # UI plumbing; the staff API is ui.app's delete_report


class StaffAssistant(Protocol):
    def reports(self) -> list[Report]: ...

    def preview(self, path: Path, correction: Correction | None = None) -> Report: ...

    def ingest(self, paths: Sequence[Path], progress: Callable[[int, int], None] | None = None,
               correction: Correction | None = None) -> list[IngestResult]: ...

    def delete(self, doc_id: str) -> bool: ...


class StaffGate:
    """The staff password (unset = no staff workspace) and the sessions that logged in with it."""

    def __init__(self, password: str | None) -> None:
        self._password = (password or "").encode()
        self._sessions: set[str] = set()

    @property
    def enabled(self) -> bool:
        return bool(self._password)

    def password_matches(self, attempt: str | None) -> bool:
        # compare_digest: the time taken does not reveal how much of the guess was right.
        return self.enabled and hmac.compare_digest((attempt or "").encode(), self._password)

    def login(self, attempt: str) -> str | None:
        """A new session token, or None for a wrong password."""
        if not self.password_matches(attempt):
            return None
        token = secrets.token_urlsafe(32)
        self._sessions.add(token)
        return token

    def logout(self, token: str | None) -> None:
        self._sessions.discard(token or "")

    def require_session(self, token: str | None) -> None:
        if not (self.enabled and token in self._sessions):
            raise gr.Error(DENIED)

    def require_password(self, password: str | None) -> None:
        if not self.password_matches(password):
            raise gr.Error(DENIED)


# --- handlers --------------------------------------------------------------------------------------
def login(gate: StaffGate, attempt: str) -> tuple[str | None, str, dict, dict, str]:
    """(token, cleared password box, login form, staff panel, message)."""
    token = gate.login(attempt)
    if token is None:
        time.sleep(FAILED_LOGIN_DELAY_S)
        return None, "", gr.update(visible=True), gr.update(visible=False), "密码不正确。"
    return token, "", gr.update(visible=False), gr.update(visible=True), "已登录。"


def logout(gate: StaffGate, token: str | None) -> tuple[None, str, dict, dict, str]:
    gate.logout(token)
    return None, "", gr.update(visible=True), gr.update(visible=False), "已退出登录。"


def preview_upload(gate: StaffGate, assistant: StaffAssistant, token: str | None,
                   path: str | None) -> tuple[str, str | None, dict, dict, dict, dict]:
    """Parse the uploaded file without indexing it: (preview, file kept for 确认导入, confirm button, and
    the title, government and year fields filled with what was read, for staff to correct)."""
    gate.require_session(token)
    hidden = gr.update(visible=False)
    if not path:
        return "", None, hidden, hidden, hidden, hidden
    try:
        report = assistant.preview(Path(path))
    except (GovQAError, OSError) as exc:
        return f'<p class="warning">无法解析：{esc(str(exc))}</p>', None, hidden, hidden, hidden, hidden
    existing = next((r for r in assistant.reports() if r.doc_id == report.doc_id), None)
    identity = report.identity
    return (render_preview(report, existing), path, gr.update(visible=True),
            gr.update(value=report.title, visible=True), gr.update(value=identity.place, visible=True),
            gr.update(value=identity.year, visible=True))


def staff_correction(assistant: StaffAssistant, path: Path, title: str | None, place: str | None,
                     year: float | int | None) -> Correction:
    """The fields staff changed from what the file reads as (unchanged fields are no correction)."""
    read = assistant.preview(path)
    title, place = (title or "").strip(), (place or "").strip()
    year = int(year) if year else None
    return Correction(title=title if title and title != read.title else None,
                      place=place if place and place != read.identity.place else None,
                      year=year if year and year != read.identity.year else None)


def commit_upload(gate: StaffGate, assistant: StaffAssistant, token: str | None, pending: str | None,
                  progress: Callable[..., Any], title: str | None = None, place: str | None = None,
                  year: float | int | None = None) -> tuple[str, None, dict]:
    """Ingest the previewed file with staff's corrections: (message, cleared pending file, hidden confirm button)."""
    gate.require_session(token)
    if not pending:
        return "请先上传报告文件。", None, gr.update(visible=False)
    progress(0, desc="正在导入…")
    try:
        correction = staff_correction(assistant, Path(pending), title, place, year)
        result = assistant.ingest([Path(pending)], progress=lambda done, total: progress(
            done / max(total, 1), desc=f"正在计算向量 {done}/{total}"), correction=correction)[0]
    except (GovQAError, OSError) as exc:
        return f"导入失败：{exc}", None, gr.update(visible=False)
    log.info("staff ingested %s (%s)", result.doc_id, result.status)
    return (f"{STATUS_WORDS.get(result.status, result.status)}：《{result.title}》（{result.doc_id}），"
            f"{result.paragraphs} 段，{result.chunks} 块（新计算向量 {result.embedded}）。"), None, gr.update(visible=False)


def delete_report(gate: StaffGate, assistant: StaffAssistant, token: str | None, doc_id: str | None) -> str:
    gate.require_session(token)
    return _delete(assistant, doc_id)


def api_delete_report(gate: StaffGate, assistant: StaffAssistant, doc_id: str, password: str) -> str:
    """The API twin of 删除: the caller has no session, so it must give the password."""
    gate.require_password(password)
    return _delete(assistant, doc_id)


def _delete(assistant: StaffAssistant, doc_id: str | None) -> str:
    if not doc_id:
        return "请选择要删除的报告。"
    if not assistant.delete(doc_id):
        return f"没有这份报告：{doc_id}"
    log.info("staff deleted %s", doc_id)
    return f"已删除：{doc_id}"


def report_lists(assistant: StaffAssistant) -> tuple[str, dict]:
    """The staff list of reports and the choices of the delete dropdown."""
    reports = assistant.reports()
    return render_report_list(reports), gr.update(choices=report_choices(reports), value=None)


# --- layout ----------------------------------------------------------------------------------------
def build_staff_tab(gate: StaffGate, assistant: StaffAssistant) -> list:
    """The staff tab's contents. Returns the events that change the set of reports, for refreshing views."""
    token = gr.State(None)
    with gr.Column() as login_form:
        password = gr.Textbox(label="工作人员密码", type="password", max_lines=1)
        login_button = gr.Button("登录", variant="primary")
    login_message = gr.Markdown()
    with gr.Column(visible=False) as panel:  # not in the page at all until login
        gr.Markdown("### 导入报告\n支持 TXT、DOCX、PDF、HTML。上传后先预览解析结果，确认无误再导入；同名文件会替换旧版本。")
        upload = gr.File(label="上传报告", file_types=REPORT_TYPES, type="filepath")
        preview = gr.HTML()
        with gr.Row():  # what the file reads as; staff correct it before 确认导入
            title = gr.Textbox(label="报告标题", visible=False, max_lines=1, scale=3)
            place = gr.Textbox(label="发布政府（地名）", visible=False, max_lines=1, scale=2)
            year = gr.Number(label="报告年份", visible=False, precision=0, scale=1)
        pending = gr.State(None)
        confirm = gr.Button("确认导入", variant="primary", visible=False)
        ingest_message = gr.Markdown()
        gr.Markdown("### 已导入的报告")
        listing = gr.HTML()
        with gr.Row():
            to_delete = gr.Dropdown(label="选择要删除的报告", choices=[], scale=4)
            delete_button = gr.Button("删除", variant="stop", scale=1)
        delete_message = gr.Markdown()
        logout_button = gr.Button("退出登录", variant="secondary")

    def on_login(attempt: str):
        session, *shown = login(gate, attempt)
        return session, *shown, *(report_lists(assistant) if session else ("", gr.update()))

    def on_logout(session: str | None):
        return logout(gate, session)

    def on_upload(session: str | None, path: str | None):
        return preview_upload(gate, assistant, session, path)

    def on_confirm(session: str | None, path: str | None, title: str, place: str, year: float | None,
                   progress=gr.Progress()):
        return commit_upload(gate, assistant, session, path, progress, title, place, year)

    def on_delete(session: str | None, doc_id: str | None):
        return delete_report(gate, assistant, session, doc_id)

    def on_list(session: str | None):
        gate.require_session(session)
        return report_lists(assistant)

    login_outputs = [token, password, login_form, panel, login_message]  # the password box is cleared
    gr.on([password.submit, login_button.click], on_login, password, [*login_outputs, listing, to_delete], **PRIVATE)
    logout_button.click(on_logout, token, login_outputs, **PRIVATE)
    upload.upload(on_upload, [token, upload], [preview, pending, confirm, title, place, year], **PRIVATE)
    committed = confirm.click(on_confirm, [token, pending, title, place, year], [ingest_message, pending, confirm],
                              **PRIVATE)
    deleted = delete_button.click(on_delete, [token, to_delete], delete_message, **PRIVATE)
    changes = [committed, deleted]
    for change in changes:
        change.success(on_list, token, [listing, to_delete], **PRIVATE)
    return changes

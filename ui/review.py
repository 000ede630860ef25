"""Staff's review screen: residents' 👎 (with their comments) and the questions refused, newest first, with
the answer given; and the same cases as a downloadable eval question file (assistant.feedback's export).

The file is named by its content's hash under the temp dir (Gradio serves downloads from there): its URL
cannot be guessed without knowing what it holds, and the same cases are written once.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import gradio as gr

from assistant.feedback import REVIEW_LIMIT, FeedbackRow, as_jsonl
from ui.render import esc, plain_html

if TYPE_CHECKING:
    from ui.staff import StaffGate

log = logging.getLogger(__name__)
EXPORT_DIR = Path(tempfile.gettempdir()) / "govqa-review"
EXPORT_NAME = "feedback.jsonl"  # as `govqa feedback export --out eval/questions/feedback.jsonl` names it


class ReviewSource(Protocol):
    def to_review(self, limit: int = REVIEW_LIMIT) -> list[FeedbackRow]: ...

    def eval_cases(self) -> list[dict]: ...


def show_review(gate: StaffGate, feedback: ReviewSource, token: str | None, request: Any) -> tuple[str, dict, str]:
    """(the review list, the download button of the export, the action's message)."""
    gate.require_session(token, request)
    try:
        rows, cases = feedback.to_review(), feedback.eval_cases()
    except sqlite3.Error:
        log.exception("could not read the feedback store")
        return '<p class="warning">暂时无法读取居民反馈，请稍后重试。</p>', _download(None), ""
    shown = f"（显示最新 {len(rows)} 条）" if len(rows) >= REVIEW_LIMIT else ""
    message = (f"待复核 {len(rows)} 条{shown}；可导出 {len(cases)} 个评测问题（同一问题只取最新一次）。"
               "导出文件中 to_complete 标出的字段须由工作人员填写后，才能加入评测集。") if rows else ""
    return render_review(rows), _download(export_file(cases)), plain_html(message)


def export_file(cases: Sequence[dict], directory: Path | None = None) -> str | None:
    """The cases as a JSONL file in eval/questions/*.jsonl's format; None when there are none."""
    if not cases:
        return None
    text = as_jsonl(list(cases))
    folder = (directory or EXPORT_DIR) / hashlib.sha256(text.encode()).hexdigest()[:32]
    path = folder / EXPORT_NAME
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f".{EXPORT_NAME}.partial"
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)
    return str(path)


def _download(path: str | None) -> dict:
    return gr.update(value=path, interactive=path is not None)


def _row(row: FeedbackRow) -> str:
    kind = '<span class="badge down">👎 差评</span>' if row.rating < 0 else ""
    kind += "" if row.answered else '<span class="badge refused">未回答</span>'
    asked_before = [t.get("content", "") for t in row.history if t.get("role") == "user"]
    before = f'<div class="review-before">前一问：{esc(str(asked_before[-1]))}</div>' if asked_before else ""
    comment = f'<div class="review-comment">居民说明：{esc(row.comment)}</div>' if row.comment else ""
    cited = "；".join(f"《{esc(str(c.get('doc_title', '')))}》第{esc(str(c.get('paragraph', '')))}段"
                     for c in row.citations)
    return (f'<li><div class="review-head">{kind} · {esc(row.created_at.replace("T", " "))} · feedback-{row.id}</div>{before}'
            f'<div class="review-question">问：{esc(row.question)}</div>{comment}'
            f'<div class="review-answer">答：{esc(row.answer)}</div>'
            + (f'<div class="review-cited">引用：{cited}</div>' if cited else "") + "</li>")


def render_review(rows: Sequence[FeedbackRow]) -> str:
    if not rows:
        return "<p>暂无差评或未回答的问题。</p>"
    return f'<ol class="review">{"".join(_row(r) for r in rows)}</ol>'

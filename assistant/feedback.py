"""Residents' feedback on answers, kept in SQLite next to the index, and exported as eval questions.

Every answer the chat gives is recorded with rating 0 (no vote yet); a 👍/👎 then updates that row.
Recording every answer (not only votes) is what lets refused questions — the ones nobody votes on —
reach the export, so staff see what the reports did not answer. No user or IP is stored.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from assistant.errors import CommentTooLong
from assistant.records import Answer

FEEDBACK_FILE = "feedback.sqlite3"
RATINGS = (-1, 0, 1)  # 👎, no vote, 👍
MAX_COMMENT_CHARS = 1000  # a resident's note, not a file (GOVQA_MAX_COMMENT_CHARS)
REVIEW_LIMIT = 200  # rows on the staff review screen; the export has them all

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    answered INTEGER NOT NULL,
    citations TEXT NOT NULL,
    history TEXT NOT NULL,
    rating INTEGER NOT NULL DEFAULT 0 CHECK (rating IN (-1, 0, 1)),
    comment TEXT NOT NULL DEFAULT ''
)
"""
_NEEDS_REVIEW = "rating < 0 OR answered = 0"  # 👎 answers and refusals become regression cases
_COLUMNS = "id, created_at, question, answer, answered, citations, history, rating, comment"


@dataclass(frozen=True)
class FeedbackRow:
    id: int
    created_at: str  # ISO 8601, UTC
    question: str
    answer: str
    answered: bool
    citations: list[dict]  # as in Answer.to_json()["citations"]
    history: list[dict]  # the conversation before the question: [{role, content}]
    rating: int
    comment: str


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _check_rating(rating: int) -> None:
    if rating not in RATINGS:
        raise ValueError(f"rating must be one of {RATINGS}, got {rating!r}")


class FeedbackStore:
    def __init__(self, path: Path, max_comment_chars: int = MAX_COMMENT_CHARS) -> None:
        self.path = Path(path)
        self.max_comment_chars = max_comment_chars
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._db() as db:
            db.execute(_SCHEMA)

    @classmethod
    def for_index(cls, index_dir: Path, max_comment_chars: int = MAX_COMMENT_CHARS) -> FeedbackStore:
        return cls(Path(index_dir) / FEEDBACK_FILE, max_comment_chars)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        # One short-lived connection per call: Gradio runs handlers on several threads.
        with closing(sqlite3.connect(self.path)) as db, db:
            yield db

    def record(self, question: str, answer: Answer, rating: int, comment: str = "",
               history: list[dict] | None = None) -> int:
        _check_rating(rating)
        row = (_now(), question, answer.text, int(answer.answered),
               json.dumps(answer.to_json()["citations"], ensure_ascii=False),
               json.dumps(history or [], ensure_ascii=False), rating, comment)
        with self._db() as db:
            cursor = db.execute(
                "INSERT INTO feedback (created_at, question, answer, answered, citations, history, rating, comment)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row)
        return int(cursor.lastrowid)

    def rate(self, row_id: int, rating: int) -> bool:
        """Set the vote on a recorded answer; 0 takes a vote back. False when there is no such row."""
        _check_rating(rating)
        with self._db() as db:
            return db.execute("UPDATE feedback SET rating = ? WHERE id = ?", (rating, row_id)).rowcount == 1

    def add_comment(self, row_id: int, comment: str) -> bool:
        """Raises CommentTooLong past `max_comment_chars`: the store never holds an oversized comment."""
        comment = comment.strip()
        if len(comment) > self.max_comment_chars:
            raise CommentTooLong(f"补充说明太长（{len(comment)} 字），请精简到 {self.max_comment_chars} 字以内。")
        with self._db() as db:
            return db.execute("UPDATE feedback SET comment = ? WHERE id = ?", (comment, row_id)).rowcount == 1

    def rows(self) -> list[FeedbackRow]:
        with self._db() as db:
            fetched = db.execute(f"SELECT {_COLUMNS} FROM feedback ORDER BY id").fetchall()
        return [_row(values) for values in fetched]

    def to_review(self, limit: int = REVIEW_LIMIT) -> list[FeedbackRow]:
        """👎 answers and refused questions, newest first: the staff review screen."""
        return self._needing_review("DESC", limit)

    def _needing_review(self, order: str, limit: int = -1) -> list[FeedbackRow]:
        with self._db() as db:
            fetched = db.execute(f"SELECT {_COLUMNS} FROM feedback WHERE {_NEEDS_REVIEW} ORDER BY id {order} LIMIT ?",
                                 (limit,)).fetchall()
        return [_row(values) for values in fetched]

    def eval_cases(self) -> list[dict]:
        """👎 and refused questions as eval questions (eval/harness.py's format). A question asked again with
        the same history is one case (the newest). Staff complete the fields each case's `to_complete` names."""
        latest: dict[str, FeedbackRow] = {}
        for row in self._needing_review("ASC"):
            latest[json.dumps([row.question, row.history], ensure_ascii=False)] = row
        return [_as_question(row) for row in latest.values()]

    def export(self, out: Path) -> int:
        """Write `eval_cases` as an eval question file (JSONL); returns how many."""
        cases = self.eval_cases()
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(as_jsonl(cases), encoding="utf-8")
        return len(cases)


def as_jsonl(cases: list[dict]) -> str:
    return "".join(json.dumps(case, ensure_ascii=False) + "\n" for case in cases)


def _row(values: tuple) -> FeedbackRow:
    i, created, q, a, answered, cites, hist, rating, comment = values
    return FeedbackRow(i, created, q, a, bool(answered), json.loads(cites), json.loads(hist), rating, comment)


# What staff must fill in before a case can gate anything: the export's guesses are only placeholders.
TO_COMPLETE = {
    "answerable": "确认报告能否回答（能答 true，不能答 false）",
    "gold_paragraphs": "能答时填写：回答所依据的原文句子（可多句）",
    "answer_facts": "能答时填写：答案必须包含的事实（数字、名称）",
}


def _as_question(row: FeedbackRow) -> dict:
    question = {
        "id": f"feedback-{row.id}",
        "question": row.question,
        "answerable": True,  # a guess for staff to confirm (see TO_COMPLETE)
        "gold_paragraphs": [],
        "answer_facts": [],
        "kind": "feedback",
        "to_complete": TO_COMPLETE,
        # What the resident saw and said, so staff can judge the case without the database.
        "feedback": {"rating": row.rating, "comment": row.comment, "answered": row.answered,
                     "answer": row.answer, "time": row.created_at,
                     "cited": [{k: c.get(k) for k in ("doc_id", "paragraph", "quote")} for c in row.citations]},
    }
    if row.history:
        question["history"] = row.history
    return question

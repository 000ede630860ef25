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

    @property
    def needs_review(self) -> bool:
        """👎 answers and refusals become regression cases."""
        return self.rating < 0 or not self.answered


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
        return [
            FeedbackRow(i, created, q, a, bool(answered), json.loads(cites), json.loads(hist), rating, comment)
            for i, created, q, a, answered, cites, hist, rating, comment in fetched
        ]

    def export(self, out: Path) -> int:
        """Write 👎 and refused questions as an eval question file (JSONL); returns how many.

        A question asked again with the same history is exported once (the newest). Staff fill in
        `gold_paragraphs` and `answer_facts`, or set `answerable` to false, before using the file.
        """
        latest: dict[str, FeedbackRow] = {}
        for row in (r for r in self.rows() if r.needs_review):
            latest[json.dumps([row.question, row.history], ensure_ascii=False)] = row
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        lines = [json.dumps(_as_question(row), ensure_ascii=False) for row in latest.values()]
        out.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        return len(lines)


def _as_question(row: FeedbackRow) -> dict:
    question = {
        "id": f"feedback-{row.id}",
        "question": row.question,
        "answerable": True,  # a guess for staff to confirm
        "gold_paragraphs": [],
        "answer_facts": [],
        "kind": "feedback",
        # What the resident saw and said, so staff can judge the case without the database.
        "feedback": {"rating": row.rating, "comment": row.comment, "answered": row.answered,
                     "answer": row.answer, "time": row.created_at},
    }
    if row.history:
        question["history"] = row.history
    return question

"""The feedback store and its export as eval questions (and the `govqa feedback export` command)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from assistant.cli.feedback import feedback_app
from assistant.feedback import FEEDBACK_FILE, TO_COMPLETE, FeedbackStore, as_jsonl
from assistant.records import Answer, Citation
from eval.harness import load_questions

HISTORY = [{"role": "user", "content": "2022年GDP是多少？"}, {"role": "assistant", "content": "58亿元[1]。"}]


def answer(question: str, answered: bool = True) -> Answer:
    cites = (Citation(1, "kd", "坎墩街道报告", "一、回顾", 5, "GDP58亿元。", "全年GDP58亿元。"),) if answered else ()
    return Answer(question, answered, "GDP58亿元[1]。" if answered else "报告中没有找到。", cites)


@pytest.fixture
def store(tmp_path: Path) -> FeedbackStore:
    return FeedbackStore.for_index(tmp_path / "index")


def test_record_keeps_question_answer_citations_and_time(store: FeedbackStore) -> None:
    row_id = store.record("2022年GDP是多少？", answer("2022年GDP是多少？"), 1, "很好", history=HISTORY)
    (row,) = store.rows()
    assert row.id == row_id and row.question == "2022年GDP是多少？" and row.answer == "GDP58亿元[1]。"
    assert row.answered and row.rating == 1 and row.comment == "很好" and row.history == HISTORY
    assert row.citations == [{"n": 1, "doc_id": "kd", "doc_title": "坎墩街道报告", "report_title": "坎墩街道报告",
                              "place": "", "year": None, "section": "一、回顾",
                              "paragraph": 5, "quote": "GDP58亿元。", "text": "全年GDP58亿元。"}]
    assert row.created_at.endswith("+00:00")
    assert store.path == store.path.parent / FEEDBACK_FILE


def test_rate_and_comment_update_the_row_and_survive_reopening(store: FeedbackStore) -> None:
    row_id = store.record("问题", answer("问题"), 0)
    assert store.rate(row_id, -1) and store.add_comment(row_id, " 数字不对 ")
    assert not store.rate(row_id + 1, 1) and not store.add_comment(row_id + 1, "x")
    (row,) = FeedbackStore(store.path).rows()
    assert (row.rating, row.comment) == (-1, "数字不对")


def test_ratings_outside_thumbs_are_rejected(store: FeedbackStore) -> None:
    with pytest.raises(ValueError):
        store.record("问题", answer("问题"), 5)
    with pytest.raises(ValueError):
        store.rate(1, 2)


def test_export_writes_thumbs_down_and_refusals_as_eval_questions(store: FeedbackStore, tmp_path: Path) -> None:
    store.record("2022年GDP是多少？", answer("2022年GDP是多少？"), 1)  # 👍: not exported
    store.record("工业产值呢？", answer("工业产值呢？"), 0)  # answered, no vote: not exported
    down = store.record("那2023年呢？", answer("那2023年呢？"), -1, "答非所问", history=HISTORY)
    refused = store.record("辖区有多少人口？", answer("辖区有多少人口？", answered=False), 0)
    again = store.record("辖区有多少人口？", answer("辖区有多少人口？", answered=False), 0)  # asked twice: once

    out = tmp_path / "out" / "feedback.jsonl"
    assert store.export(out) == 2
    questions = load_questions(out)  # the eval harness accepts the file as it is
    assert [q["id"] for q in questions] == [f"feedback-{down}", f"feedback-{again}"]
    first, second = questions
    assert first == {
        "id": f"feedback-{down}", "question": "那2023年呢？", "answerable": True, "gold_paragraphs": [],
        "answer_facts": [], "kind": "feedback", "history": HISTORY,
        "to_complete": TO_COMPLETE,  # what staff fill in: the rest are guesses
        "feedback": {"rating": -1, "comment": "答非所问", "answered": True, "answer": "GDP58亿元[1]。",
                     "time": first["feedback"]["time"], "cited": [{"doc_id": "kd", "paragraph": 5, "quote": "GDP58亿元。"}]},
    }
    assert set(TO_COMPLETE) == {"answerable", "gold_paragraphs", "answer_facts"}  # the harness's own fields
    assert "history" not in second and second["feedback"]["answered"] is False and second["feedback"]["cited"] == []
    assert refused != again
    assert out.read_text("utf-8") == as_jsonl(store.eval_cases())  # the file staff download holds the same


def test_review_lists_thumbs_down_and_refusals_newest_first(store: FeedbackStore) -> None:
    store.record("2022年GDP是多少？", answer("2022年GDP是多少？"), 1)
    store.record("工业产值呢？", answer("工业产值呢？"), 0)
    refused = store.record("辖区有多少人口？", answer("辖区有多少人口？", answered=False), 0)
    down = store.record("那2023年呢？", answer("那2023年呢？"), 0)
    store.rate(down, -1)  # a vote given after the answer was recorded
    newest = store.record("怎么办理居住证？", answer("怎么办理居住证？", answered=False), 0)
    assert [r.id for r in store.to_review()] == [newest, down, refused]
    assert [r.id for r in store.to_review(limit=2)] == [newest, down]


def test_export_of_an_empty_store_writes_an_empty_file(store: FeedbackStore, tmp_path: Path) -> None:
    out = tmp_path / "empty.jsonl"
    assert store.export(out) == 0 and out.read_text("utf-8") == "" and load_questions(out) == []


def test_cli_export_reads_the_store_in_the_index_dir(tmp_path: Path, monkeypatch) -> None:
    index_dir = tmp_path / "index"
    monkeypatch.setenv("GOVQA_INDEX_DIR", str(index_dir))
    FeedbackStore.for_index(index_dir).record("辖区有多少人口？", answer("辖区有多少人口？", answered=False), 0)
    app = typer.Typer()
    app.add_typer(feedback_app, name="feedback")  # as assistant/cli.py registers it
    out = tmp_path / "q.jsonl"
    result = CliRunner().invoke(app, ["feedback", "export", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "已导出 1 个问题" in result.output
    assert json.loads(out.read_text("utf-8"))["question"] == "辖区有多少人口？"

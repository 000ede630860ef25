"""Small talk (greetings, thanks, questions about the assistant) and courtesy around a real question."""

import json
from pathlib import Path

import pytest

from assistant.answer.courtesy import ABOUT, GREETING, THANKS, smalltalk, without_courtesy

QUESTION_SETS = sorted((Path(__file__).parents[3] / "eval" / "questions").glob("*.jsonl"))


@pytest.mark.parametrize(("message", "kind"), [
    ("你好", GREETING), ("您好！", GREETING), ("hi", GREETING), ("Hello!", GREETING), ("早上好呀~", GREETING),
    ("在吗？", GREETING), ("你好，我想问一下", GREETING),
    ("谢谢", THANKS), ("好的谢谢", THANKS), ("谢谢你的回答！", THANKS), ("Thank you", THANKS), ("謝謝！", THANKS),
    ("收到，辛苦了", THANKS), ("好的", THANKS),
    ("你能做什么？", ABOUT), ("你是谁", ABOUT), ("你好，你能做什么？", ABOUT),
])
def test_messages_of_courtesy_alone_are_small_talk(message, kind):
    assert smalltalk(message) == kind


@pytest.mark.parametrize("message", [
    "你好，请问2025年安徽GDP增长多少？", "谢谢你们建的停车场", "好的营商环境怎么建设？", "请问", "早日建成了吗？",
    "history", "怎么办理居住证？", "你好" * 40,
])
def test_messages_that_ask_something_else_are_not(message):
    assert smalltalk(message) is None


@pytest.mark.parametrize(("typed", "asked"), [
    ("你好，请问2025年安徽GDP增长多少？", "请问2025年安徽GDP增长多少？"),
    ("您好！請問安徽GDP增長多少？謝謝", "請問安徽GDP增長多少？"),
    ("2024年新增就业多少人？谢谢！", "2024年新增就业多少人？"),
    ("hi, 停车位有多少个，谢谢", "停车位有多少个"),
    ("你好请问停车位有多少个", "请问停车位有多少个"),
])
def test_a_greeting_before_and_thanks_after_a_question_are_taken_off(typed, asked):
    assert without_courtesy(typed) == asked


@pytest.mark.parametrize("typed", ["你好", "谢谢！", "好的营商环境怎么建设？", "早日建成了吗？", "hint：停车位"])
def test_a_question_without_courtesy_around_it_is_kept_as_typed(typed):
    assert without_courtesy(typed) == typed


def test_no_question_of_the_question_sets_is_small_talk_or_loses_a_word():
    questions = [json.loads(line) for path in QUESTION_SETS for line in path.read_text(encoding="utf-8").splitlines()
                 if line.strip()]
    for q in questions:
        if q.get("kind") in ("greeting", "thanks") or q["id"].startswith("edge-look"):
            continue  # eval/questions/edges.jsonl asks exactly these
        assert smalltalk(q["question"]) is None, q["id"]
        assert without_courtesy(q["question"]) == q["question"], q["id"]

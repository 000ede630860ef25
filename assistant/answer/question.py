"""From what the user typed to what is searched: validation, follow-ups, time words.

Follow-ups ("那2023年呢？", "这个项目投资多少？") are resolved against the conversation by rules,
so the offline answerer handles them; relative time words are read in the report's own frame
(in a report dated 2023-01, 去年 = 2022 and 今年 = 2023), never today's.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace

from assistant.answer.intent import Intent, classify, is_followup
from assistant.errors import InvalidQuestion
from index.textnorm import BARE_YEAR, clean, years_named

_HAS_CONTENT = re.compile(r"[\w\u4e00-\u9fff]")
_TIME_WORDS = {"前年": -2, "去年": -1, "上一年": -1, "今年": 0, "本年": 0, "当年": 0, "明年": 1, "下一年": 1}


@dataclass(frozen=True)
class Question:
    typed: str  # as the user typed it, cleaned of control characters
    search: str  # what retrieval sees: follow-up resolved, time words made explicit
    focus: str  # what the answer must address: the follow-up's own words when it has any, else search
    years: tuple[int, ...]  # explicit years asked about
    intent: Intent


def validate(text: str | None, max_chars: int) -> str:
    """Cleaned question text, or InvalidQuestion with a message a resident understands."""
    if text is None:
        raise InvalidQuestion("请输入问题。")
    if len(text) > max_chars * 4:  # refuse before any per-character work on huge input
        raise InvalidQuestion(f"问题太长（{len(text)} 字），请精简到 {max_chars} 字以内。")
    cleaned = "".join(ch for ch in clean(text) if unicodedata.category(ch)[0] != "C" or ch in "\n\t")
    cleaned = " ".join(cleaned.split())
    if not cleaned:
        raise InvalidQuestion("请输入问题。")
    if len(cleaned) > max_chars:
        raise InvalidQuestion(f"问题太长（{len(cleaned)} 字），请精简到 {max_chars} 字以内。")
    if not _HAS_CONTENT.search(cleaned):
        raise InvalidQuestion("问题里没有可检索的文字，请换一种问法。")
    return cleaned


def resolve_time_words(text: str, plan_year: int | None) -> str:
    """去年/今年/明年 → explicit years, in the frame of the report (its plan year is 今年)."""
    if plan_year is None:
        return text
    for word, offset in _TIME_WORDS.items():
        text = text.replace(word, f"{plan_year + offset}年")
    return text


def followup_focus(text: str) -> str:
    """The words a follow-up adds of its own ("那工业总产值呢？" → "工业总产值")."""
    return re.sub(r"^(那么|那|那个)|(呢|呐)?[?？]?$", "", BARE_YEAR.sub("", text)).strip()


def resolve_followup(text: str, history: Sequence[dict] | None) -> str:
    """Merge a follow-up with the previous user question.

    A new year replaces the old one ("那2023年呢？" after a 2022 question asks the same of 2023);
    otherwise the previous question supplies the topic the follow-up points at.
    """
    previous = next((turn["content"] for turn in reversed(history or []) if turn.get("role") == "user"), None)
    if not previous or not is_followup(text):
        return text
    new_years = BARE_YEAR.findall(text)
    rest = followup_focus(text)
    if new_years and BARE_YEAR.search(previous):
        replaced = BARE_YEAR.sub(f"{new_years[0]}年", previous, count=1)
        return replaced if not rest else f"{replaced} {rest}"
    return f"{previous} {text}"


def prepare(text: str | None, history: Sequence[dict] | None, max_chars: int, plan_year: int | None) -> Question:
    typed = validate(text, max_chars)
    # Only the user's own turns are followed up; the assistant's answers (long, or all citations) are not
    # questions and must not be validated as such.
    history = [
        {"role": "user", "content": resolve_time_words(validate(turn.get("content"), max_chars * 4), plan_year)}
        for turn in (history or [])
        if isinstance(turn, dict) and turn.get("role") == "user" and turn.get("content")
    ]
    explicit = resolve_time_words(typed, plan_year)
    search = resolve_followup(explicit, history)
    focus = search
    if search != explicit and len(followup_focus(explicit)) >= 2 and not BARE_YEAR.search(explicit):
        focus = followup_focus(explicit)
    return Question(typed=typed, search=search, focus=focus, years=years_named(search),
                    intent=classify(typed, focus, search))


def without_names(question: Question, names: Sequence[str]) -> Question:
    """The question with the government it named taken out of what is searched and scored: once the
    search is scoped to that government, its name only matches title and header lines ("2025年安徽省
    政府工作报告") and sentences about other places it names."""
    def strip(text: str) -> str:
        for name in sorted(names, key=len, reverse=True):
            text = text.replace(name, "")
        return text

    search, focus = strip(question.search), strip(question.focus)
    if not (_HAS_CONTENT.search(search) and _HAS_CONTENT.search(focus)):
        return question
    return replace(question, search=search, focus=focus)

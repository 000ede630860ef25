"""Answers written by an LLM from the retrieved paragraphs, then checked sentence by sentence.

The model sees only numbered source paragraphs, fenced as data. Its answer is kept only where it can
be checked: every sentence must cite a source that was given, and every figure in a sentence must be
in the paragraphs that sentence cites. What cannot be checked is dropped and the user is told.
Any failure of the endpoint raises LLMUnavailable so the caller can fall back to the extractive answerer.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from itertools import groupby
from typing import TYPE_CHECKING, TypeVar

from assistant.errors import LLMUnavailable
from assistant.answer.extractive import citation_for
from index.numbers import unsupported_figures
from assistant.answer.prompts import messages
from assistant.records import Citation
from index.records import Hit
from index.textnorm import bigrams, normalize, split_sentences

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from assistant.settings import Settings

REFUSAL_TOKEN = "报告中没有提到"  # the exact line prompts/answer.md asks for when the sources lack the answer
REFUSAL_TEXT = "报告中没有找到相关内容。"
HISTORY_TURNS = 6  # a follow-up leans on the last exchanges, not the whole conversation
HISTORY_TURN_CHARS = 300  # long answers add citations and noise, not the topic

_MARKER = re.compile(r"[\[［]\s*(\d+(?:\s*[,，、]\s*\d+)*)\s*[\]］]")
_LEADING_MARKERS = re.compile(rf"^(?:\s*{_MARKER.pattern})+")
_THINK = re.compile(r"<think>.*?</think>", re.DOTALL)  # reasoning models (DeepSeek-R1, Qwen3) emit this
_ENUMERATOR = re.compile(r"^\s*(?:\d+[.、)）](?!\d)|[-*•])\s*")  # list numbering is layout, not a figure
_CONDENSE_PREFIX = re.compile(r"^(?:改写后的问题|独立问题|问题)\s*[:：]\s*")
_FENCE_UNSAFE = str.maketrans({"<": "＜", ">": "＞", '"': "＂"})  # a source cannot close its own fence

T = TypeVar("T")


def make_chat_model(settings: Settings) -> BaseChatModel:
    from langchain_openai import ChatOpenAI  # imported here so the offline path never loads it

    return ChatOpenAI(
        base_url=settings.llm_base_url,
        model=settings.llm_model,
        api_key=settings.llm_api_key,
        timeout=settings.llm_timeout_s,
        max_retries=0,  # the fallback answerer is the retry
        temperature=0,
    )


@dataclass(frozen=True)
class GeneratedAnswer:
    answered: bool
    text: str
    citations: tuple[Citation, ...]
    notice: str


@dataclass(frozen=True)
class _Checked:
    text: str  # the sentence as the model wrote it, markers included
    body: str  # without markers
    cited: tuple[int, ...]  # valid source numbers, in order of appearance
    line: int  # line of the reply it came from, to keep the model's layout


@dataclass(frozen=True)
class _Review:
    kept: list[_Checked]
    dropped_sentences: int
    removed_markers: int


class GenerativeAnswerer:
    def __init__(self, chat_model: BaseChatModel, timeout_s: float = 30.0, max_sources: int = 5) -> None:
        self.chat_model = chat_model
        self.timeout_s = timeout_s
        self.max_sources = max_sources

    def answer(self, question: str, hits: Sequence[Hit], doc_titles: Mapping[str, str]) -> GeneratedAnswer:
        sources = _distinct_paragraphs(hits)[: self.max_sources]
        if not sources:
            return GeneratedAnswer(False, REFUSAL_TEXT, (), "")
        prompt = messages("answer", question=question, sources=_fence(sources, doc_titles))
        reply = self._invoke(prompt)
        if _is_refusal(reply):
            return GeneratedAnswer(False, REFUSAL_TEXT, (), "")
        review = _review(reply, [_support_text(hit, doc_titles) for hit in sources])
        notice = _notice(review)
        if not review.kept:
            return GeneratedAnswer(False, REFUSAL_TEXT, (), notice)
        order = list(dict.fromkeys(n for sentence in review.kept for n in sentence.cited))
        text = _renumbered_text(review.kept, {old: new for new, old in enumerate(order, 1)})
        citations = tuple(
            _citation(new, sources[old - 1], [s.body for s in review.kept if old in s.cited], doc_titles)
            for new, old in enumerate(order, 1)
        )
        return GeneratedAnswer(True, text, citations, notice)

    def condense(self, question: str, history: Sequence[dict]) -> str:
        """The follow-up rewritten as a standalone question; the question itself when that fails."""
        transcript = _transcript(history)
        if not transcript:
            return question  # nothing to resolve against: spare the model call
        try:
            reply = self._invoke(messages("condense", history=transcript, question=question))
        except LLMUnavailable:
            return question
        # Only the first line: models like to add an explanation after the question.
        rewritten = _CONDENSE_PREFIX.sub("", reply.splitlines()[0]).strip("\"'“”「」 ")
        return rewritten or question

    def _invoke(self, prompt: list[tuple[str, str]]) -> str:
        try:
            reply = _call_with_timeout(lambda: self.chat_model.invoke(prompt), self.timeout_s)
        except TimeoutError as exc:
            raise LLMUnavailable(f"生成模型在 {self.timeout_s:g} 秒内没有响应。") from exc
        except Exception as exc:
            raise LLMUnavailable(f"生成模型调用失败（{type(exc).__name__}）。") from exc
        content = getattr(reply, "content", None)
        text = _THINK.sub("", content).strip() if isinstance(content, str) else ""
        if not text:
            raise LLMUnavailable("生成模型返回了空回答。")
        return text


def _call_with_timeout(fn: Callable[[], T], timeout_s: float) -> T:
    """Run fn in a daemon thread: a hung endpoint costs timeout_s, and never blocks interpreter exit."""
    future: Future[T] = Future()

    def run() -> None:
        try:
            future.set_result(fn())
        except BaseException as exc:  # handed to the caller, who decides
            future.set_exception(exc)

    threading.Thread(target=run, name="govqa-llm", daemon=True).start()
    return future.result(timeout=timeout_s)


def _distinct_paragraphs(hits: Sequence[Hit]) -> list[Hit]:
    """One source per paragraph: two windows of one long paragraph would show the model the same text twice."""
    seen: dict[tuple[str, int], Hit] = {}
    for hit in hits:
        seen.setdefault((hit.chunk.doc_id, hit.chunk.paragraph), hit)
    return list(seen.values())


def _fence(sources: Sequence[Hit], doc_titles: Mapping[str, str]) -> str:
    blocks = []
    for n, hit in enumerate(sources, 1):
        attributes = {
            "n": str(n),
            "report": doc_titles.get(hit.chunk.doc_id, hit.chunk.doc_id),
            "section": " › ".join(hit.chunk.section),
            "year": str(hit.chunk.year or ""),
        }
        header = " ".join(f'{key}="{value.translate(_FENCE_UNSAFE)}"' for key, value in attributes.items() if value)
        blocks.append(f"<source {header}>\n{hit.paragraph_text.translate(_FENCE_UNSAFE)}\n</source>")
    return "\n\n".join(blocks)


def _support_text(hit: Hit, doc_titles: Mapping[str, str]) -> str:
    """Everything the model was shown about a source (but its number), where its figures may come from."""
    title = doc_titles.get(hit.chunk.doc_id, hit.chunk.doc_id)
    return "\n".join([title, *hit.chunk.section, str(hit.chunk.year or ""), hit.paragraph_text])


def _transcript(history: Sequence[dict]) -> str:
    """The last turns as "用户：…" / "助手：…" lines, for the condense prompt."""
    speakers = {"user": "用户", "assistant": "助手"}
    turns = [
        f"{speakers[turn['role']]}：{' '.join(str(turn['content']).split())[:HISTORY_TURN_CHARS]}"
        for turn in history
        if isinstance(turn, dict) and turn.get("role") in speakers and turn.get("content")
    ]
    return "\n".join(turns[-HISTORY_TURNS:])


def _is_refusal(reply: str) -> bool:
    first_line = normalize(reply.splitlines()[0]).rstrip("。.!！")
    return first_line == REFUSAL_TOKEN


def _sentences(line: str) -> list[str]:
    """Sentences of a line, with markers written after the full stop ("…58亿元。[1]") moved back to their sentence."""
    sentences: list[str] = []
    for sentence in split_sentences(line):
        leading = _LEADING_MARKERS.match(sentence)
        if leading and sentences:
            sentences[-1] += leading[0].strip()
            sentence = sentence[leading.end() :].strip()
        if sentence:
            sentences.append(sentence)
    return sentences


def _markers(text: str) -> list[int]:
    return [int(n) for group in _MARKER.findall(text) for n in re.split(r"\s*[,，、]\s*", group)]


def _review(reply: str, supports: Sequence[str]) -> _Review:
    kept: list[_Checked] = []
    dropped = removed = 0
    for line_number, line in enumerate(reply.splitlines()):
        for sentence in _sentences(line):
            cited_all = _markers(sentence)
            cited = tuple(dict.fromkeys(n for n in cited_all if 1 <= n <= len(supports)))
            removed += sum(n not in cited for n in cited_all)
            body = _MARKER.sub("", sentence)
            if not cited or unsupported_figures(_ENUMERATOR.sub("", body), [supports[n - 1] for n in cited]):
                dropped += 1
                continue
            kept.append(_Checked(sentence, body, cited, line_number))
    return _Review(kept, dropped, removed)


def _notice(review: _Review) -> str:
    parts = []
    if review.dropped_sentences:
        parts.append(f"已删除 {review.dropped_sentences} 句无法在来源中核实的内容")
    if review.removed_markers:
        parts.append(f"已移除 {review.removed_markers} 个指向不存在来源的引用标注")
    return "；".join(parts)


def _renumbered_text(kept: Sequence[_Checked], new_number: Mapping[int, int]) -> str:
    def rewrite(marker: re.Match[str]) -> str:
        numbers = dict.fromkeys(new_number[n] for n in _markers(marker[0]) if n in new_number)
        return "".join(f"[{n}]" for n in numbers)

    lines = groupby(kept, key=lambda sentence: sentence.line)
    return "\n".join("".join(_MARKER.sub(rewrite, s.text) for s in sentences) for _, sentences in lines)


def _citation(n: int, hit: Hit, citing: Sequence[str], doc_titles: Mapping[str, str]) -> Citation:
    return citation_for(n, hit, _quote(hit.paragraph_text, citing), doc_titles)


def _quote(paragraph: str, answer_sentences: Sequence[str]) -> str:
    """The paragraph's sentence(s) that best match the answer sentences citing it, in the report's own text."""
    candidates = split_sentences(paragraph)
    if not candidates:
        return paragraph
    candidate_bigrams = [bigrams(normalize(c)) for c in candidates]
    chosen = set()
    for sentence in answer_sentences:
        wanted = bigrams(normalize(sentence))
        chosen.add(max(range(len(candidates)), key=lambda i: (len(wanted & candidate_bigrams[i]), -i)))
    return "".join(candidates[i] for i in sorted(chosen))


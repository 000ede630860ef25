"""One question → one answer: prepare the question, pick one route, run its steps.

Routes, picked from the Intent before anything is searched:
- ledger: a question about what was promised (and, unscoped, the ledger has matching rows);
- outline: a question about the report's own structure, answered with its headings;
- search: everything else — retrieve, score sentences, judge, then quote (or generate).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from assistant.answer import evidence, outline, verdict
from assistant.answer.extractive import citation_for, compose
from assistant.answer.question import Question, prepare
from assistant.errors import IndexMissing, LLMUnavailable
from assistant.ledger.chat import answer_from_ledger
from assistant.records import Answer, Citation
from index.records import Hit, Report
from index.retrieval import Snapshot
from index.textnorm import in_script_of

if TYPE_CHECKING:
    from assistant.answer.generative import GenerativeAnswerer
    from assistant.ledger.store import Ledger

RELATED_ON_REFUSAL = 3


class Retriever(Protocol):
    """Ranked paragraphs for a query; ours (index.retrieval.HybridRetriever) or the evaluation's baseline.
    snapshot pins the index state for the whole answer; a retriever with its own store ignores it."""

    def search(self, query: str, k: int = 10, doc_ids: Sequence[str] | None = None,
               snapshot: Snapshot | None = None) -> list[Hit]: ...


class ReportSource(Protocol):
    def reports(self) -> list[Report]: ...

    def report(self, doc_id: str) -> Report | None: ...


@dataclass(frozen=True)
class Found:
    """What the search route found for one question, and the verdict on it."""

    hits: list[Hit]
    chosen: list[evidence.Evidence]
    verdict: verdict.Verdict
    titles: Mapping[str, str]


class AnswerPipeline:
    def __init__(self, reports: ReportSource, snapshot: Callable[[], Snapshot], retriever: Retriever,
                 ledger: Ledger, generator: Callable[[], GenerativeAnswerer | None], *,
                 k_hits: int, max_question_chars: int) -> None:
        """snapshot: the current index state (vocabulary, years) that judging uses, whoever retrieves."""
        self.reports, self.snapshot, self.retriever, self.ledger = reports, snapshot, retriever, ledger
        self.generator = generator
        self.k_hits, self.max_question_chars = k_hits, max_question_chars

    def ask(self, question: str, history: Sequence[dict] | None = None,
            doc_ids: Sequence[str] | None = None) -> Answer:
        started = time.perf_counter()
        reports = [r for r in self.reports.reports() if not doc_ids or r.doc_id in doc_ids]
        if not reports:
            raise IndexMissing("还没有导入任何报告：请先运行 govqa ingest 导入报告。")
        prepared = self._prepare(question, history, reports)
        if prepared.intent.about_promise and not doc_ids:
            from_ledger = answer_from_ledger(prepared.typed, prepared.intent.asks_status, self.ledger)
            if from_ledger is not None:
                return _answer(question, True, from_ledger.text, from_ledger.citations, (), started)
        found = self._search(prepared, doc_ids, reports)
        if prepared.intent.wants_outline and (answer := self._outline(question, found, started)):
            return answer
        return self._from_search(question, prepared, found, started)

    def _prepare(self, question: str, history: Sequence[dict] | None, reports: Sequence[Report]) -> Question:
        plan_year = _plan_year(reports)
        prepared = prepare(question, history, self.max_question_chars, plan_year)
        generator = self.generator()
        if generator is not None and history and prepared.search == prepared.typed:
            # The rules found no follow-up to resolve; the model may (它/那个项目 → the thing named before).
            prepared = prepare(generator.condense(question, history), None, self.max_question_chars * 4, plan_year)
        return prepared

    def _search(self, prepared: Question, doc_ids: Sequence[str] | None, reports: Sequence[Report]) -> Found:
        snapshot = self.snapshot()  # one index state for the whole answer
        hits = self.retriever.search(prepared.search, k=self.k_hits, doc_ids=doc_ids, snapshot=snapshot)
        vocabulary = snapshot.vocabulary(doc_ids)
        chosen = evidence.select(evidence.score_sentences(prepared, hits, vocabulary), prepared)
        years = {y for r in reports for y in (*r.years, *snapshot.years_named.get(r.doc_id, ()))}
        judged = verdict.judge(prepared, chosen, vocabulary, years)
        return Found(hits, chosen, judged, {r.doc_id: r.title for r in reports})

    def _outline(self, question: str, found: Found, started: float) -> Answer | None:
        """The headings of the top hit's report (or of the part the question names); None when it has none."""
        if not found.hits:
            return None
        items = outline.outline_items(self.reports.report(found.hits[0].chunk.doc_id), question)
        if not items:
            return None
        heading_hits, headings = outline.as_evidence(items, len(found.hits))
        chosen = [e for e in found.chosen if outline.announces_list(e.sentence)] + headings
        text, citations = compose(question, chosen, [*found.hits, *heading_hits], found.titles)
        return _answer(question, True, text, citations, found.hits, started)

    def _from_search(self, question: str, prepared: Question, found: Found, started: float) -> Answer:
        if not found.verdict.answerable:
            return _refusal(question, found.verdict.reason, found, started, "")
        notice = ""
        if (generator := self.generator()) is not None:
            try:
                generated = generator.answer(prepared.search, found.hits, found.titles)
                return _answer(question, generated.answered, generated.text, generated.citations, found.hits,
                               started, generated.notice)
            except LLMUnavailable as exc:
                notice = f"{exc} 已改用摘录式回答。"
        chosen, heading_hits = found.chosen, []
        announcing = [e for e in chosen if outline.announces_list(e.sentence)]
        if announcing:  # "重点抓好以下五方面工作：" — its items are the headings that follow
            hit = found.hits[announcing[0].hit_rank]
            items = outline.announced_items(self.reports.report(hit.chunk.doc_id), hit.chunk.paragraph)
            if items:
                heading_hits, headings = outline.as_evidence(items, len(found.hits))
                chosen = announcing + headings
        text, citations = compose(question, chosen, [*found.hits, *heading_hits], found.titles)
        return _answer(question, True, text, citations, found.hits, started, notice)


def _plan_year(reports: Sequence[Report]) -> int | None:
    """今年 in the newest report's frame: the last year it speaks about."""
    years = [r.years[-1] for r in reports if r.years]
    return max(years) if years else None


def _refusal(question: str, reason: str, found: Found, started: float, notice: str) -> Answer:
    related = tuple(citation_for(i + 1, hit, "", found.titles) for i, hit in enumerate(found.hits[:RELATED_ON_REFUSAL]))
    text = in_script_of(question, f"报告中没有找到这个问题的答案：{reason}")
    if related:
        text += in_script_of(question, "以下是最接近的段落，供参考。")
    return Answer(question, False, text, (), tuple(found.hits), _elapsed_ms(started), notice, related)


def _answer(question: str, answered: bool, text: str, citations: Sequence[Citation], hits: Sequence[Hit],
            started: float, notice: str = "") -> Answer:
    return Answer(question, answered, text, tuple(citations), tuple(hits), _elapsed_ms(started), notice)


def _elapsed_ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000

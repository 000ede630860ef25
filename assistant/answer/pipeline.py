"""One question → one answer: find the reports it is about, prepare it, pick one route, run its steps.

Scope first (assistant.answer.scope): the government and year the question names, or the scope chosen.
When several reports could answer, the answer comes from the one with the best evidence, says which
(据《…》), and lists the others that also speak to it (Answer.also_in) — figures of different governments
or years are never mixed in one answer.

Routes, picked before anything is searched:
- small talk (你好, 谢谢, 你能做什么; assistant.answer.courtesy): what the assistant does and which reports it
  holds, never a report sentence; a greeting before or thanks after a real question is taken off it;
- service how-to (怎么办理居住证; assistant.answer.howto): refused with what the reports cover and where to ask;
- ledger: a question about what was promised (and, unscoped, the ledger has matching rows);
- outline: a question about the report's own structure, answered with its headings;
- search: everything else — retrieve, score sentences, judge, then quote (or generate); a refusal offers the
  closest body paragraphs as reading (assistant.answer.related), never headings or the metadata block.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol

from assistant.answer import evidence, outline, related, replies, verdict
from assistant.answer.courtesy import smalltalk, without_courtesy
from assistant.answer.extractive import citation_for, compose
from assistant.answer.question import Question, prepare, without_names
from assistant.answer.scope import Routing, Scope, route
from assistant.answer.weights import AnswerWeights
from assistant.errors import IndexMissing, LLMUnavailable
from assistant.ledger.chat import answer_from_ledger
from assistant.records import FROM_REPORTS, SERVICE, SMALLTALK, Answer, Citation
from index.identity import KINDS
from index.records import Chunk, Hit, Paragraph, Report
from index.retrieval import Snapshot
from index.textnorm import in_script_of, normalize

if TYPE_CHECKING:
    from assistant.answer.generative import GenerativeAnswerer
    from assistant.ledger.store import Ledger

RELATED_ON_REFUSAL = 3
REFUSAL_OPENING = "报告中没有找到这个问题的答案："  # every refusal opens so (the UI and tests look for it)
IDENTITY_PARAGRAPHS = 6
MEETING_ASKED = re.compile(r"会议|大会|会上")
DATE_ASKED = re.compile(r"哪天|何时|什么时候|时间|日期|哪一天|几月")  # the title, date, meeting and speaker lines open a report
ALSO_IN_MAX = 3  # other reports named under an answer
# Another report "also speaks to" the question when its best sentence covers this share of the question's
# words (the verdict's own bar for answering, assistant.answer.weights.AnswerWeights.min_coverage, plus margin).
ALSO_IN_MIN_COVERAGE = 0.6


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
    scored: list[evidence.Evidence]  # every sentence of the top paragraphs, best first
    chosen: list[evidence.Evidence]
    verdict: verdict.Verdict
    titles: Mapping[str, str]
    ranked: list[Hit]  # the hits reranked by their best sentence: what the answer lists


class AnswerPipeline:
    def __init__(self, reports: ReportSource, snapshot: Callable[[], Snapshot], retriever: Retriever,
                 ledger: Ledger, generator: Callable[[], GenerativeAnswerer | None], *,
                 k_hits: int, max_question_chars: int, weights: AnswerWeights,
                 observe: Callable[[Question, Found], None] | None = None) -> None:
        """snapshot: the current index state (vocabulary, years) that judging uses, whoever retrieves.
        observe: sees every search's evidence (eval/fit.py learns the weights from it)."""
        self.reports, self.snapshot, self.retriever, self.ledger = reports, snapshot, retriever, ledger
        self.generator = generator
        self.k_hits, self.max_question_chars, self.weights, self.observe = k_hits, max_question_chars, weights, observe

    def ask(self, question: str, history: Sequence[dict] | None = None,
            doc_ids: Sequence[str] | None = None, scope: Scope | None = None) -> Answer:
        """doc_ids: a hard filter (benchmarks, tests); scope: what the user chose (report, place, year)."""
        started = time.perf_counter()
        every = self.reports.reports()
        reports = [r for r in every if not doc_ids or r.doc_id in doc_ids]
        if not reports:
            raise IndexMissing("还没有导入任何报告：请先运行 govqa ingest 导入报告。")
        scope = scope or Scope()
        earlier = [t.get("content", "") for t in reversed(history or []) if isinstance(t, dict) and t.get("role") == "user"]
        snapshot = self.snapshot()  # one index state for the whole answer: routing and every search
        routing = route(question, scope, reports, context=[c for c in earlier if isinstance(c, str)],
                        corpus_uses=snapshot.vocabulary(doc_ids).knows)
        routed = set(routing.doc_ids)  # a set: a year's scope is a thousand reports at 1,000 governments
        held = [r for r in reports if r.doc_id in routed] or reports  # what the user's scope holds
        if talk := smalltalk(question):  # 你好 / 谢谢: never searched, never merged with the previous question
            return _answer(question, False, in_script_of(question, replies.to_smalltalk(talk, held)), (), (), started,
                           kind=SMALLTALK)
        # Once scoped, the government's name and the document's own name (政府工作报告) only match its title lines.
        document_words = KINDS if routing.named else ()
        prepared = without_names(self._prepare(question, history, routing), (*routing.named, *document_words))
        if routing.refusal:
            return _answer(question, False, in_script_of(question, f"{REFUSAL_OPENING}{routing.refusal}"), (), (), started)
        if prepared.intent.asks_procedure:
            return _answer(question, False, in_script_of(question, REFUSAL_OPENING + replies.to_service(held)), (), (),
                           started, kind=SERVICE)
        if prepared.intent.about_promise and not doc_ids and scope.empty:
            from_ledger = answer_from_ledger(prepared.typed, prepared.intent.asks_status, self.ledger)
            if from_ledger is not None:
                return _answer(question, True, from_ledger.text, from_ledger.citations, (), started)
        in_scope = {r.doc_id: r for r in reports if r.doc_id in routed}
        if prepared.intent.about_report and (answer := self._identity(question, list(in_scope.values()), started)):
            return _named(answer, in_scope, ())
        found = self._search(prepared, _filter(routing, len(every)), list(in_scope.values()), snapshot)
        if not found.verdict.answerable and routing.fallback:
            # The year asked in the other role (a plan's figure asked as if achieved, or the reverse).
            fallback = set(routing.fallback)  # a year's other role is a thousand reports at 10,000: 87 ms as a tuple
            other = {r.doc_id: r for r in reports if r.doc_id in fallback}
            retry = self._search(prepared, list(other), list(other.values()), snapshot)
            if retry.verdict.answerable:
                found, in_scope = retry, other
        found, also_in = self._one_report(prepared, found, in_scope, snapshot)
        if prepared.intent.wants_outline and (answer := self._outline(question, found, started)):
            return _named(answer, in_scope, also_in)
        return _named(self._from_search(question, prepared, found, started), in_scope, also_in)

    def _one_report(self, prepared: Question, found: Found, in_scope: Mapping[str, Report],
                    snapshot: Snapshot) -> tuple[Found, tuple[str, ...]]:
        """Evidence from several reports: keep the report with the best sentence, searched on its own, and
        name the others whose best sentence covers the question well."""
        docs = list(dict.fromkeys(found.hits[e.hit_rank].chunk.doc_id for e in found.scored))
        if len(docs) <= 1:
            return found, ()
        best = docs[0]
        others = []
        for doc_id in docs[1:]:
            coverage = max(e.coverage for e in found.scored if found.hits[e.hit_rank].chunk.doc_id == doc_id)
            if coverage >= ALSO_IN_MIN_COVERAGE and doc_id in in_scope:
                others.append(in_scope[doc_id].title)
        return self._search(prepared, [best], [in_scope[best]], snapshot), tuple(others[:ALSO_IN_MAX])

    def _prepare(self, question: str, history: Sequence[dict] | None, routing: Routing) -> Question:
        plan_year = routing.plan_year
        prepared = prepare(without_courtesy(question), history, self.max_question_chars, plan_year)
        generator = self.generator()
        if generator is not None and history and prepared.search == prepared.typed:
            # The rules found no follow-up to resolve; the model may (它/那个项目 → the thing named before).
            prepared = prepare(generator.condense(question, history), None, self.max_question_chars * 4, plan_year)
        return prepared

    def _search(self, prepared: Question, doc_ids: Sequence[str] | None, reports: Sequence[Report],
                snapshot: Snapshot) -> Found:
        hits = self.retriever.search(prepared.search, k=self.k_hits, doc_ids=doc_ids, snapshot=snapshot)
        vocabulary = snapshot.vocabulary(doc_ids)
        scored = evidence.score_sentences(prepared, hits, vocabulary, self.weights)
        chosen = evidence.select(scored, prepared, weights=self.weights)
        years = {y for r in reports for y in (*r.years, *snapshot.years_named.get(r.doc_id, ()))}
        judged = verdict.judge(prepared, chosen, vocabulary, years, self.weights)
        found = Found(hits, scored, chosen, judged, {r.doc_id: r.title for r in reports}, _reranked(hits, scored, chosen))
        if self.observe is not None:
            self.observe(prepared, found)
        return found

    def _identity(self, question: str, reports: Sequence[Report], started: float) -> Answer | None:
        """Who gave the report, when, at which meeting: the opening line that says so, quoted and cited.
        Several reports in scope: the newest (a named year has already narrowed the scope to its report)."""
        newest = max(reports, key=lambda r: (r.identity.year or 0, r.doc_id), default=None)
        report = self.reports.report(newest.doc_id) if newest and newest.identity.place else None
        if report is None:
            return None
        identity = report.identity
        # The line that says what was asked: the meeting, the date, else the speaker (who gave it).
        if MEETING_ASKED.search(normalize(question)):
            order = (identity.meeting, identity.speaker, identity.date[:4])
        elif DATE_ASKED.search(normalize(question)):
            order = (identity.date[:4], identity.meeting, identity.speaker)
        else:
            order = (identity.speaker, identity.meeting, identity.date[:4])
        facts = [f for f in order if f]
        opening = report.paragraphs[:IDENTITY_PARAGRAPHS]
        paragraph = next((p for fact in facts for p in opening if fact in normalize(p.text)), None)
        if paragraph is None:
            return None
        hit = Hit(Chunk(f"identity:{report.doc_id}:{paragraph.number}", report.doc_id, paragraph.number,
                        paragraph.section, paragraph.text, normalize(paragraph.text)), 1.0, paragraph.text)
        text, citations = compose(question, [evidence.Evidence(0, 0, paragraph.text, 1.0, 1.0, False, None)],
                                  [hit], {report.doc_id: report.title})
        return _answer(question, True, text, citations, [hit], started)

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
        return _answer(question, True, text, citations, found.ranked, started)

    def _from_search(self, question: str, prepared: Question, found: Found, started: float) -> Answer:
        if not found.verdict.answerable:
            return self._refusal(question, found, started)
        notice = ""
        if (generator := self.generator()) is not None:
            try:
                generated = generator.answer(prepared.search, found.ranked, found.titles)
                return _answer(question, generated.answered, generated.text, generated.citations, found.ranked,
                               started, generated.notice)
            except LLMUnavailable as exc:
                notice = f"{exc} 已改用摘录式回答。"
        chosen, heading_hits = self._with_items(prepared, found)
        text, citations = compose(question, chosen, [*found.hits, *heading_hits], found.titles)
        return _answer(question, True, text, citations, found.ranked, started, notice)

    def _with_items(self, prepared: Question, found: Found) -> tuple[list[evidence.Evidence], list[Hit]]:
        """The chosen sentences, completed by the items a list-announcing one of them introduces, cited."""
        announcing = [e for e in found.chosen if outline.announces_list(e.sentence)]
        if announcing:  # "重点抓好以下五方面工作：" — its items are the headings that follow
            hit = found.hits[announcing[0].hit_rank]
            items = outline.announced_items(self.reports.report(hit.chunk.doc_id), hit.chunk.paragraph)
            if items:
                heading_hits, headings = outline.as_evidence(items, len(found.hits))
                return announcing + headings, heading_hits
        if prepared.intent.wants_list:  # "继续办好10件实事。" — its items are numbered after it
            for i, counting in enumerate(found.chosen):
                count = outline.announced_count(counting.sentence, prepared.focus)
                hit = found.hits[counting.hit_rank]
                report = self.reports.report(hit.chunk.doc_id) if count else None
                numbered = outline.numbered_after(report, hit.chunk.paragraph, counting.position, count) if report else []
                if numbered:
                    return self._items_after(found, i, numbered)
        return list(found.chosen), []

    def _refusal(self, question: str, found: Found, started: float) -> Answer:
        """Why not, and — when the evidence is about what was asked — the closest readable paragraphs."""
        near = related.closest(found.ranked, self.reports.report, RELATED_ON_REFUSAL) if found.verdict.on_topic else []
        shown = tuple(citation_for(i + 1, hit, "", found.titles) for i, hit in enumerate(near))
        text = in_script_of(question, f"{REFUSAL_OPENING}{found.verdict.reason}")
        if shown:
            text += in_script_of(question, "以下是最接近的段落，供参考。")
        return Answer(question, False, text, (), tuple(found.ranked), _elapsed_ms(started), "", shown)

    @staticmethod
    def _items_after(found: Found, i: int, numbered: Sequence[tuple[Paragraph, str]]) -> tuple[list[evidence.Evidence], list[Hit]]:
        """The chosen sentences with the items after the i-th; items of its own paragraph keep its citation."""
        counting = found.chosen[i]
        source = found.hits[counting.hit_rank].chunk
        own, later = [], []
        for paragraph, quote in numbered:
            if (paragraph.doc_id, paragraph.number) == (source.doc_id, source.paragraph):
                own.append(evidence.Evidence(counting.hit_rank, counting.position, quote, 0.0, 1.0, False, None))
            else:
                later.append((paragraph, quote))
        item_hits, items = outline.as_evidence([p for p, _ in later], len(found.hits), [q for _, q in later])
        return [*found.chosen[: i + 1], *own, *items, *found.chosen[i + 1 :]], item_hits


def _reranked(hits: list[Hit], scored: Sequence[evidence.Evidence], chosen: Sequence[evidence.Evidence]) -> list[Hit]:
    """The ranked paragraphs as the answer weighs them (what Answer.hits shows): the ones it quotes, best
    sentence first; then the other scored ones (the top paragraphs) by their best sentence; then the rest
    in retrieval order."""
    best: dict[int, float] = {}
    for e in scored:
        best[e.hit_rank] = max(best.get(e.hit_rank, float("-inf")), e.score)
    quoted = {e.hit_rank for e in chosen}
    order = sorted(range(len(hits)), key=lambda i: (i not in quoted, i not in best, -best.get(i, 0.0), i))
    return [hits[i] for i in order]


def _filter(routing: Routing, indexed: int) -> list[str] | None:
    """The doc_ids to search, or None when the routing kept every indexed report (the unfiltered path)."""
    return None if len(routing.doc_ids) == indexed else list(routing.doc_ids)


def _named(answer: Answer, reports: Mapping[str, Report], also_in: tuple[str, ...]) -> Answer:
    """The answer says whose report it quotes (据《…》：), and each citation carries its report's place and year."""
    citations = tuple(replace(c, place=reports[c.doc_id].identity.place, year=reports[c.doc_id].identity.year)
                      if c.doc_id in reports else c for c in answer.citations)
    if not answer.answered:
        return replace(answer, citations=citations)
    cited = list(dict.fromkeys(c.doc_id for c in citations if c.doc_id in reports))
    text = answer.text
    if len(cited) == 1 and not text.startswith("据《"):
        text = in_script_of(answer.question, f"据《{reports[cited[0]].title}》：") + text
    return replace(answer, text=text, citations=citations, also_in=also_in)


def _answer(question: str, answered: bool, text: str, citations: Sequence[Citation], hits: Sequence[Hit],
            started: float, notice: str = "", kind: str = FROM_REPORTS) -> Answer:
    return Answer(question, answered, text, tuple(citations), tuple(hits), _elapsed_ms(started), notice, kind=kind)


def _elapsed_ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000
